package org.fcproc.host;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The host, as fcproc's core sees it: small primitives with kernel semantics (docs/DESIGN.md#design-rules).
 *
 * <p>Every decision about what is safe is made in core, once, and runs unchanged on every
 * backend; a backend only performs the call and reports the kernel's answer. So each method
 * documents the Linux behaviour it stands for, and both backends are held to it by the same
 * contract suite.
 *
 * <p>Paths given to the path-based calls are absolute. Calls ending in {@code At} are relative
 * to a directory {@link Handle}, like the {@code *at(2)} family; a name there is one path
 * component unless the method says otherwise. Every failure is a {@link HostException}
 * carrying the errno the kernel would give.
 */
public interface HostOps {

  /** A short name for messages and reports: {@code sim}, {@code linux}. */
  String name();

  /** The calling process's ids. */
  Credentials credentials();

  // ---------------------------------------------------------------- looking

  /** {@code lstat(2)}: the inode at {@code path}, a final symlink not followed. */
  FileStat lstat(String path) throws HostException;

  /** {@code stat(2)}: symlinks followed. */
  FileStat stat(String path) throws HostException;

  /**
   * {@code open(2)} of an absolute path. With {@link OpenFlag#PATH} and {@link OpenFlag#NOFOLLOW}
   * a final symlink is opened itself (its handle's {@code fstat} says SYMLINK); without PATH,
   * NOFOLLOW on a final symlink gives ELOOP. NOFOLLOW guards only the last component.
   */
  Handle open(String path, OpenHow how) throws HostException;

  /**
   * {@code openat2(2)}: {@code path} (one or more components) relative to {@code dir}, with
   * {@code how}'s resolve restrictions. An empty {@code path} is not allowed here; reopen a
   * handle by opening {@code "."} of it.
   */
  Handle openAt(Handle dir, String path, OpenHow how) throws HostException;

  /** {@code statx(2)} of the handle's own inode ({@code AT_EMPTY_PATH}), mount id included. */
  FileStat fstat(Handle handle) throws HostException;

  /**
   * {@code statx(dir, name, AT_SYMLINK_NOFOLLOW)}. A name that is a mount point reports the
   * root of the mount on top, with that mount's id: that is how a walk sees a mount edge.
   */
  FileStat statAt(Handle dir, String name) throws HostException;

  /** {@code readlinkat(2)}. EINVAL when the name is not a symlink. */
  String readlinkAt(Handle dir, String name) throws HostException;

  /**
   * {@code getdents64(2)} of a directory handle, without {@code .} and {@code ..}, in name order.
   * Any directory handle will do, {@code O_PATH} ones included: the kernel refuses getdents on
   * those (EBADF), so a backend reads through a fresh {@code O_RDONLY} open of {@code "."} of the
   * handle — the same inode, never a path resolved again.
   */
  List<DirEntry> readDir(Handle dir) throws HostException;

  // ---------------------------------------------------------------- changing the tree

  /** {@code mkdirat(2)}; the umask applies to {@code mode}. EEXIST when the name exists. */
  void mkdirAt(Handle dir, String name, int mode) throws HostException;

  /**
   * {@code mknodat(2)} of a device node, FIFO or socket inode; the umask applies. EEXIST when the
   * name exists, also as a dangling symlink.
   */
  void mknodAt(Handle dir, String name, FileType type, int mode, DeviceNumber device) throws HostException;

  /** {@code symlinkat(2)}: a new symlink {@code name} in {@code dir} whose text is {@code target}. */
  void symlinkAt(String target, Handle dir, String name) throws HostException;

  /**
   * {@code linkat(2)}. With an empty {@code fromName} it links the inode {@code fromDir} pins
   * ({@code AT_EMPTY_PATH}: allowed with {@code CAP_DAC_READ_SEARCH}, and since Linux 6.10 also
   * when the caller opened the handle itself): the way to link exactly the inode that was
   * checked. A symlink at {@code fromName} is not followed. EXDEV when the two
   * ends are on different mounts, even of one filesystem.
   */
  void linkAt(Handle fromDir, String fromName, Handle toDir, String toName) throws HostException;

  /** {@code unlinkat(2)}; with {@code removeDirectory}, {@code AT_REMOVEDIR}. Never follows a
   *  symlink. EBUSY for a directory that is a mount point. */
  void unlinkAt(Handle dir, String name, boolean removeDirectory) throws HostException;

  /** {@code renameat2(2)}. */
  void renameAt(Handle fromDir, String fromName, Handle toDir, String toName, RenameMode mode) throws HostException;

  /** {@code fchownat(handle, "", uid, gid, AT_EMPTY_PATH)}: the handle's own inode, a symlink
   *  handle's link included. */
  void fchown(Handle handle, int uid, int gid) throws HostException;

  /**
   * Changes the mode of the handle's own inode: {@code fchmodat2(handle, "", mode, AT_EMPTY_PATH)}
   * on 6.6+, else {@code chmod} of {@code /proc/self/fd/N} once {@code /proc} is known to be
   * procfs. EOPNOTSUPP when the handle is a symlink (Linux has no lchmod).
   */
  void fchmod(Handle handle, int mode) throws HostException;

  /** {@code chmod(2)}: follows symlinks, as {@code chmod(1)} does. */
  void chmod(String path, int mode) throws HostException;

  /** {@code chown(2)}: follows symlinks, as {@code chown(1)} without {@code -h}. */
  void chown(String path, int uid, int gid) throws HostException;

  /** {@code lchown(2)}: a final symlink itself, as {@code chown -h}. */
  void lchown(String path, int uid, int gid) throws HostException;

  /**
   * Copies every byte readable from {@code from} to {@code to} (both opened for I/O, not
   * {@code O_PATH}): {@code copy_file_range(2)} or a read/write loop.
   *
   * @return bytes copied
   */
  long copy(Handle from, Handle to) throws HostException;

  // ---------------------------------------------------------------- mounts

  /**
   * {@code mount(2)} by path, for a new filesystem ({@code fstype} such as {@code tmpfs}).
   * Like the kernel, it follows a symlink at {@code target}.
   */
  void mount(String source, String target, String fstype, Set<MountFlag> flags, String data) throws HostException;

  /** {@code mount(src, tgt, NULL, MS_BIND[|MS_REC])} on the inodes the handles pin: the same
   *  inodes then show at the target. The new mount inherits the source mount's flags. */
  void bindMount(Handle source, Handle target, boolean recursive) throws HostException;

  /** {@code mount(NULL, tgt, NULL, MS_REMOUNT|MS_BIND|flags)}: set the per-mount flags of the
   *  mount whose root {@code target} is; EINVAL when it is not a mount root. */
  void remount(Handle target, Set<MountFlag> flags) throws HostException;

  /** {@code mount(NULL, tgt, NULL, MS_PRIVATE|MS_SHARED|...)} on the mount whose root
   *  {@code target} is. */
  void setPropagation(Handle target, Propagation propagation) throws HostException;

  /**
   * {@code umount2(2)} by path. Not a mount point: EINVAL. Missing: ENOENT. With
   * {@link UmountFlag#NOFOLLOW} a symlink to a mount point: EINVAL. Busy without
   * {@link UmountFlag#DETACH}: EBUSY.
   */
  void umount2(String path, Set<UmountFlag> flags) throws HostException;

  /**
   * {@code umount2} of {@code /proc/self/fd/N} for the handle, so that no path is resolved
   * again between a check and the detach. Kernel facts (checked on 6.x, held by the contract
   * suite): the magic link lands on what the handle pins and the kernel then follows mounts
   * <em>downward</em> — a handle opened on a directory before something was mounted on it, or on
   * the root of a mount that was overmounted since, detaches the topmost mount there; the
   * handle itself keeps its mount busy, so without {@link UmountFlag#DETACH} the answer is EBUSY;
   * EINVAL when nothing is mounted there (a plain directory, or a mount already detached).
   * {@link UmountFlag#NOFOLLOW} is meaningless here (the magic link must be followed) and is
   * ignored. Callers re-read the mount table afterwards: the mount detached may be one stacked on
   * the one they meant.
   */
  void unmount(Handle mountRoot, Set<UmountFlag> flags) throws HostException;

  /** The text of {@code /proc/self/mountinfo}, escapes and all: core parses it. */
  String mountInfo() throws HostException;

  // ---------------------------------------------------------------- processes, links, sockets

  /**
   * Runs a command and waits for it. A command that cannot be started reports exit code 127
   * with the reason on stderr, as a shell would. {@code sudo} is the first word when the
   * caller wants it run as root.
   */
  CommandResult run(List<String> argv) throws HostException;

  /** The process with this pid, if there is one (zombies included). */
  Optional<ProcessInfo> process(int pid) throws HostException;

  /**
   * Every process on the host, in pid order, each as {@link #process} describes it (zombies
   * included): on Linux the numeric entries of {@code /proc}, read one after another, so not an
   * atomic snapshot — a process may start or exit while the list is made, and one that exits is
   * left out. The orphan sweep reads it to tell a live VM from a dead one.
   */
  List<ProcessInfo> listProcesses() throws HostException;

  /** {@code kill(2)}. ESRCH when there is no such process. */
  void kill(int pid, int signal) throws HostException;

  /** The network link of that name, if there is one. */
  Optional<LinkInfo> link(String name) throws HostException;

  /** How long {@link #connect(Handle)} waits for a listener whose backlog is full. */
  Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * {@code connect(2)} of a {@code SOCK_STREAM} unix socket to the socket inode {@code socket}
   * pins (through {@code /proc/self/fd/N} on Linux), never to whatever a path names now.
   * ECONNREFUSED when nothing listens; ENOTSOCK/ECONNREFUSED when the inode is not a socket.
   *
   * <p>A unix stream connect completes at once while the listener's backlog has room; when it
   * is full — the listener has stopped calling {@code accept(2)} — it waits (unix(7)), and
   * without a bound would wait for ever. It waits at most {@code timeout} (host time), then fails
   * with ETIMEDOUT.
   */
  UnixConnection connect(Handle socket, Duration timeout) throws HostException;

  /** {@link #connect(Handle, Duration)} with {@link #DEFAULT_CONNECT_TIMEOUT}. */
  default UnixConnection connect(Handle socket) throws HostException {
    return connect(socket, DEFAULT_CONNECT_TIMEOUT);
  }

  // ---------------------------------------------------------------- environment and time

  /** An environment variable of the calling process. */
  Optional<String> getenv(String name);

  /** A monotonic clock, nanoseconds. The simulator's is virtual. */
  long nanoTime();

  /** Sleeps on the host's clock: the simulator advances virtual time, firing what is due. */
  void sleep(Duration duration) throws InterruptedException;

  // ---------------------------------------------------------------- watching directories

  /**
   * {@code inotify_init1(IN_CLOEXEC|IN_NONBLOCK)}: a new, empty {@link DirectoryWatch}; add
   * directories to it by handle ({@code inotify_add_watch} of {@code /proc/self/fd/N}), then wait
   * for entries created or moved into them in host time (inotify(7)). Core waits for
   * Firecracker's sockets this way instead of polling (docs/DESIGN.md#readiness-and-identity) and falls back to polling when
   * a watch cannot be had.
   *
   * @throws HostException ENOSYS without inotify; EMFILE past {@code fs.inotify.max_user_instances}
   *     or the process's descriptor limit; ENOMEM
   */
  DirectoryWatch watch() throws HostException;

  // ---------------------------------------------------------------- process handles and small reads

  /**
   * {@code pidfd_open(pid, 0)} (Linux 5.3+; {@code O_CLOEXEC} is implied): a handle on the process
   * that has this pid now — a zombie included. ESRCH when there is no such process; EINVAL for a
   * pid that is not positive. Opening needs no permission over the process; signalling does.
   */
  PidHandle openPid(int pid) throws HostException;

  /**
   * {@code pidfd_send_signal(pidfd, signal, NULL, 0)}: the signal reaches the handle's process or
   * nothing. ESRCH once that process has exited and been reaped, whoever has its pid now; EPERM
   * when the caller may not signal it; signal 0 only checks. (A zombie, not yet reaped, accepts a
   * signal and ignores it, as {@code kill(2)} does.) EBADF for a closed handle.
   */
  void signal(PidHandle process, int signal) throws HostException;

  /**
   * The handle's process as {@link #process(int)} describes it, or empty when it has exited and
   * been reaped. What is returned is the handle's process, never a newer owner of its pid: on
   * Linux {@code /proc/PID} is read first, then a signal 0 through the handle confirms the process
   * was still not reaped (so the pid was not reused) when the read ended.
   */
  Optional<ProcessInfo> process(PidHandle process) throws HostException;

  /**
   * {@code read(2)} from the handle's current position until end of file or {@code maxBytes},
   * whichever comes first: at most {@code maxBytes} bytes. The handle must be open for reading
   * ({@link OpenHow#readNoFollow()}), else EBADF; a directory gives EISDIR. A caller that must know
   * whether there was more asks for one byte more than it accepts.
   */
  byte[] read(Handle file, int maxBytes) throws HostException;

  // ---------------------------------------------------------------- TAP devices by syscall (appended)

  /**
   * A persistent TAP device {@code name} that {@code uid}:{@code gid} may attach to, down and
   * enslaved to nothing: {@code open("/dev/net/tun", O_RDWR|O_CLOEXEC)},
   * {@code ioctl(TUNSETIFF)} with {@code IFF_TAP|IFF_NO_PI}, {@code TUNSETOWNER},
   * {@code TUNSETGROUP}, {@code TUNSETPERSIST(1)}, then close (the device stays). Needs root
   * ({@code CAP_NET_ADMIN} in the network namespace).
   *
   * <p>Unlike {@code TUNSETIFF} itself, which attaches to an existing TUN/TAP of that name, an
   * existing link of that name of any kind is EEXIST: create never adopts a device.
   *
   * @throws HostException EEXIST when a link of that name exists; EPERM without
   *     {@code CAP_NET_ADMIN} (EACCES first when the mode of {@code /dev/net/tun} keeps the caller
   *     out, as 0600 does); EINVAL for a name that is not a valid interface name or a negative
   *     id; ENOENT/ENODEV when there is no tun driver
   */
  void createTap(String name, int uid, int gid) throws HostException;

  /**
   * Deletes the TAP {@code name}: {@code open("/dev/net/tun")}, attach with {@code TUNSETIFF}
   * ({@code IFF_TAP|IFF_NO_PI}), {@code TUNSETPERSIST(0)}, close; the device goes with the
   * descriptor. Only TAPs (the only links fcproc makes) are deleted this way.
   *
   * @throws HostException ENODEV when there is no link of that name; EOPNOTSUPP when the link is
   *     not a TAP (the tun driver's EINVAL; delete it with {@code ip link del}); EBUSY when the TAP
   *     is attached by a running process; EPERM without {@code CAP_NET_ADMIN} unless the caller
   *     is the TAP's owner (uid, and gid where set: {@code tun_not_capable}), EACCES first when
   *     the mode of {@code /dev/net/tun} keeps the caller out
   */
  void deleteLink(String name) throws HostException;

  /**
   * Enslaves {@code link} to {@code bridge}: {@code ioctl(SIOCBRADDIF)} on the bridge's name with
   * the link's index (bridge(8)'s ioctl, on an {@code AF_INET} datagram socket).
   *
   * @throws HostException ENODEV when either link is missing; EOPNOTSUPP (or EINVAL on older
   *     kernels) when {@code bridge} is not a bridge; EBUSY when {@code link} already has a master,
   *     that bridge included; ELOOP when {@code link} is a bridge; EPERM without
   *     {@code CAP_NET_ADMIN}
   */
  void setLinkMaster(String link, String bridge) throws HostException;

  /**
   * Brings {@code link} up: {@code SIOCGIFFLAGS}, then {@code SIOCSIFFLAGS} with {@code IFF_UP}
   * added. Already up: a no-op.
   *
   * @throws HostException ENODEV when there is no link of that name; EPERM without
   *     {@code CAP_NET_ADMIN}
   */
  void setLinkUp(String link) throws HostException;

  // ---------------------------------------------------------------- links for the sweep (appended)

  /**
   * The names of every network link in the calling process's network namespace, in the order
   * the kernel lists them (Linux: {@code ip -json link show}, i.e. netlink; not
   * {@code /sys/class/net}, which shows the namespace of whoever mounted sysfs).
   *
   * @throws HostException EIO when the list cannot be read
   */
  List<String> linkNames() throws HostException;

  /**
   * Whether a process has the TAP {@code name} open (a queue attached), i.e. whether it carries.
   * Linux: the tun driver turns the carrier on when a queue attaches and off when the last one
   * detaches. For a TAP that is up, {@code ip -json link show}'s {@code flags} tell it
   * ({@code NO-CARRIER}: nobody attached); for a TAP that is down the kernel does not report
   * the carrier, so the descriptors of every process in {@code /proc} are looked at instead
   * ({@code /dev/net/tun} whose {@code fdinfo} names {@code name} in its {@code iff:} line); a
   * process that cannot be looked at makes the answer true (unsure: in use).
   *
   * @throws HostException ENODEV when there is no link of that name; EINVAL when the link is not
   *     a TAP, or for a name that is not a valid interface name
   */
  boolean tapInUse(String name) throws HostException;

  // ---------------------------------------------------------------- acting for another user

  /**
   * {@code openat2} from the root directory made with {@code who}'s file-system identity: fsuid,
   * fsgid and supplementary groups set for this one call, so the kernel's own permission checks —
   * search on every directory walked, read or write on the file, {@code fs.protected_*} — are
   * those of {@code who}. (On Linux, setting a non-zero fsuid also drops the file-system
   * capabilities, {@code CAP_DAC_OVERRIDE} and {@code CAP_DAC_READ_SEARCH} among them, from the
   * thread's effective set: {@code setfsuid(2)}, {@code capabilities(7)}.) The handle it returns
   * is an ordinary handle of this process: what it may do afterwards is decided by how it was
   * opened, as for any open file description.
   *
   * <p>The privileged helper opens the files a sudo caller names this way, so that "may the
   * caller use this file?" is answered by the open itself, never by a check of the path followed
   * by an open as root.
   */
  Handle openAs(FsIdentity who, String path, OpenHow how) throws HostException;

  // ---------------------------------------------------------------- process identity of jailed VMs (appended)
  //
  // What the kernel shows the host of a process that entered a jail the way Firecracker's jailer
  // does (its own mount namespace, pivot_root into <base>/<exec>/<id>/root, exec /<exec>): its
  // /proc/PID/exe and command line name only paths inside the jail, so a VM is recognised by its
  // root directory and by its start time, compared with the jailer's pid file. See
  // org.fcproc.VmIdentity.

  /**
   * The root directory of the handle's process, as the kernel shows it to the caller: on Linux
   * {@code statx("/proc/PID/root")}, following the magic link (proc(5)), once {@code /proc} is
   * known to be procfs; then a signal 0 through the handle confirms that the process was not
   * reaped meanwhile, so the pid still was its own.
   *
   * <p>The magic link lands on the process's own root — a dentry in the process's mount
   * namespace — whatever the caller's namespace is: for a process that made its own mount
   * namespace, bound its chroot on itself and {@code pivot_root}-ed into it (the jailer), the
   * {@code dev}/{@code ino} are those of the chroot directory as the host sees it at its path,
   * while {@code readlink} of the same link says only {@code /} (checked on Linux 6.x). The
   * {@code mountId} is that of a mount of the process's namespace: compare {@code dev} and
   * {@code ino} ({@link FileStat#sameInode}), never the mount id.
   *
   * @throws HostException ESRCH once the process has been reaped; ENOENT for a zombie (it has no
   *     root any more); EACCES when the caller may not look at the process (the ptrace access
   *     check, {@code PTRACE_MODE_READ_FSCREDS}: root may); EBADF for a closed handle
   */
  FileStat processRoot(PidHandle process) throws HostException;

  /**
   * When the handle's process started, on the host's wall clock ({@code CLOCK_REALTIME}), so that
   * it can be compared with a file's {@link #modificationTime}: on Linux field 22 of
   * {@code /proc/PID/stat} ({@code start_time}, clock ticks of 1/100 s after boot, on
   * {@code CLOCK_BOOTTIME}) plus the boot time on the wall clock ({@code CLOCK_REALTIME} minus
   * {@code CLOCK_BOOTTIME}, read at each call, so two answers may differ by microseconds); then a
   * signal 0 through the handle confirms the process was not reaped. The tick is rounded down, so a process that started before a file was written
   * never appears to have started after it; a step of the wall clock since the process started
   * moves the answer by that step.
   *
   * @throws HostException ESRCH once the process has been reaped; EBADF for a closed handle
   */
  java.time.Instant processStartTime(PidHandle process) throws HostException;

  /**
   * The last modification time of the handle's own inode ({@code statx}'s {@code stx_mtime},
   * {@code AT_EMPTY_PATH}): the wall clock when its data last changed — for a file written once,
   * when it was written. Any handle will do, {@code O_PATH} ones included. Linux stamps it from the
   * coarse clock ({@code current_time()}), which lags the wall clock by up to a jiffy (at most
   * 10 ms): a file written just after a process started may carry a time a little before the
   * start {@link #processStartTime} gives.
   *
   * @throws HostException EBADF for a closed handle
   */
  java.time.Instant modificationTime(Handle handle) throws HostException;
}
