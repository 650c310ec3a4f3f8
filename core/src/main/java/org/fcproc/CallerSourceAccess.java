package org.fcproc;

import java.util.EnumSet;
import org.fcproc.host.FsIdentity;
import org.fcproc.host.OpenFlag;
import org.fcproc.host.OpenHow;
import org.fcproc.host.Resolve;

/**
 * The privileged helper's access to a sudo caller's sources: each is opened with the caller's
 * file-system identity ({@link org.fcproc.host.HostOps#openAs}), so the kernel decides whether the
 * caller may use it — a file the caller cannot read is never linked, copied or given to a VM, and
 * a block device becomes a drive only if the caller could open it for reading and writing.
 *
 * <p>A linked source is given to the VM's uid ({@code chown}) only if the caller owns it: the
 * helper never changes an inode the caller does not own.
 *
 * @param caller the sudo caller's identity (from {@code SUDO_UID}/{@code SUDO_GID} and the user
 *     database)
 */
record CallerSourceAccess(FsIdentity caller) implements SourceAccess {
  /** {@code O_RDONLY|O_NOFOLLOW|O_NONBLOCK}, no symlink on the way: reading a file or image. */
  static final OpenHow READ = new OpenHow(EnumSet.of(OpenFlag.READ, OpenFlag.NOFOLLOW, OpenFlag.NONBLOCK), 0,
      EnumSet.of(Resolve.NO_SYMLINKS));
  /** {@code O_RDWR|O_NOFOLLOW|O_NONBLOCK}: a block device used as a writable drive. */
  static final OpenHow READ_WRITE = new OpenHow(
      EnumSet.of(OpenFlag.READ, OpenFlag.WRITE, OpenFlag.NOFOLLOW, OpenFlag.NONBLOCK), 0, EnumSet.of(Resolve.NO_SYMLINKS));

  CallerSourceAccess {
    java.util.Objects.requireNonNull(caller, "caller");
  }

  @Override
  public String toString() {
    return "uid " + caller.uid();
  }
}
