package org.fcproc.host;

/** The inode types of {@code S_IFMT}. */
public enum FileType {
  REGULAR(0100000),
  DIRECTORY(0040000),
  SYMLINK(0120000),
  SOCKET(0140000),
  FIFO(0010000),
  CHAR_DEVICE(0020000),
  BLOCK_DEVICE(0060000);

  private final int ifmt;

  FileType(int ifmt) {
    this.ifmt = ifmt;
  }

  /** The {@code S_IFMT} bits of this type. */
  public int ifmt() {
    return ifmt;
  }

  public boolean isDevice() {
    return this == CHAR_DEVICE || this == BLOCK_DEVICE;
  }

  /** The type encoded in a {@code st_mode}. */
  public static FileType ofMode(int stMode) {
    int fmt = stMode & 0170000;
    for (FileType t : values()) {
      if (t.ifmt == fmt) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown file type in mode 0" + Integer.toOctalString(stMode));
  }
}
