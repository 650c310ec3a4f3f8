package org.fcproc.sim;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.fcproc.host.CommandResult;
import org.fcproc.host.Credentials;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.DirEntry;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.FsIdentity;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.LinkInfo;
import org.fcproc.host.MountFlag;
import org.fcproc.host.OpenHow;
import org.fcproc.host.ProcessInfo;
import org.fcproc.host.Propagation;
import org.fcproc.host.RenameMode;
import org.fcproc.host.UmountFlag;
import org.fcproc.host.UnixConnection;

/**
 * One process's view of the host: {@link HostOps} with these credentials. The code under test
 * uses the host's own view; {@link SimHost#as} hands out others for the adversary. Every method
 * is one call through {@link SimHost#call}, the choke point that numbers, hooks, faults and
 * journals it.
 */
final class Caller implements HostOps {
  private final SimHost host;
  private final Credentials creds;
  /** This process's own environment variables, over the host's. */
  private final java.util.Map<String, String> env;

  Caller(SimHost host, Credentials creds) {
    this(host, creds, java.util.Map.of());
  }

  Caller(SimHost host, Credentials creds, java.util.Map<String, String> env) {
    this.host = host;
    this.creds = creds;
    this.env = java.util.Map.copyOf(env);
  }

  private Vfs vfs() {
    return host.vfs();
  }

  private static String q(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private static String at(Handle dir, String name) {
    String p = dir == null ? "?" : dir.path();
    if (name.isEmpty()) {
      return p;
    }
    if (name.startsWith("/")) {
      return name;
    }
    return p.endsWith("/") ? p + name : p + "/" + name;
  }

  private static String fd(Handle h) {
    return h == null ? "null" : "fd(" + q(h.path()) + ")";
  }

  @Override
  public String name() {
    return host.quietCall(creds, "name", List.of(), "", () -> "sim");
  }

  @Override
  public Credentials credentials() {
    return host.quietCall(creds, "credentials", List.of(), "", () -> creds);
  }

  @Override
  public FileStat lstat(String path) throws HostException {
    return host.call(creds, "lstat", List.of(path), q(path), op -> vfs().lstat(op, path));
  }

  @Override
  public FileStat stat(String path) throws HostException {
    return host.call(creds, "stat", List.of(path), q(path), op -> vfs().stat(op, path));
  }

  @Override
  public Handle open(String path, OpenHow how) throws HostException {
    return host.call(creds, "open", List.of(path), q(path) + ", " + how, op -> vfs().open(op, path, how));
  }

  @Override
  public Handle openAt(Handle dir, String path, OpenHow how) throws HostException {
    return host.call(creds, "openAt", List.of(at(dir, path)), fd(dir) + ", " + q(path) + ", " + how,
        op -> vfs().openAt(op, dir, path, how));
  }

  @Override
  public FileStat fstat(Handle handle) throws HostException {
    return host.call(creds, "fstat", List.of(at(handle, "")), fd(handle), op -> vfs().fstat(op, handle));
  }

  @Override
  public FileStat statAt(Handle dir, String name) throws HostException {
    return host.call(creds, "statAt", List.of(at(dir, name)), fd(dir) + ", " + q(name), op -> vfs().statAt(op, dir, name));
  }

  @Override
  public String readlinkAt(Handle dir, String name) throws HostException {
    return host.call(creds, "readlinkAt", List.of(at(dir, name)), fd(dir) + ", " + q(name),
        op -> vfs().readlinkAt(op, dir, name));
  }

  @Override
  public List<DirEntry> readDir(Handle dir) throws HostException {
    return host.call(creds, "readDir", List.of(at(dir, "")), fd(dir), op -> vfs().readDir(op, dir));
  }

  @Override
  public void mkdirAt(Handle dir, String name, int mode) throws HostException {
    host.call(creds, "mkdirAt", List.of(at(dir, name)), fd(dir) + ", " + q(name) + ", 0" + Integer.toOctalString(mode),
        op -> {
          vfs().mkdirAt(op, dir, name, mode);
          return null;
        });
  }

  @Override
  public void mknodAt(Handle dir, String name, FileType type, int mode, DeviceNumber device) throws HostException {
    host.call(creds, "mknodAt", List.of(at(dir, name)),
        fd(dir) + ", " + q(name) + ", " + type + ", 0" + Integer.toOctalString(mode) + ", " + device, op -> {
          vfs().mknodAt(op, dir, name, type, mode, device);
          return null;
        });
  }

  @Override
  public void symlinkAt(String target, Handle dir, String name) throws HostException {
    host.call(creds, "symlinkAt", List.of(at(dir, name)), q(target) + ", " + fd(dir) + ", " + q(name), op -> {
      vfs().symlinkAt(op, target, dir, name);
      return null;
    });
  }

  @Override
  public void linkAt(Handle fromDir, String fromName, Handle toDir, String toName) throws HostException {
    host.call(creds, "linkAt", List.of(at(fromDir, fromName), at(toDir, toName)),
        fd(fromDir) + ", " + q(fromName) + ", " + fd(toDir) + ", " + q(toName), op -> {
          vfs().linkAt(op, fromDir, fromName, toDir, toName);
          return null;
        });
  }

  @Override
  public void unlinkAt(Handle dir, String name, boolean removeDirectory) throws HostException {
    host.call(creds, "unlinkAt", List.of(at(dir, name)), fd(dir) + ", " + q(name) + (removeDirectory ? ", AT_REMOVEDIR" : ""),
        op -> {
          vfs().unlinkAt(op, dir, name, removeDirectory);
          return null;
        });
  }

  @Override
  public void renameAt(Handle fromDir, String fromName, Handle toDir, String toName, RenameMode mode)
      throws HostException {
    host.call(creds, "renameAt", List.of(at(fromDir, fromName), at(toDir, toName)),
        fd(fromDir) + ", " + q(fromName) + ", " + fd(toDir) + ", " + q(toName) + ", " + mode, op -> {
          vfs().renameAt(op, fromDir, fromName, toDir, toName, mode);
          return null;
        });
  }

  @Override
  public void fchown(Handle handle, int uid, int gid) throws HostException {
    host.call(creds, "fchown", List.of(at(handle, "")), fd(handle) + ", " + uid + ", " + gid, op -> {
      vfs().fchown(op, handle, uid, gid);
      return null;
    });
  }

  @Override
  public void fchmod(Handle handle, int mode) throws HostException {
    host.call(creds, "fchmod", List.of(at(handle, "")), fd(handle) + ", 0" + Integer.toOctalString(mode), op -> {
      vfs().fchmod(op, handle, mode);
      return null;
    });
  }

  @Override
  public void chmod(String path, int mode) throws HostException {
    host.call(creds, "chmod", List.of(path), q(path) + ", 0" + Integer.toOctalString(mode), op -> {
      vfs().chmod(op, vfs().resolve(op, path, true), mode);
      return null;
    });
  }

  @Override
  public void chown(String path, int uid, int gid) throws HostException {
    host.call(creds, "chown", List.of(path), q(path) + ", " + uid + ", " + gid, op -> {
      vfs().chown(op, vfs().resolve(op, path, true), uid, gid);
      return null;
    });
  }

  @Override
  public void lchown(String path, int uid, int gid) throws HostException {
    host.call(creds, "lchown", List.of(path), q(path) + ", " + uid + ", " + gid, op -> {
      vfs().chown(op, vfs().resolve(op, path, false), uid, gid);
      return null;
    });
  }

  @Override
  public long copy(Handle from, Handle to) throws HostException {
    return host.call(creds, "copy", List.of(at(from, ""), at(to, "")), fd(from) + ", " + fd(to),
        op -> vfs().copy(op, from, to));
  }

  @Override
  public void mount(String source, String target, String fstype, Set<MountFlag> flags, String data)
      throws HostException {
    host.call(creds, "mount", List.of(target), q(source) + ", " + q(target) + ", " + q(fstype) + ", " + flags + ", "
        + (data == null ? "null" : q(data)), op -> {
          vfs().mount(op, source, target, fstype, flags, data);
          return null;
        });
  }

  @Override
  public void bindMount(Handle source, Handle target, boolean recursive) throws HostException {
    host.call(creds, "bindMount", List.of(at(source, ""), at(target, "")),
        fd(source) + ", " + fd(target) + (recursive ? ", MS_REC" : ""), op -> {
          vfs().bindMount(op, source, target, recursive);
          return null;
        });
  }

  @Override
  public void remount(Handle target, Set<MountFlag> flags) throws HostException {
    host.call(creds, "remount", List.of(at(target, "")), fd(target) + ", " + flags, op -> {
      vfs().remount(op, target, flags);
      return null;
    });
  }

  @Override
  public void setPropagation(Handle target, Propagation propagation) throws HostException {
    host.call(creds, "setPropagation", List.of(at(target, "")), fd(target) + ", " + propagation, op -> {
      vfs().setPropagation(op, target, propagation);
      return null;
    });
  }

  @Override
  public void umount2(String path, Set<UmountFlag> flags) throws HostException {
    host.call(creds, "umount2", List.of(path), q(path) + ", " + flags, op -> {
      vfs().umount2(op, path, flags);
      return null;
    });
  }

  @Override
  public void unmount(Handle mountRoot, Set<UmountFlag> flags) throws HostException {
    host.call(creds, "unmount", List.of(at(mountRoot, "")), fd(mountRoot) + ", " + flags, op -> {
      vfs().unmount(op, mountRoot, flags);
      return null;
    });
  }

  @Override
  public String mountInfo() throws HostException {
    return host.call(creds, "mountInfo", List.of(), "", op -> vfs().mounts.mountInfo());
  }

  @Override
  public CommandResult run(List<String> argv) throws HostException {
    List<String> copy = List.copyOf(argv);
    return host.call(creds, "run", List.of(), String.join(" ", copy), op -> host.shell().run(copy, op.access()));
  }

  @Override
  public Optional<ProcessInfo> process(int pid) throws HostException {
    return host.call(creds, "process", List.of(), Integer.toString(pid),
        op -> host.processTable().get(pid).map(SimProcess::info));
  }

  /** The process table in pid order, through the choke point (journaled, faultable). */
  @Override
  public List<ProcessInfo> listProcesses() throws HostException {
    return host.call(creds, "listProcesses", List.of(), "", op -> {
      List<ProcessInfo> out = new java.util.ArrayList<>();
      for (SimProcess p : host.processTable().all()) {
        out.add(p.info());
      }
      return out;
    });
  }

  @Override
  public void kill(int pid, int signal) throws HostException {
    host.call(creds, "kill", List.of(), pid + ", " + signal, op -> {
      host.signal(op, pid, signal);
      return null;
    });
  }

  @Override
  public Optional<LinkInfo> link(String name) throws HostException {
    return host.call(creds, "link", List.of(), q(name), op -> host.netLinks().get(name));
  }

  @Override
  public UnixConnection connect(Handle socket, Duration timeout) throws HostException {
    return host.call(creds, "connect", List.of(at(socket, "")), fd(socket), op -> host.connect(op, socket, timeout));
  }

  @Override
  public Optional<String> getenv(String name) {
    return host.quietCall(creds, "getenv", List.of(), q(name),
        () -> env.containsKey(name) ? Optional.of(env.get(name)) : host.env(name));
  }

  @Override
  public long nanoTime() {
    return host.quietCall(creds, "nanoTime", List.of(), "", host::clockNanos);
  }

  @Override
  public void sleep(Duration duration) {
    host.quietCall(creds, "sleep", List.of(), duration.toString(), () -> {
      host.advanceClock(duration);
      return null;
    });
  }

  @Override
  public String toString() {
    return "sim view uid " + creds.euid();
  }

  /** {@code inotify_init1}: a {@link SimWatch} of this view, through the choke point. */
  @Override
  public org.fcproc.host.DirectoryWatch watch() throws HostException {
    return host.call(creds, "watch", List.of(), "", op -> new SimWatch(host, creds));
  }

  // ---------------------------------------------------------------- pidfds and reads (appended)

  /** {@code pidfd_open(2)}: a handle on the process object, through the choke point. */
  @Override
  public org.fcproc.host.PidHandle openPid(int pid) throws HostException {
    return host.call(creds, "pidfd_open", List.of(), Integer.toString(pid), op -> host.openPid(op, creds, pid));
  }

  /** {@code pidfd_send_signal(2)}: reaches the handle's process object or nothing (ESRCH). */
  @Override
  public void signal(org.fcproc.host.PidHandle process, int signal) throws HostException {
    host.call(creds, "pidfd_send_signal", List.of(), pidfd(process) + ", " + signal, op -> {
      host.signal(op, process, signal);
      return null;
    });
  }

  /** The handle's process object, while it lives. */
  @Override
  public Optional<ProcessInfo> process(org.fcproc.host.PidHandle process) throws HostException {
    return host.call(creds, "pidfd_process", List.of(), pidfd(process), op -> host.process(op, process));
  }

  /** {@code read(2)} of a handle open for reading, from its position, at most {@code maxBytes}. */
  @Override
  public byte[] read(Handle file, int maxBytes) throws HostException {
    return host.call(creds, "read", List.of(at(file, "")), fd(file) + ", " + maxBytes, op -> host.read(op, file, maxBytes));
  }

  private static String pidfd(org.fcproc.host.PidHandle h) {
    return h == null ? "null" : "pidfd(" + h.pid() + ")";
  }

  // ---------------------------------------------------------------- TAP devices (appended)

  /** {@code TUNSETIFF}/{@code TUNSETOWNER}/{@code TUNSETGROUP}/{@code TUNSETPERSIST} on the link table. */
  @Override
  public void createTap(String name, int uid, int gid) throws HostException {
    host.call(creds, "createTap", List.of(), q(name) + ", " + uid + ", " + gid, op -> {
      host.netLinks().createTap(op, name, uid, gid);
      return null;
    });
  }

  /** {@code TUNSETIFF} + {@code TUNSETPERSIST(0)} on the link table: TAPs only. */
  @Override
  public void deleteLink(String name) throws HostException {
    host.call(creds, "deleteLink", List.of(), q(name), op -> {
      host.netLinks().deleteTap(op, name);
      return null;
    });
  }

  /** {@code SIOCBRADDIF} on the link table. */
  @Override
  public void setLinkMaster(String link, String bridge) throws HostException {
    host.call(creds, "setLinkMaster", List.of(), q(link) + ", " + q(bridge), op -> {
      host.netLinks().setMaster(op, link, bridge);
      return null;
    });
  }

  /** {@code SIOCSIFFLAGS(IFF_UP)} on the link table. */
  @Override
  public void setLinkUp(String link) throws HostException {
    host.call(creds, "setLinkUp", List.of(), q(link), op -> {
      host.netLinks().setUp(op, link);
      return null;
    });
  }

  // ---------------------------------------------------------------- links for the sweep (appended)

  /** Netlink's link dump on the link table. */
  @Override
  public List<String> linkNames() throws HostException {
    return host.call(creds, "linkNames", List.of(), "", op -> host.netLinks().names());
  }

  /** The carrier of a TAP: whether the fixture attached a process ({@link SimHost#attachTap}). */
  @Override
  public boolean tapInUse(String name) throws HostException {
    return host.call(creds, "tapInUse", List.of(), q(name), op -> host.netLinks().tapInUse(op, name));
  }

  @Override
  public Handle openAs(FsIdentity who, String path, OpenHow how) throws HostException {
    // Supplementary groups are not modelled (see Access): the identity's uid and gid decide.
    Credentials as = new Credentials(who.uid(), who.gid(), who.uid());
    return host.call(creds, "openAs", List.of(path), who + ", " + q(path) + ", " + how,
        op -> vfs().open(new Op(op.call(), op.path(), host.accessFor(as)), path, how));
  }

  // ---------------------------------------------------------------- process identity of jailed VMs (appended)

  /** {@code stat("/proc/PID/root")} of the handle's process. */
  @Override
  public FileStat processRoot(org.fcproc.host.PidHandle process) throws HostException {
    return host.call(creds, "process_root", List.of(), pidfd(process), op -> host.processRoot(op, process));
  }

  /** The handle's process's start, on the wall clock. */
  @Override
  public java.time.Instant processStartTime(org.fcproc.host.PidHandle process) throws HostException {
    return host.call(creds, "process_start", List.of(), pidfd(process), op -> host.processStartTime(op, process));
  }

  /** {@code statx(fd, "", AT_EMPTY_PATH)}'s {@code stx_mtime}. */
  @Override
  public java.time.Instant modificationTime(Handle handle) throws HostException {
    return host.call(creds, "mtime", List.of(at(handle, "")), fd(handle), op -> host.modificationTime(op, handle));
  }
}
