package org.fcproc.linux;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;

/**
 * The Linux-only libc calls fcproc needs that jnr-posix does not offer (or offers without the
 * {@code *at} / flag forms). Every call saves {@code errno} on the calling thread, read back with
 * {@link Native#errno()} straight after a failure.
 *
 * <p>Strings are NUL-terminated by jnr-ffi; a {@code null} String is passed as {@code NULL}.
 * jnr-ffi generates the implementation of this interface at runtime, which needs it public;
 * it is not part of fcproc's API (the package exports only {@link LinuxHost}).
 */
public interface LibC {
  // ---- raw syscalls (variadic in libc: one fixed argument, the number)

  /** {@code syscall(SYS_openat2, dirfd, path, &how, sizeof how)}. */
  @SaveError
  @Variadic(fixedCount = 1)
  long syscall(long number, int dirfd, String path, Pointer how, long size);

  /** {@code syscall(SYS_fchmodat2, dirfd, path, mode, flags)}. */
  @SaveError
  @Variadic(fixedCount = 1)
  long syscall(long number, int dirfd, String path, int mode, int flags);

  /** {@code syscall(SYS_getdents64, fd, buf, count)}. */
  @SaveError
  @Variadic(fixedCount = 1)
  long syscall(long number, int fd, Pointer buf, long count);

  // ---- the *at family

  @SaveError
  int fchownat(int dirfd, String path, int uid, int gid, int flags);

  @SaveError
  int mknodat(int dirfd, String path, int mode, long dev);

  @SaveError
  int mkdirat(int dirfd, String path, int mode);

  @SaveError
  int symlinkat(String target, int dirfd, String linkpath);

  @SaveError
  long readlinkat(int dirfd, String path, @Out byte[] buf, long size);

  @SaveError
  int linkat(int olddirfd, String oldpath, int newdirfd, String newpath, int flags);

  @SaveError
  int unlinkat(int dirfd, String path, int flags);

  @SaveError
  int renameat2(int olddirfd, String oldpath, int newdirfd, String newpath, int flags);

  @SaveError
  int statx(int dirfd, String path, int flags, int mask, Pointer buf);

  @SaveError
  int statfs(String path, Pointer buf);

  // ---- path-based

  @SaveError
  int chmod(String path, int mode);

  @SaveError
  int chown(String path, int uid, int gid);

  @SaveError
  int lchown(String path, int uid, int gid);

  @SaveError
  int mount(String source, String target, String fstype, long flags, String data);

  @SaveError
  int umount2(String target, int flags);

  // ---- descriptors and I/O

  @SaveError
  int close(int fd);

  @SaveError
  long copy_file_range(int fdIn, Pointer offIn, int fdOut, Pointer offOut, long len, int flags);

  @SaveError
  long read(int fd, @Out byte[] buf, long count);

  @SaveError
  long write(int fd, @In byte[] buf, long count);

  // ---- unix sockets (UnixSocketConnection)

  @SaveError
  int socket(int domain, int type, int protocol);

  /** {@code connect(fd, (struct sockaddr *) addr, len)}. */
  @SaveError
  int connect(int fd, Pointer addr, int len);

  /** {@code getsockopt(fd, level, name, optval, &optlen)}. */
  @SaveError
  int getsockopt(int fd, int level, int name, Pointer optval, Pointer optlen);

  /** {@code setsockopt(fd, level, name, optval, optlen)}. */
  @SaveError
  int setsockopt(int fd, int level, int name, Pointer optval, int optlen);

  @SaveError
  long send(int fd, @In byte[] buf, long len, int flags);

  @SaveError
  long recv(int fd, @Out byte[] buf, long len, int flags);

  @SaveError
  int shutdown(int fd, int how);

  /** {@code poll(fds, nfds, timeout_ms)}. */
  @SaveError
  int poll(Pointer fds, long nfds, int timeout);

  // ---- processes and links

  @SaveError
  int kill(int pid, int sig);

  @SaveError
  int if_nametoindex(String name);

  // ---- inotify(7) (InotifyWatch)

  @SaveError
  int inotify_init1(int flags);

  /** {@code inotify_add_watch(fd, path, mask)}; {@code path} is {@code /proc/self/fd/N}. */
  @SaveError
  int inotify_add_watch(int fd, String path, int mask);

  // ---- pidfds (pidfd_open(2), pidfd_send_signal(2)); appended for the sure kill

  /** {@code syscall(SYS_pidfd_open, pid, flags)}. */
  @SaveError
  @Variadic(fixedCount = 1)
  long syscall(long number, int pid, int flags);

  /** {@code syscall(SYS_pidfd_send_signal, pidfd, sig, info, flags)}; {@code info} is NULL. */
  @SaveError
  @Variadic(fixedCount = 1)
  long syscall(long number, int pidfd, int sig, Pointer info, int flags);

  // ---- TAP devices and bridges (TapDevices); appended for the syscall path of createTapOwned

  /** {@code open(2)} of a path; only {@code /dev/net/tun} goes this way. */
  @SaveError
  int open(String path, int flags);

  /** {@code ioctl(fd, request, struct ifreq *)}. */
  @SaveError
  @Variadic(fixedCount = 2)
  int ioctl(int fd, long request, Pointer arg);

  /** {@code ioctl(fd, request, unsigned long)}: TUNSETOWNER, TUNSETGROUP, TUNSETPERSIST. */
  @SaveError
  @Variadic(fixedCount = 2)
  int ioctl(int fd, long request, long arg);

  // ---- clocks (IdentityFacts); appended for the identity of jailed VMs

  /** {@code clock_gettime(clockid, struct timespec *)}: CLOCK_REALTIME (0), CLOCK_BOOTTIME (7). */
  @SaveError
  int clock_gettime(int clockId, Pointer timespec);
}
