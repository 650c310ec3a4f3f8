package org.fcproc.linux;

import java.util.Locale;
import java.util.Optional;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.fcproc.host.Errno;
import org.fcproc.host.HostException;

/**
 * The loaded native libraries and the Linux constants: one instance per JVM, made by
 * {@link #load()}, which fails with a clear cause when this is not a Linux x86_64/aarch64 host,
 * when jnr-posix could only give its pure-Java fallback, or when the kernel lacks openat2.
 */
final class Native {
  // ---- open(2) flags, asm-generic/fcntl.h (the same on x86_64 and aarch64)
  static final int O_RDONLY = 0;
  static final int O_WRONLY = 01;
  static final int O_RDWR = 02;
  static final int O_CREAT = 0100;
  static final int O_EXCL = 0200;
  static final int O_NONBLOCK = 04000;
  static final int O_DIRECTORY = 0200000;
  static final int O_NOFOLLOW = 0400000;
  static final int O_CLOEXEC = 02000000;
  static final int O_PATH = 010000000;

  // ---- openat2 resolve flags, linux/openat2.h
  static final long RESOLVE_NO_XDEV = 0x01;
  static final long RESOLVE_NO_MAGICLINKS = 0x02;
  static final long RESOLVE_NO_SYMLINKS = 0x04;
  static final long RESOLVE_BENEATH = 0x08;
  static final long RESOLVE_IN_ROOT = 0x10;

  // ---- *at flags
  static final int AT_FDCWD = -100;
  static final int AT_SYMLINK_NOFOLLOW = 0x100;
  static final int AT_REMOVEDIR = 0x200;
  static final int AT_NO_AUTOMOUNT = 0x800;
  static final int AT_EMPTY_PATH = 0x1000;

  // ---- statx
  static final int STATX_BASIC_STATS = 0x7ff;
  static final int STATX_MNT_ID = 0x1000;
  static final int STATX_SIZE_BYTES = 256;

  // ---- renameat2
  static final int RENAME_NOREPLACE = 1;
  static final int RENAME_EXCHANGE = 2;

  // ---- mount(2), linux/mount.h
  static final long MS_RDONLY = 1;
  static final long MS_NOSUID = 2;
  static final long MS_NODEV = 4;
  static final long MS_NOEXEC = 8;
  static final long MS_REMOUNT = 32;
  static final long MS_BIND = 4096;
  static final long MS_REC = 16384;
  static final long MS_UNBINDABLE = 1L << 17;
  static final long MS_PRIVATE = 1L << 18;
  static final long MS_SLAVE = 1L << 19;
  static final long MS_SHARED = 1L << 20;

  // ---- umount2(2)
  static final int MNT_FORCE = 1;
  static final int MNT_DETACH = 2;
  static final int UMOUNT_NOFOLLOW = 8;

  // ---- file types for mknod
  static final int S_IFMT = 0170000;

  // ---- unix sockets: sys/socket.h, asm-generic/socket.h, poll.h (the same on x86_64 and aarch64)
  static final int AF_UNIX = 1;
  static final int SOCK_STREAM = 1;
  static final int SOCK_CLOEXEC = O_CLOEXEC;
  static final int SOL_SOCKET = 1;
  static final int SO_PEERCRED = 17;
  /** {@code SO_SNDTIMEO} (asm-generic's {@code SO_SNDTIMEO_OLD}: a {@code struct timeval} of two longs on 64-bit). */
  static final int SO_SNDTIMEO = 21;
  /** {@code sizeof(struct timeval)} on x86_64 and aarch64: seconds and microseconds, 64 bits each. */
  static final int TIMEVAL_SIZE = 16;
  /** {@code sizeof(struct ucred)}: pid, uid, gid, each 32 bits. */
  static final int UCRED_SIZE = 12;
  /** {@code sizeof(struct sockaddr_un)}: {@code sa_family_t} and {@code sun_path[108]}. */
  static final int SOCKADDR_UN_SIZE = 110;
  static final int SUN_PATH_MAX = 108;
  static final int MSG_DONTWAIT = 0x40;
  static final int MSG_NOSIGNAL = 0x4000;
  static final int SHUT_WR = 1;
  static final short POLLIN = 0x1;
  static final short POLLOUT = 0x4;
  /** {@code sizeof(struct pollfd)}: fd, events, revents. */
  static final int POLLFD_SIZE = 8;
  /** EPROTOTYPE: connect to a socket inode of another type (not in {@link Errno}). */
  static final int EPROTOTYPE = 91;

  // ---- statfs
  static final long PROC_SUPER_MAGIC = 0x9fa0;

  // ---- syscall numbers. openat2 and fchmodat2 were added after the unification of numbers
  // and are the same on every architecture; getdents64 is not.
  static final long SYS_OPENAT2 = 437;
  static final long SYS_FCHMODAT2 = 452;

  /** {@code sizeof(struct open_how)}: flags, mode, resolve, each u64. */
  static final int OPEN_HOW_SIZE = 24;

  final LibC libc;
  final POSIX posix;
  final Runtime runtime;
  final long sysGetdents64;

  private Native(LibC libc, POSIX posix, Runtime runtime, long sysGetdents64) {
    this.libc = libc;
    this.posix = posix;
    this.runtime = runtime;
    this.sysGetdents64 = sysGetdents64;
  }

  /** Why this JVM cannot use the Linux backend, or empty when it can. Probed once. */
  static Optional<String> unavailabilityCause() {
    return Holder.CAUSE;
  }

  /** The native libraries, loaded once. */
  static Native get() {
    if (Holder.INSTANCE == null) {
      throw new UnsupportedOperationException("fcproc linux backend unavailable: " + Holder.CAUSE.orElse("unknown"));
    }
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final Native INSTANCE;
    static final Optional<String> CAUSE;

    static {
      Native n = null;
      String cause;
      try {
        n = load();
        cause = null;
      } catch (Throwable t) { // LinkageError from jffi, UnsatisfiedLinkError, ...
        cause = t.getMessage() == null ? t.toString() : t.getMessage();
      }
      INSTANCE = n;
      CAUSE = Optional.ofNullable(cause);
    }
  }

  private static Native load() throws Exception {
    String os = System.getProperty("os.name", "");
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.equals("Linux")) {
      throw new IllegalStateException("not Linux: os.name=" + os);
    }
    long getdents64;
    switch (arch) {
      case "amd64":
      case "x86_64":
        getdents64 = 217;
        break;
      case "aarch64":
        getdents64 = 61;
        break;
      default:
        throw new IllegalStateException("unsupported architecture: os.arch=" + arch + " (x86_64 or aarch64 needed)");
    }
    Platform platform = Platform.getNativePlatform();
    if (platform.getOS() != Platform.OS.LINUX) {
      throw new IllegalStateException("jnr-ffi does not see Linux: " + platform.getOS());
    }
    POSIX posix = POSIXFactory.getNativePOSIX();
    if (posix == null || !posix.isNative()) {
      throw new IllegalStateException("jnr-posix could not load its native implementation (only the pure-Java fallback)");
    }
    LibC libc = LibraryLoader.create(LibC.class).failImmediately().load(platform.getStandardCLibraryName());
    Runtime runtime = Runtime.getRuntime(libc);
    Native n = new Native(libc, posix, runtime, getdents64);
    // Probe openat2: O_PATH of "/".
    Pointer how = n.openHow(O_PATH | O_CLOEXEC, 0, 0);
    long fd = libc.syscall(SYS_OPENAT2, AT_FDCWD, "/", how, OPEN_HOW_SIZE);
    if (fd < 0) {
      int e = n.errno();
      throw new IllegalStateException("openat2(2) unavailable: " + Errno.of(e) + " (errno " + e + "); Linux 5.6+ needed");
    }
    libc.close((int) fd);
    return n;
  }

  /** The errno the last failing call of this thread saved. */
  int errno() {
    return runtime.getLastError();
  }

  /** The errno the last failing call of this thread saved, as a {@link HostException}. */
  HostException fail(String call, String path) {
    int e = errno();
    Errno errno = Errno.of(e);
    return new HostException(errno, call, path, errno == Errno.EUNKNOWN ? "errno " + e : null);
  }

  /** A {@code struct open_how} in native memory. */
  Pointer openHow(long flags, long mode, long resolve) {
    Pointer how = Memory.allocateDirect(runtime, OPEN_HOW_SIZE, true);
    how.putLong(0, flags);
    how.putLong(8, mode);
    how.putLong(16, resolve);
    return how;
  }

  Pointer buffer(int size) {
    return Memory.allocateDirect(runtime, size, true);
  }

  /** {@code /proc/self/fd/N}: the magic link to what {@code fd} pins. */
  static String procFd(int fd) {
    return "/proc/self/fd/" + fd;
  }

  // ---- inotify(7), linux/inotify.h (the same on x86_64 and aarch64)
  static final int IN_CLOEXEC = O_CLOEXEC;
  static final int IN_NONBLOCK = O_NONBLOCK;
  static final int IN_CREATE = 0x100;
  static final int IN_MOVED_TO = 0x80;
  static final int IN_DELETE_SELF = 0x400;
  static final int IN_MOVE_SELF = 0x800;
  static final int IN_UNMOUNT = 0x2000;
  static final int IN_Q_OVERFLOW = 0x4000;
  static final int IN_IGNORED = 0x8000;
  static final int IN_ONLYDIR = 0x1000000;
  /** {@code sizeof(struct inotify_event)} without the name: wd, mask, cookie, len. */
  static final int INOTIFY_EVENT_SIZE = 16;

  // ---- pidfds: numbers after the unification, the same on x86_64 and aarch64 (Linux 5.1 / 5.3)
  static final long SYS_PIDFD_SEND_SIGNAL = 424;
  static final long SYS_PIDFD_OPEN = 434;

  // ---- TAP devices and bridges: linux/if_tun.h, linux/sockios.h, linux/if.h (the same on x86_64
  // and aarch64). _IOW('T', n, int) for the tun ioctls.
  static final long TUNSETIFF = 0x400454caL;
  static final long TUNSETPERSIST = 0x400454cbL;
  static final long TUNSETOWNER = 0x400454ccL;
  static final long TUNSETGROUP = 0x400454ceL;
  static final long SIOCGIFFLAGS = 0x8913;
  static final long SIOCSIFFLAGS = 0x8914;
  static final long SIOCBRADDIF = 0x89a2;
  static final short IFF_TAP = 0x0002;
  static final short IFF_NO_PI = 0x1000;
  /** Refuse an existing device of that name (EBUSY) instead of attaching to it. */
  static final short IFF_TUN_EXCL = (short) 0x8000;
  static final short IFF_UP = 0x1;
  /** {@code sizeof(struct ifreq)}: a 16-byte name, then a 24-byte union. */
  static final int IFREQ_SIZE = 40;
  static final int IFNAMSIZ = 16;
  static final int AF_INET = 2;
  static final int SOCK_DGRAM = 2;
}
