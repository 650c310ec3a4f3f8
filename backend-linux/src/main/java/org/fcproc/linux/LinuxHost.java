package org.fcproc.linux;

import static org.fcproc.linux.Native.*;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import jnr.ffi.Pointer;
import jnr.posix.Group;
import jnr.posix.Passwd;
import org.fcproc.host.CommandResult;
import org.fcproc.host.Credentials;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.DirEntry;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.FsIdentity;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.LinkInfo;
import org.fcproc.host.MountFlag;
import org.fcproc.host.OpenFlag;
import org.fcproc.host.OpenHow;
import org.fcproc.host.ProcessInfo;
import org.fcproc.host.Propagation;
import org.fcproc.host.RenameMode;
import org.fcproc.host.Resolve;
import org.fcproc.host.UmountFlag;
import org.fcproc.host.UnixConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real Linux host: {@link HostOps} by syscalls, through jnr-posix and a small jnr-ffi libc
 * binding ({@code openat2}, {@code statx}, the {@code *at} family, {@code mount},
 * {@code umount2}, {@code renameat2}, {@code fchmodat2}).
 *
 * <p>Use {@link #unavailabilityCause()} to learn whether this JVM can use it (Linux on x86_64 or
 * aarch64, jnr-posix's native implementation, a kernel with {@code openat2}), then
 * {@link #create()}.
 *
 * <p>Every descriptor is opened {@code O_CLOEXEC}; every failing call becomes a
 * {@link HostException} with the errno read on the calling thread straight after the call.
 * Each call is logged at debug level.
 *
 * <h2>Calls through {@code /proc/self/fd/N}</h2>
 *
 * {@link #bindMount}, {@link #remount}, {@link #setPropagation}, {@link #unmount},
 * {@link #connect} and the {@link #fchmod} fallback name a handle's inode by its magic link
 * {@code /proc/self/fd/N}, after checking with {@code statfs} that {@code /proc} is procfs.
 * What the kernel does with those forms (checked on 6.x, inside {@code unshare -m}; the
 * contract suite and {@code LinuxHostTest} assert it on every run):
 *
 * <ul>
 *   <li>{@code mount("/proc/self/fd/S", "/proc/self/fd/T", NULL, MS_BIND)} binds exactly the
 *       (mount, dentry) that S pins onto the one T pins.
 *   <li>{@code mount(NULL, "/proc/self/fd/T", NULL, MS_REMOUNT|MS_BIND|…)} and the propagation
 *       forms act on the (mount, dentry) T pins, with no mount crossing after the magic link:
 *       EINVAL when T is not the root of a mount, which includes a handle opened on a
 *       directory <em>before</em> something was mounted on it.
 *   <li>{@code umount2("/proc/self/fd/N")} differs: umount looks the path up with
 *       {@code LOOKUP_MOUNTPOINT}, which follows mounts down after the magic link. So a handle
 *       on a directory that is covered by a mount (opened before the mount, or the root of a
 *       mount that was mounted over) unmounts the <em>topmost</em> mount on it; EINVAL only when
 *       the handle's dentry is neither a mount root nor covered. The handle itself holds a
 *       reference on its mount, so without {@code MNT_DETACH} the answer is always EBUSY: only
 *       {@code unmount(handle, DETACH)} can succeed. {@code UMOUNT_NOFOLLOW} would make the
 *       magic link itself refused (EINVAL), so {@link #unmount} drops it: the handle already
 *       names the inode and nothing is resolved by name.
 *   <li>{@code connect(2)} to {@code /proc/self/fd/N} of an {@code O_PATH} handle on a socket
 *       inode reaches the socket bound there; a handle on a non-socket or on a socket nobody
 *       listens on gives ECONNREFUSED. {@code getsockopt(SO_PEERCRED)} on the connected socket
 *       then gives the pid of the process that called {@code listen(2)} on that inode
 *       ({@link UnixConnection#peerPid()}; {@code PeerCredTest} asserts it).
 * </ul>
 *
 * <h2>Other kernel behaviour worth knowing</h2>
 *
 * <ul>
 *   <li>{@code openat2} with {@code RESOLVE_NO_SYMLINKS} and {@code O_PATH|O_NOFOLLOW} opens a
 *       final symlink itself (as {@code openat2(2)} documents); only without O_PATH|O_NOFOLLOW
 *       does a final symlink give ELOOP.
 *   <li>{@code openat2} is strict where {@code open(2)} is lenient: with {@code O_PATH} only
 *       {@code O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC} may accompany it, and a mode only with
 *       {@code O_CREAT}; this backend drops the rest, as {@code open(2)} would.
 *   <li>{@link #link} asks netlink (through {@code ip -details -json}) rather than
 *       {@code /sys/class/net}, which after {@code unshare -n} still shows the links of the
 *       namespace that mounted sysfs.
 * </ul>
 */
public final class LinuxHost implements HostOps {
  private static final Logger LOG = LoggerFactory.getLogger(LinuxHost.class);

  /** {@code O_PATH} permits only these other flags; {@code openat2} is strict about it. */
  private static final int O_PATH_FLAGS = O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC;
  /** Bounded retries of {@code openat2} when the kernel reports a {@code ..} race (EAGAIN). */
  private static final int OPENAT2_EAGAIN_RETRIES = 16;
  private static final int STATX_FLAGS = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT;

  private final Native n;
  private final LibC libc;
  private volatile boolean fchmodat2Missing;
  private final TapDevices taps;

  private LinuxHost(Native n) {
    this.n = n;
    this.libc = n.libc;
    this.taps = new TapDevices(n);
  }

  /**
   * Why the Linux backend cannot run in this JVM (not Linux x86_64/aarch64, no native
   * jnr-posix, no {@code openat2}), or empty when it can.
   */
  public static Optional<String> unavailabilityCause() {
    return Native.unavailabilityCause();
  }

  /**
   * The Linux host.
   *
   * @throws UnsupportedOperationException with {@link #unavailabilityCause()} when it cannot run
   */
  public static LinuxHost create() {
    return new LinuxHost(Native.get());
  }

  /**
   * For tests: behave as on a kernel before 6.6, where {@link #fchmod} must go through
   * {@code /proc/self/fd/N}.
   */
  void useProcFdChmodFallback() {
    fchmodat2Missing = true;
  }

  @Override
  public String name() {
    return "linux";
  }

  @Override
  public Credentials credentials() {
    return new Credentials(n.posix.getuid(), n.posix.getgid(), n.posix.geteuid());
  }

  // ================================================================ looking

  @Override
  public FileStat lstat(String path) throws HostException {
    requireAbsolute("lstat", path);
    return statx(AT_FDCWD, path, STATX_FLAGS, "lstat", path);
  }

  @Override
  public FileStat stat(String path) throws HostException {
    requireAbsolute("stat", path);
    return statx(AT_FDCWD, path, AT_NO_AUTOMOUNT, "stat", path);
  }

  @Override
  public Handle open(String path, OpenHow how) throws HostException {
    requireAbsolute("openat2", path);
    return openat2(AT_FDCWD, path, how, path);
  }

  @Override
  public Handle openAs(FsIdentity who, String path, OpenHow how) throws HostException {
    requireAbsolute("openat2", path);
    return FsIdentityThread.call(n, who, path, () -> openat2(AT_FDCWD, path, how, path));
  }

  @Override
  public Handle openAt(Handle dir, String path, OpenHow how) throws HostException {
    int dfd = fd(dir, "openat2");
    return openat2(dfd, path, how, at(dir, path));
  }

  @Override
  public FileStat fstat(Handle handle) throws HostException {
    return statx(fd(handle, "fstat"), "", STATX_FLAGS | AT_EMPTY_PATH, "fstat", handle.path());
  }

  @Override
  public FileStat statAt(Handle dir, String name) throws HostException {
    return statx(fd(dir, "statx"), name, STATX_FLAGS, "statx", at(dir, name));
  }

  @Override
  public String readlinkAt(Handle dir, String name) throws HostException {
    int dfd = fd(dir, "readlinkat");
    for (int size = 4096; ; size *= 2) {
      byte[] buf = new byte[size];
      long r = libc.readlinkat(dfd, name, buf, size);
      if (r < 0) {
        throw failed("readlinkat", at(dir, name));
      }
      if (r < size) {
        String target = new String(buf, 0, (int) r, StandardCharsets.UTF_8);
        LOG.debug("readlinkat {} -> {}", at(dir, name), target);
        return target;
      }
    }
  }

  @Override
  public List<DirEntry> readDir(Handle dir) throws HostException {
    int dfd = fd(dir, "getdents64");
    // The handle may be O_PATH, which getdents cannot read: open "." of it for reading.
    Pointer how = n.openHow(O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, 0);
    long rfd = libc.syscall(SYS_OPENAT2, dfd, ".", how, OPEN_HOW_SIZE);
    if (rfd < 0) {
      throw failed("openat2", at(dir, "."));
    }
    List<DirEntry> entries = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    try {
      final int bufSize = 32 * 1024;
      Pointer buf = n.buffer(bufSize);
      while (true) {
        long r = libc.syscall(n.sysGetdents64, (int) rfd, buf, bufSize);
        if (r < 0) {
          throw failed("getdents64", dir.path());
        }
        if (r == 0) {
          break;
        }
        // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
        for (long off = 0; off < r; ) {
          long ino = buf.getLong(off);
          int reclen = buf.getShort(off + 16) & 0xffff;
          int dtype = buf.getByte(off + 18) & 0xff;
          String name = cString(buf, off + 19, reclen - 19);
          off += reclen;
          if (name.equals(".") || name.equals("..")) {
            continue;
          }
          FileType t = ofDirentType(dtype);
          if (t == null) {
            unknown.add(name);
            entries.add(new DirEntry(name, FileType.REGULAR, ino)); // replaced below
          } else {
            entries.add(new DirEntry(name, t, ino));
          }
        }
      }
    } finally {
      libc.close((int) rfd);
    }
    if (!unknown.isEmpty()) { // DT_UNKNOWN: ask statx
      List<DirEntry> fixed = new ArrayList<>(entries.size());
      for (DirEntry e : entries) {
        if (unknown.contains(e.name())) {
          FileStat st = statAt(dir, e.name());
          fixed.add(new DirEntry(e.name(), st.type(), st.ino()));
        } else {
          fixed.add(e);
        }
      }
      entries = fixed;
    }
    entries.sort(Comparator.comparing(DirEntry::name));
    LOG.debug("getdents64 {} -> {} entries", dir.path(), entries.size());
    return Collections.unmodifiableList(entries);
  }

  // ================================================================ changing the tree

  @Override
  public void mkdirAt(Handle dir, String name, int mode) throws HostException {
    check(libc.mkdirat(fd(dir, "mkdirat"), name, mode), "mkdirat", at(dir, name));
  }

  @Override
  public void mknodAt(Handle dir, String name, FileType type, int mode, DeviceNumber device) throws HostException {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(device, "device");
    long dev = type.isDevice() ? device.toLinuxDevT() : 0;
    check(libc.mknodat(fd(dir, "mknodat"), name, type.ifmt() | (mode & 07777), dev), "mknodat", at(dir, name));
  }

  @Override
  public void symlinkAt(String target, Handle dir, String name) throws HostException {
    check(libc.symlinkat(target, fd(dir, "symlinkat"), name), "symlinkat", at(dir, name));
  }

  @Override
  public void linkAt(Handle fromDir, String fromName, Handle toDir, String toName) throws HostException {
    int from = fd(fromDir, "linkat");
    int to = fd(toDir, "linkat");
    int flags = fromName.isEmpty() ? AT_EMPTY_PATH : 0; // 0: a symlink at fromName is linked itself
    check(libc.linkat(from, fromName, to, toName, flags), "linkat",
        (fromName.isEmpty() ? fromDir.path() : at(fromDir, fromName)) + " -> " + at(toDir, toName));
  }

  @Override
  public void unlinkAt(Handle dir, String name, boolean removeDirectory) throws HostException {
    check(libc.unlinkat(fd(dir, "unlinkat"), name, removeDirectory ? AT_REMOVEDIR : 0),
        removeDirectory ? "unlinkat(AT_REMOVEDIR)" : "unlinkat", at(dir, name));
  }

  @Override
  public void renameAt(Handle fromDir, String fromName, Handle toDir, String toName, RenameMode mode) throws HostException {
    int flags;
    switch (mode) {
      case NOREPLACE:
        flags = RENAME_NOREPLACE;
        break;
      case EXCHANGE:
        flags = RENAME_EXCHANGE;
        break;
      default:
        flags = 0;
    }
    check(libc.renameat2(fd(fromDir, "renameat2"), fromName, fd(toDir, "renameat2"), toName, flags),
        "renameat2", at(fromDir, fromName) + " -> " + at(toDir, toName));
  }

  @Override
  public void fchown(Handle handle, int uid, int gid) throws HostException {
    check(libc.fchownat(fd(handle, "fchownat"), "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW),
        "fchownat", handle.path());
  }

  @Override
  public void fchmod(Handle handle, int mode) throws HostException {
    int fd = fd(handle, "fchmod");
    if (!fchmodat2Missing) {
      long r = libc.syscall(SYS_FCHMODAT2, fd, "", mode & 07777, AT_EMPTY_PATH);
      if (r == 0) {
        LOG.debug("fchmodat2 {} 0{} -> ok", handle.path(), Integer.toOctalString(mode));
        return;
      }
      HostException e = failed("fchmodat2", handle.path());
      if (e.errno() != Errno.ENOSYS) {
        throw e;
      }
      LOG.debug("fchmodat2 missing (kernel before 6.6): chmod through /proc/self/fd from now on");
      fchmodat2Missing = true;
    }
    check(libc.chmod(procSelfFd(fd, "chmod"), mode & 07777), "chmod(/proc/self/fd)", handle.path());
  }

  @Override
  public void chmod(String path, int mode) throws HostException {
    requireAbsolute("chmod", path);
    check(libc.chmod(path, mode & 07777), "chmod", path);
  }

  @Override
  public void chown(String path, int uid, int gid) throws HostException {
    requireAbsolute("chown", path);
    check(libc.chown(path, uid, gid), "chown", path);
  }

  @Override
  public void lchown(String path, int uid, int gid) throws HostException {
    requireAbsolute("lchown", path);
    check(libc.lchown(path, uid, gid), "lchown", path);
  }

  @Override
  public long copy(Handle from, Handle to) throws HostException {
    int in = fd(from, "copy");
    int out = fd(to, "copy");
    String what = from.path() + " -> " + to.path();
    long total = 0;
    boolean useCopyFileRange = true;
    while (useCopyFileRange) {
      long r = libc.copy_file_range(in, null, out, null, 1L << 30, 0);
      if (r > 0) {
        total += r;
        continue;
      }
      if (r == 0) {
        LOG.debug("copy_file_range {} -> {} bytes", what, total);
        return total;
      }
      HostException e = failed("copy_file_range", what);
      boolean unsupported = e.is(Errno.EXDEV) || e.is(Errno.EINVAL) || e.is(Errno.ENOSYS) || e.is(Errno.EOPNOTSUPP);
      if (!unsupported || total > 0) {
        throw e;
      }
      useCopyFileRange = false; // e.g. /proc or pipes: fall back to read/write
    }
    byte[] buf = new byte[64 * 1024];
    while (true) {
      long r = libc.read(in, buf, buf.length);
      if (r < 0) {
        HostException e = failed("read", from.path());
        if (e.is(Errno.EINTR)) {
          continue;
        }
        throw e;
      }
      if (r == 0) {
        LOG.debug("read/write {} -> {} bytes", what, total);
        return total;
      }
      int done = 0;
      while (done < r) {
        byte[] chunk = done == 0 ? buf : Arrays.copyOfRange(buf, done, (int) r);
        long w = libc.write(out, chunk, r - done);
        if (w < 0) {
          HostException e = failed("write", to.path());
          if (e.is(Errno.EINTR)) {
            continue;
          }
          throw e;
        }
        done += (int) w;
      }
      total += r;
    }
  }

  // ================================================================ mounts

  @Override
  public void mount(String source, String target, String fstype, Set<MountFlag> flags, String data) throws HostException {
    requireAbsolute("mount", target);
    check(libc.mount(source, target, fstype, mountFlags(flags), data == null || data.isEmpty() ? null : data),
        "mount", source + " -> " + target + " (" + fstype + ")");
  }

  @Override
  public void bindMount(Handle source, Handle target, boolean recursive) throws HostException {
    String src = procSelfFd(fd(source, "mount(MS_BIND)"), "mount(MS_BIND)");
    String tgt = procSelfFd(fd(target, "mount(MS_BIND)"), "mount(MS_BIND)");
    check(libc.mount(src, tgt, null, MS_BIND | (recursive ? MS_REC : 0), null),
        recursive ? "mount(MS_BIND|MS_REC)" : "mount(MS_BIND)", source.path() + " -> " + target.path());
  }

  @Override
  public void remount(Handle target, Set<MountFlag> flags) throws HostException {
    String tgt = procSelfFd(fd(target, "mount(MS_REMOUNT)"), "mount(MS_REMOUNT)");
    check(libc.mount(null, tgt, null, MS_REMOUNT | MS_BIND | mountFlags(flags), null),
        "mount(MS_REMOUNT|MS_BIND)", target.path());
  }

  @Override
  public void setPropagation(Handle target, Propagation propagation) throws HostException {
    long flag;
    switch (propagation) {
      case SHARED:
        flag = MS_SHARED;
        break;
      case SLAVE:
        flag = MS_SLAVE;
        break;
      case UNBINDABLE:
        flag = MS_UNBINDABLE;
        break;
      default:
        flag = MS_PRIVATE;
    }
    String tgt = procSelfFd(fd(target, "mount(" + propagation + ")"), "mount");
    check(libc.mount(null, tgt, null, flag, null), "mount(MS_" + propagation + ")", target.path());
  }

  @Override
  public void umount2(String path, Set<UmountFlag> flags) throws HostException {
    requireAbsolute("umount2", path);
    check(libc.umount2(path, umountFlags(flags)), "umount2", path);
  }

  /**
   * {@code umount2("/proc/self/fd/N", flags)}. On Linux the umount lookup follows mounts down
   * after the magic link, so a handle on a covered directory unmounts the topmost mount on it;
   * the handle pins its own mount, so without {@link UmountFlag#DETACH} this gives EBUSY;
   * {@link UmountFlag#NOFOLLOW} is dropped (the magic link is a symlink, which NOFOLLOW would
   * refuse with EINVAL; the handle already names the inode). See the class documentation.
   */
  @Override
  public void unmount(Handle mountRoot, Set<UmountFlag> flags) throws HostException {
    Set<UmountFlag> f = flags.isEmpty() ? EnumSet.noneOf(UmountFlag.class) : EnumSet.copyOf(flags);
    f.remove(UmountFlag.NOFOLLOW);
    String p = procSelfFd(fd(mountRoot, "umount2"), "umount2");
    check(libc.umount2(p, umountFlags(f)), "umount2(/proc/self/fd)", mountRoot.path());
  }

  @Override
  public String mountInfo() throws HostException {
    try (InputStream in = new FileInputStream("/proc/self/mountinfo")) {
      String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      LOG.debug("read /proc/self/mountinfo -> {} lines", s.isEmpty() ? 0 : s.split("\n", -1).length - 1);
      return s;
    } catch (IOException e) {
      throw new HostException(Errno.EIO, "read", "/proc/self/mountinfo", e.getMessage());
    }
  }

  // ================================================================ processes, links, sockets

  @Override
  public CommandResult run(List<String> argv) throws HostException {
    if (argv.isEmpty()) {
      throw new HostException(Errno.EINVAL, "run", "", "empty argv");
    }
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      LOG.debug("run {} -> cannot start: {}", argv, e.getMessage());
      return new CommandResult(argv, 127, "", argv.get(0) + ": cannot run: " + e.getMessage() + "\n");
    }
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()), r -> {
      Thread t = new Thread(r, "fcproc-run-stderr");
      t.setDaemon(true);
      t.start();
    });
    try {
      String out = readAll(p.getInputStream());
      String errText = err.get();
      int code = p.waitFor();
      LOG.debug("run {} -> exit {}", argv, code);
      return new CommandResult(argv, code, out, errText);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new HostException(Errno.EINTR, "run", String.join(" ", argv), "interrupted");
    } catch (ExecutionException | UncheckedIOException e) {
      p.destroyForcibly();
      throw new HostException(Errno.EIO, "run", String.join(" ", argv), String.valueOf(e.getMessage()));
    }
  }

  private static String readAll(InputStream in) {
    try (in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Optional<ProcessInfo> process(int pid) throws HostException {
    if (pid <= 0) {
      return Optional.empty();
    }
    Path dir = Path.of("/proc", Integer.toString(pid));
    try {
      byte[] cmdline = Files.readAllBytes(dir.resolve("cmdline"));
      String stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
      String exe;
      try {
        exe = Files.readSymbolicLink(dir.resolve("exe")).toString();
      } catch (IOException e) {
        exe = ""; // a zombie, a kernel thread, or not ours to read
      }
      int close = stat.lastIndexOf(')');
      if (close < 0) {
        throw new HostException(Errno.EIO, "read", dir + "/stat", "no ')' in: " + stat);
      }
      // After "pid (comm) ": field 3 (state) is token 0, field 22 (starttime) is token 19.
      String[] f = stat.substring(close + 1).trim().split(" +");
      if (f.length < 20) {
        throw new HostException(Errno.EIO, "read", dir + "/stat", "too few fields: " + stat);
      }
      boolean zombie = f[0].equals("Z");
      long start = Long.parseLong(f[19]);
      ProcessInfo info = new ProcessInfo(pid, splitNul(cmdline), exe, start, zombie);
      LOG.debug("process {} -> {}", pid, info);
      return Optional.of(info);
    } catch (NoSuchFileException e) {
      LOG.debug("process {} -> none", pid);
      return Optional.empty();
    } catch (IOException e) {
      if (!Files.exists(dir)) { // exited while we read it
        return Optional.empty();
      }
      throw new HostException(Errno.EIO, "read", dir.toString(), e.getMessage());
    }
  }

  private static List<String> splitNul(byte[] b) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0) {
        out.add(new String(b, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    if (start < b.length) { // a process that rewrote its argv may not end in NUL
      out.add(new String(b, start, b.length - start, StandardCharsets.UTF_8));
    }
    return out;
  }

  @Override
  public void kill(int pid, int signal) throws HostException {
    if (pid <= 0) { // 0 and negatives address process groups: never that
      throw new HostException(Errno.EINVAL, "kill", Integer.toString(pid), "pid must be positive");
    }
    check(libc.kill(pid, signal), "kill(" + signal + ")", Integer.toString(pid));
  }

  /**
   * The link as netlink reports it in the calling process's network namespace, through
   * {@code ip -details -json addr show dev NAME}. ({@code /sys/class/net} is not used: it shows
   * the namespace of whoever mounted sysfs, which is wrong after {@code unshare -n}.)
   */
  @Override
  public Optional<LinkInfo> link(String name) throws HostException {
    if (name == null || name.isEmpty() || name.length() > 15 || name.contains("/") || name.equals(".")
        || name.equals("..") || name.chars().anyMatch(c -> c <= ' ' || c == ':' || c > '~')) {
      throw new HostException(Errno.EINVAL, "link", String.valueOf(name), "not a valid interface name");
    }
    if (libc.if_nametoindex(name) == 0) {
      LOG.debug("if_nametoindex {} -> none", name);
      return Optional.empty();
    }
    CommandResult r = run(List.of("ip", "-details", "-json", "addr", "show", "dev", name));
    if (!r.succeeded()) {
      if (libc.if_nametoindex(name) == 0) { // went away meanwhile
        return Optional.empty();
      }
      throw new HostException(Errno.EIO, "ip addr show", name, r.stderr().trim());
    }
    Map<String, Object> l;
    try {
      List<?> all = (List<?>) Json.parse(r.stdout());
      if (all.isEmpty()) {
        return Optional.empty();
      }
      l = asMap(all.get(0));
    } catch (RuntimeException e) {
      throw new HostException(Errno.EIO, "ip addr show", name, "unreadable output: " + e.getMessage());
    }
    Map<String, Object> linkinfo = asMap(l.get("linkinfo"));
    Map<String, Object> data = asMap(linkinfo.get("info_data"));
    String kind = String.valueOf(linkinfo.get("info_kind"));
    LinkInfo.Kind k;
    if (kind.equals("bridge")) {
      k = LinkInfo.Kind.BRIDGE;
    } else if (kind.equals("tun") && "tap".equals(data.get("type"))) {
      k = LinkInfo.Kind.TAP;
    } else if (kind.equals("veth")) {
      k = LinkInfo.Kind.VETH;
    } else {
      k = LinkInfo.Kind.OTHER;
    }
    Object flags = l.get("flags");
    boolean up = flags instanceof List && ((List<?>) flags).contains("UP");
    Object master = l.get("master");
    List<String> addresses = new ArrayList<>();
    Object ai = l.get("addr_info");
    if (ai instanceof List) {
      for (Object o : (List<?>) ai) {
        Map<String, Object> a = asMap(o);
        if ("inet".equals(a.get("family")) && a.get("local") != null && a.get("prefixlen") != null) {
          addresses.add(a.get("local") + "/" + a.get("prefixlen"));
        }
      }
    }
    OptionalInt owner = k == LinkInfo.Kind.TAP ? id(data.get("user"), true) : OptionalInt.empty();
    OptionalInt group = k == LinkInfo.Kind.TAP ? id(data.get("group"), false) : OptionalInt.empty();
    LinkInfo info = new LinkInfo(
        String.valueOf(l.getOrDefault("ifname", name)), k, up, master == null ? "" : master.toString(), owner, group, addresses);
    LOG.debug("link {} -> {}", name, info);
    return Optional.of(info);
  }

  /** {@code ip} prints a TAP's owner by name when it has one: map it back to the number. */
  private OptionalInt id(Object v, boolean user) throws HostException {
    if (v == null) {
      return OptionalInt.empty();
    }
    if (v instanceof BigDecimal) {
      int i = ((BigDecimal) v).intValueExact();
      return i < 0 ? OptionalInt.empty() : OptionalInt.of(i);
    }
    String s = v.toString();
    if (s.matches("\\d+")) {
      return OptionalInt.of(Integer.parseInt(s));
    }
    if (user) {
      Passwd pw = n.posix.getpwnam(s);
      if (pw != null) {
        return OptionalInt.of((int) pw.getUID());
      }
    } else {
      Group g = n.posix.getgrnam(s);
      if (g != null) {
        return OptionalInt.of((int) g.getGID());
      }
    }
    throw new HostException(Errno.EIO, "ip link show", s, "unknown " + (user ? "user" : "group") + " name");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o) {
    return o instanceof Map ? (Map<String, Object>) o : Map.of();
  }

  @Override
  public UnixConnection connect(Handle socket, Duration timeout) throws HostException {
    String p = procSelfFd(fd(socket, "connect"), "connect");
    return UnixSocketConnection.connect(n, p, socket.path(), timeout);
  }

  // ================================================================ environment and time

  @Override
  public Optional<String> getenv(String name) {
    return Optional.ofNullable(System.getenv(name));
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    long ms = duration.toMillis();
    int nanos = (int) (duration.toNanos() - ms * 1_000_000);
    if (ms > 0 || nanos > 0) {
      Thread.sleep(ms, Math.max(0, nanos));
    }
  }

  // ================================================================ helpers

  private Handle openat2(int dirfd, String path, OpenHow how, String display) throws HostException {
    int flags = openFlags(how);
    long mode = how.has(OpenFlag.CREATE) ? how.mode() : 0; // openat2: EINVAL for a mode without O_CREAT
    long resolve = resolveFlags(how);
    Pointer p = n.openHow(flags, mode, resolve);
    for (int attempt = 0; ; attempt++) {
      long fd = libc.syscall(SYS_OPENAT2, dirfd, path, p, OPEN_HOW_SIZE);
      if (fd >= 0) {
        LOG.debug("openat2 {} flags=0{} resolve=0x{} -> fd {}", display, Integer.toOctalString(flags),
            Long.toHexString(resolve), fd);
        return new FdHandle((int) fd, display, libc);
      }
      HostException e = failed("openat2", display);
      // RESOLVE_BENEATH / IN_ROOT answer EAGAIN when a rename or mount raced a ".." step.
      if (!(e.is(Errno.EAGAIN) && resolve != 0 && attempt < OPENAT2_EAGAIN_RETRIES)) {
        throw e;
      }
    }
  }

  static int openFlags(OpenHow how) {
    int f = O_CLOEXEC;
    if (how.has(OpenFlag.PATH)) {
      f |= O_PATH;
    } else if (how.has(OpenFlag.WRITE)) {
      f |= how.has(OpenFlag.READ) ? O_RDWR : O_WRONLY;
    } else {
      f |= O_RDONLY;
    }
    if (how.has(OpenFlag.NOFOLLOW)) {
      f |= O_NOFOLLOW;
    }
    if (how.has(OpenFlag.DIRECTORY)) {
      f |= O_DIRECTORY;
    }
    if (how.has(OpenFlag.CREATE)) {
      f |= O_CREAT;
    }
    if (how.has(OpenFlag.EXCLUSIVE)) {
      f |= O_EXCL;
    }
    if (how.has(OpenFlag.NONBLOCK)) {
      f |= O_NONBLOCK;
    }
    if ((f & O_PATH) != 0) {
      f &= O_PATH_FLAGS; // as open(2) does for O_PATH; openat2 would say EINVAL
    }
    return f;
  }

  static long resolveFlags(OpenHow how) {
    long r = 0;
    for (Resolve x : how.resolve()) {
      switch (x) {
        case BENEATH:
          r |= RESOLVE_BENEATH;
          break;
        case IN_ROOT:
          r |= RESOLVE_IN_ROOT;
          break;
        case NO_SYMLINKS:
          r |= RESOLVE_NO_SYMLINKS;
          break;
        case NO_MAGICLINKS:
          r |= RESOLVE_NO_MAGICLINKS;
          break;
        case NO_XDEV:
          r |= RESOLVE_NO_XDEV;
          break;
        default:
          throw new IllegalArgumentException("unknown resolve flag " + x);
      }
    }
    return r;
  }

  static long mountFlags(Set<MountFlag> flags) {
    long f = 0;
    for (MountFlag m : flags) {
      switch (m) {
        case READ_ONLY:
          f |= MS_RDONLY;
          break;
        case NOSUID:
          f |= MS_NOSUID;
          break;
        case NODEV:
          f |= MS_NODEV;
          break;
        case NOEXEC:
          f |= MS_NOEXEC;
          break;
        default:
          throw new IllegalArgumentException("unknown mount flag " + m);
      }
    }
    return f;
  }

  static int umountFlags(Set<UmountFlag> flags) {
    int f = 0;
    for (UmountFlag u : flags) {
      switch (u) {
        case FORCE:
          f |= MNT_FORCE;
          break;
        case DETACH:
          f |= MNT_DETACH;
          break;
        case NOFOLLOW:
          f |= UMOUNT_NOFOLLOW;
          break;
        default:
          throw new IllegalArgumentException("unknown umount flag " + u);
      }
    }
    return f;
  }

  private static FileType ofDirentType(int dtype) {
    switch (dtype) {
      case 1:
        return FileType.FIFO;
      case 2:
        return FileType.CHAR_DEVICE;
      case 4:
        return FileType.DIRECTORY;
      case 6:
        return FileType.BLOCK_DEVICE;
      case 8:
        return FileType.REGULAR;
      case 10:
        return FileType.SYMLINK;
      case 12:
        return FileType.SOCKET;
      default:
        return null; // DT_UNKNOWN
    }
  }

  private FileStat statx(int dirfd, String path, int flags, String call, String display) throws HostException {
    Pointer buf = n.buffer(STATX_SIZE_BYTES);
    if (libc.statx(dirfd, path, flags, STATX_BASIC_STATS | STATX_MNT_ID, buf) != 0) {
      throw failed(call, display);
    }
    FileStat st = decodeStatx(buf);
    LOG.debug("{} {} -> {} {} {}:{} ino {} mnt {}", call, display, st.type(), st.octalMode(), st.uid(), st.gid(),
        st.ino(), st.mountId());
    return st;
  }

  /** {@code struct statx} of {@code linux/stat.h}. */
  static FileStat decodeStatx(Pointer b) {
    int mask = b.getInt(0);
    long nlink = b.getInt(16) & 0xffffffffL;
    int uid = b.getInt(20);
    int gid = b.getInt(24);
    int mode = b.getShort(28) & 0xffff;
    long ino = b.getLong(32);
    long size = b.getLong(40);
    int rdevMajor = b.getInt(128);
    int rdevMinor = b.getInt(132);
    int devMajor = b.getInt(136);
    int devMinor = b.getInt(140);
    long mntId = (mask & STATX_MNT_ID) != 0 ? b.getLong(144) : -1;
    FileType type = FileType.ofMode(mode);
    DeviceNumber rdev = type.isDevice() ? new DeviceNumber(rdevMajor, rdevMinor) : DeviceNumber.NONE;
    long dev = new DeviceNumber(devMajor, devMinor).toLinuxDevT();
    return new FileStat(type, mode & 07777, uid, gid, nlink, dev, ino, rdev, size, mntId);
  }

  private static String cString(Pointer p, long off, int max) {
    byte[] b = new byte[Math.max(0, max)];
    p.get(off, b, 0, b.length);
    int len = 0;
    while (len < b.length && b[len] != 0) {
      len++;
    }
    return new String(b, 0, len, StandardCharsets.UTF_8);
  }

  /**
   * {@code /proc/self/fd/N}, once {@code statfs("/proc")} says procfs is mounted there: nobody
   * may have put another filesystem (or nothing) at {@code /proc} to redirect the magic link.
   */
  private String procSelfFd(int fd, String call) throws HostException {
    Pointer sfs = n.buffer(256);
    if (libc.statfs("/proc", sfs) != 0) {
      throw failed("statfs", "/proc");
    }
    long type = sfs.getLong(0); // f_type: __fsword_t, the first field on x86_64 and aarch64
    if (type != PROC_SUPER_MAGIC) {
      throw new HostException(Errno.EOPNOTSUPP, call, "/proc",
          "/proc is not procfs (f_type 0x" + Long.toHexString(type) + "): refusing /proc/self/fd");
    }
    return procFd(fd);
  }

  private static int fd(Handle h, String call) throws HostException {
    if (h instanceof FdHandle) {
      return ((FdHandle) h).fd(call);
    }
    throw new HostException(Errno.EBADF, call, h == null ? "" : h.path(), "not a handle of the linux backend");
  }

  private static String at(Handle dir, String name) {
    String d = dir.path();
    return d.endsWith("/") ? d + name : d + "/" + name;
  }

  private static void requireAbsolute(String call, String path) throws HostException {
    if (path == null || !path.startsWith("/")) {
      throw new HostException(Errno.EINVAL, call, String.valueOf(path), "path must be absolute");
    }
  }

  private void check(int rc, String call, String path) throws HostException {
    if (rc != 0) {
      throw failed(call, path);
    }
    LOG.debug("{} {} -> ok", call, path);
  }

  /** The errno of this thread's last failing call, read before anything else runs. */
  private HostException failed(String call, String path) {
    HostException e = n.fail(call, path);
    LOG.debug("{} {} -> {}", call, path, e.errno());
    return e;
  }

  /**
   * {@link HostOps#listProcesses}: the numeric entries of {@code /proc}, each read as
   * {@link #process} reads it; a process that exits meanwhile is left out. (Appended for the
   * orphan sweep.)
   */
  @Override
  public List<ProcessInfo> listProcesses() throws HostException {
    List<Integer> pids = new ArrayList<>();
    try (java.nio.file.DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"))) {
      for (Path entry : proc) {
        String name = entry.getFileName().toString();
        if (!name.isEmpty() && name.length() < 10 && name.chars().allMatch(c -> c >= '0' && c <= '9')) {
          pids.add(Integer.parseInt(name));
        }
      }
    } catch (IOException e) {
      throw new HostException(Errno.EIO, "readdir", "/proc", e.getMessage());
    }
    java.util.Collections.sort(pids);
    List<ProcessInfo> out = new ArrayList<>();
    for (int pid : pids) {
      process(pid).ifPresent(out::add);
    }
    LOG.debug("listProcesses -> {} processes", out.size());
    return out;
  }

  /**
   * {@link HostOps#watch}: inotify through jnr-ffi ({@link InotifyWatch}); a directory is added
   * by {@code inotify_add_watch} of its handle's {@code /proc/self/fd/N}, once {@code statfs} said
   * {@code /proc} is procfs, so the watch is on the inode the handle pins, never on what a path
   * names later. (Appended for the socket watch.)
   */
  @Override
  public org.fcproc.host.DirectoryWatch watch() throws HostException {
    return InotifyWatch.open(n, dir -> procSelfFd(fd(dir, "inotify_add_watch"), "inotify_add_watch"));
  }

  // ================================================================ pidfds and reads (appended for the sure kill)

  /** {@link HostOps#openPid}: {@code pidfd_open(pid, 0)}; the descriptor is close-on-exec. */
  @Override
  public org.fcproc.host.PidHandle openPid(int pid) throws HostException {
    if (pid <= 0) {
      throw new HostException(Errno.EINVAL, "pidfd_open", Integer.toString(pid), "pid must be positive");
    }
    long fd = libc.syscall(Native.SYS_PIDFD_OPEN, pid, 0);
    if (fd < 0) {
      throw failed("pidfd_open", Integer.toString(pid));
    }
    LOG.debug("pidfd_open {} -> fd {}", pid, fd);
    return new PidFd(new FdHandle((int) fd, "pidfd:" + pid, libc), pid);
  }

  /** {@link HostOps#signal(org.fcproc.host.PidHandle, int)}: {@code pidfd_send_signal(fd, sig, NULL, 0)}. */
  @Override
  public void signal(org.fcproc.host.PidHandle process, int signal) throws HostException {
    String who = process == null ? "" : Integer.toString(process.pid());
    int fd = pidfd(process, "pidfd_send_signal");
    long rc = libc.syscall(Native.SYS_PIDFD_SEND_SIGNAL, fd, signal, (Pointer) null, 0);
    if (rc != 0) {
      throw failed("pidfd_send_signal(" + signal + ")", who);
    }
    LOG.debug("pidfd_send_signal({}) {} -> ok", signal, who);
  }

  /**
   * {@link HostOps#process(org.fcproc.host.PidHandle)}: {@code /proc/PID} read, then a signal 0
   * through the pidfd: success (or EPERM, which the kernel answers only for a process it found)
   * means the process was not reaped when the read ended, so the pid was still its own.
   */
  @Override
  public Optional<ProcessInfo> process(org.fcproc.host.PidHandle process) throws HostException {
    int fd = pidfd(process, "pidfd");
    Optional<ProcessInfo> info = process(process.pid());
    long rc = libc.syscall(Native.SYS_PIDFD_SEND_SIGNAL, fd, 0, (Pointer) null, 0);
    if (rc != 0) {
      HostException e = failed("pidfd_send_signal(0)", Integer.toString(process.pid()));
      if (e.is(Errno.ESRCH)) {
        return Optional.empty();
      }
      if (!e.is(Errno.EPERM)) {
        throw e;
      }
    }
    return info;
  }

  /** {@link HostOps#read}: {@code read(2)} until end of file or {@code maxBytes}. */
  @Override
  public byte[] read(Handle file, int maxBytes) throws HostException {
    if (maxBytes < 0) {
      throw new HostException(Errno.EINVAL, "read", file == null ? "" : file.path(), "maxBytes < 0");
    }
    int fd = fd(file, "read");
    byte[] out = new byte[maxBytes];
    int total = 0;
    while (total < maxBytes) {
      byte[] chunk = new byte[Math.min(65536, maxBytes - total)];
      long n = libc.read(fd, chunk, chunk.length);
      if (n < 0) {
        HostException e = failed("read", file.path());
        if (e.is(Errno.EINTR)) {
          continue;
        }
        throw e;
      }
      if (n == 0) {
        break;
      }
      System.arraycopy(chunk, 0, out, total, (int) n);
      total += (int) n;
    }
    LOG.debug("read {} -> {} bytes", file.path(), total);
    return total == maxBytes ? out : java.util.Arrays.copyOf(out, total);
  }

  private static int pidfd(org.fcproc.host.PidHandle h, String call) throws HostException {
    if (h instanceof PidFd) {
      return ((PidFd) h).fd.fd(call);
    }
    throw new HostException(Errno.EBADF, call, h == null ? "" : Integer.toString(h.pid()), "not a pidfd of the linux backend");
  }

  /** A pidfd: an {@link FdHandle} (closed deterministically, or by its cleaner) and the pid. */
  private static final class PidFd implements org.fcproc.host.PidHandle {
    final FdHandle fd;
    final int pid;

    PidFd(FdHandle fd, int pid) {
      this.fd = fd;
      this.pid = pid;
    }

    @Override
    public int pid() {
      return pid;
    }

    @Override
    public void close() {
      fd.close();
    }

    @Override
    public String toString() {
      return "PidFd[" + pid + ", " + fd + "]";
    }
  }

  // ================================================================ TAP devices by ioctl (appended)

  /** {@link HostOps#createTap}: {@code TUNSETIFF(IFF_TAP|IFF_NO_PI|IFF_TUN_EXCL)},
   *  {@code TUNSETOWNER}, {@code TUNSETGROUP}, {@code TUNSETPERSIST(1)} (see {@link TapDevices}). */
  @Override
  public void createTap(String name, int uid, int gid) throws HostException {
    taps.create(name, uid, gid);
  }

  /** {@link HostOps#deleteLink}: {@code TUNSETIFF} + {@code TUNSETPERSIST(0)}; TAPs only. */
  @Override
  public void deleteLink(String name) throws HostException {
    taps.delete(name);
  }

  /** {@link HostOps#setLinkMaster}: {@code SIOCBRADDIF}. */
  @Override
  public void setLinkMaster(String link, String bridge) throws HostException {
    taps.setMaster(link, bridge);
  }

  /** {@link HostOps#setLinkUp}: {@code SIOCGIFFLAGS} + {@code SIOCSIFFLAGS(IFF_UP)}. */
  @Override
  public void setLinkUp(String link) throws HostException {
    taps.setUp(link);
  }

  // ================================================================ links for the sweep (appended)

  /** Netlink's link dump through {@code ip -json link show} (not {@code /sys/class/net}: see {@link #link}). */
  @Override
  public List<String> linkNames() throws HostException {
    CommandResult r = run(List.of("ip", "-json", "link", "show"));
    if (!r.succeeded()) {
      throw new HostException(Errno.EIO, "ip link show", "", r.stderr().trim());
    }
    List<String> names = new ArrayList<>();
    try {
      for (Object o : (List<?>) Json.parse(r.stdout())) {
        Object n = asMap(o).get("ifname");
        if (n != null) {
          names.add(n.toString());
        }
      }
    } catch (RuntimeException e) {
      throw new HostException(Errno.EIO, "ip link show", "", "unreadable output: " + e.getMessage());
    }
    LOG.debug("linkNames -> {}", names);
    return names;
  }

  /**
   * A TAP that is up: {@code NO-CARRIER} in {@code ip -json link show}'s flags means no queue is
   * attached. A TAP that is down reports no carrier at all, so {@code /proc/PID/fd} of every
   * process is looked at for a {@code /dev/net/tun} descriptor whose {@code fdinfo} has
   * {@code iff:\t<name>}; a process that vanishes meanwhile is skipped, one that cannot be read
   * makes the answer true.
   */
  @Override
  public boolean tapInUse(String name) throws HostException {
    Optional<LinkInfo> l = link(name);
    if (l.isEmpty()) {
      throw new HostException(Errno.ENODEV, "tapInUse", name, "no such link");
    }
    if (l.get().kind() != LinkInfo.Kind.TAP) {
      throw new HostException(Errno.EINVAL, "tapInUse", name, "not a TAP (" + l.get().kind() + ")");
    }
    if (l.get().up()) {
      CommandResult r = run(List.of("ip", "-json", "link", "show", "dev", name));
      if (!r.succeeded()) {
        if (libc.if_nametoindex(name) == 0) {
          throw new HostException(Errno.ENODEV, "tapInUse", name, "no such link");
        }
        throw new HostException(Errno.EIO, "ip link show", name, r.stderr().trim());
      }
      List<?> flags;
      try {
        List<?> all = (List<?>) Json.parse(r.stdout());
        Object f = all.isEmpty() ? null : asMap(all.get(0)).get("flags");
        flags = f instanceof List ? (List<?>) f : List.of();
      } catch (RuntimeException e) {
        throw new HostException(Errno.EIO, "ip link show", name, "unreadable output: " + e.getMessage());
      }
      if (flags.contains("UP")) {
        boolean inUse = !flags.contains("NO-CARRIER");
        LOG.debug("tapInUse {} -> {} (flags {})", name, inUse, flags);
        return inUse;
      }
      // went down meanwhile: look at the descriptors
    }
    boolean inUse = tunDescriptorNames(name);
    LOG.debug("tapInUse {} -> {} (descriptors)", name, inUse);
    return inUse;
  }

  /** Whether some process holds a tun descriptor attached to {@code name} (unsure: true). */
  private static boolean tunDescriptorNames(String name) {
    java.nio.file.Path proc = java.nio.file.Paths.get("/proc");
    String wanted = "iff:\t" + name;
    try (java.util.stream.Stream<java.nio.file.Path> pids = Files.list(proc)) {
      for (java.nio.file.Path pid : (Iterable<java.nio.file.Path>) pids::iterator) {
        if (!pid.getFileName().toString().chars().allMatch(Character::isDigit)) {
          continue;
        }
        try (java.util.stream.Stream<java.nio.file.Path> fds = Files.list(pid.resolve("fd"))) {
          for (java.nio.file.Path fd : (Iterable<java.nio.file.Path>) fds::iterator) {
            String target;
            try {
              target = Files.readSymbolicLink(fd).toString();
            } catch (java.nio.file.NoSuchFileException e) {
              continue;
            }
            if (!target.equals("/dev/net/tun")) {
              continue;
            }
            try {
              for (String line : Files.readAllLines(pid.resolve("fdinfo").resolve(fd.getFileName().toString()))) {
                if (line.equals(wanted)) {
                  return true;
                }
              }
            } catch (java.nio.file.NoSuchFileException e) {
              continue;
            }
          }
        } catch (java.nio.file.NoSuchFileException e) {
          continue; // exited
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      LOG.debug("tapInUse {}: cannot look at every descriptor ({}): counts as in use", name, e.toString());
      return true;
    }
    return false;
  }

  // ================================================================ process identity of jailed VMs (appended)

  /** {@link HostOps#processRoot}: {@code statx("/proc/PID/root")}, then the pidfd's confirmation ({@link IdentityFacts}). */
  @Override
  public FileStat processRoot(org.fcproc.host.PidHandle process) throws HostException {
    return identity().processRoot(pidfd(process, "statx"), process.pid());
  }

  /** {@link HostOps#processStartTime}: {@code /proc/PID/stat}'s start plus the boot time on the wall clock. */
  @Override
  public java.time.Instant processStartTime(org.fcproc.host.PidHandle process) throws HostException {
    return identity().processStartTime(pidfd(process, "read"), process.pid());
  }

  /** {@link HostOps#modificationTime}: {@code statx(fd, "", AT_EMPTY_PATH)}'s {@code stx_mtime}. */
  @Override
  public java.time.Instant modificationTime(Handle handle) throws HostException {
    return identity().modificationTime(fd(handle, "statx"), handle.path());
  }

  private IdentityFacts identity() {
    return new IdentityFacts(n);
  }
}
