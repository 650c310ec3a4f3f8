package org.fcproc.host;

/**
 * The Linux error numbers fcproc branches on. Core decides by errno, never by message text
 * (docs/DESIGN.md#design-rules), so both backends must report the number the kernel would.
 *
 * <p>Numbers are the x86-64/aarch64 generic values from {@code asm-generic/errno-base.h} and
 * {@code errno.h}.
 */
public enum Errno {
  EPERM(1),
  ENOENT(2),
  ESRCH(3),
  EINTR(4),
  EIO(5),
  ENXIO(6),
  EBADF(9),
  EAGAIN(11),
  ENOMEM(12),
  EACCES(13),
  EBUSY(16),
  EEXIST(17),
  EXDEV(18),
  ENODEV(19),
  ENOTDIR(20),
  EISDIR(21),
  EINVAL(22),
  EMFILE(24),
  ENOSPC(28),
  EROFS(30),
  EMLINK(31),
  EPIPE(32),
  ENAMETOOLONG(36),
  ENOSYS(38),
  ENOTEMPTY(39),
  ELOOP(40),
  ENOTSOCK(88),
  EOPNOTSUPP(95),
  ECONNRESET(104),
  ETIMEDOUT(110),
  ECONNREFUSED(111),
  /** Not a kernel errno: the backend could not map the number it got. */
  EUNKNOWN(-1);

  private final int number;

  Errno(int number) {
    this.number = number;
  }

  /** The kernel's number for this errno. */
  public int number() {
    return number;
  }

  /** The errno for a kernel number, or {@link #EUNKNOWN}. */
  public static Errno of(int number) {
    for (Errno e : values()) {
      if (e.number == number) {
        return e;
      }
    }
    return EUNKNOWN;
  }
}
