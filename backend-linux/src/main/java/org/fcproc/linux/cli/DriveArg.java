package org.fcproc.linux.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * One {@code --drive NAME=PATH}: the file name inside the chroot, then the host path. Split at
 * the first {@code =/} — a host path is absolute and a name holds no {@code /}, so a name and a
 * host path may both contain {@code =} — else (a relative path, which core then refuses) at the
 * first {@code =}; both sides must be non-empty. The
 * names and paths themselves are checked by core ({@code ChrootDriveSpec}), as for every caller.
 */
record DriveArg(String name, String hostPath) {

  static final class Converter implements ITypeConverter<DriveArg> {
    @Override
    public DriveArg convert(String value) {
      return parse(value);
    }
  }

  static DriveArg parse(String value) {
    int eq = value == null ? -1 : value.indexOf("=/");
    if (eq < 0) {
      eq = value == null ? -1 : value.indexOf('=');
    }
    if (eq <= 0 || eq == value.length() - 1) {
      throw new TypeConversionException("'" + value + "' is not NAME=PATH (e.g. rootfs=/var/lib/fcproc/vm1/rootfs.ext4)");
    }
    return new DriveArg(value.substring(0, eq), value.substring(eq + 1));
  }
}
