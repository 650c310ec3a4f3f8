package org.fcproc.features.driver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.fcproc.host.CommandResult;
import org.fcproc.host.Credentials;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.DirEntry;
import org.fcproc.host.DirectoryWatch;
import org.fcproc.host.PidHandle;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
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
 * The {@link HostOps} fcproc is given on the kernel: every call goes to the real host unchanged;
 * the commands fcproc runs and the mounts it detaches are recorded, for the steps that check
 * them ({@link ScenarioHost#commandsRun()}, {@link ScenarioHost#detached()}) — what the
 * simulator's journal gives on the simulated host.
 */
final class RecordingHostOps implements HostOps {
  private final HostOps host;
  private final List<String> commands = Collections.synchronizedList(new ArrayList<>());
  private final List<String> detached = Collections.synchronizedList(new ArrayList<>());

  /** Actions to run once, just before fcproc's nth call of a name; errnos for its first call of a name. */
  private final java.util.List<Scheduled> before = new java.util.ArrayList<>();
  private final java.util.Map<String, Integer> calls = new java.util.HashMap<>();
  private final java.util.Map<String, Fault> failures = new java.util.HashMap<>();

  private record Scheduled(String call, int nth, Runnable action) {}

  private record Fault(org.fcproc.host.Errno errno, Runnable whenInjected) {}

  RecordingHostOps(HostOps host) {
    this.host = host;
  }

  /** {@code action} runs once, just before fcproc's {@code nth} {@code call} (a HostOps method name), counting from 1. */
  synchronized void beforeCall(String call, int nth, Runnable action) {
    before.add(new Scheduled(call, nth, action));
  }

  /** fcproc's first {@code call} fails with {@code errno}, the host untouched; {@code whenInjected} runs then. */
  synchronized void failFirst(String call, org.fcproc.host.Errno errno, Runnable whenInjected) {
    failures.put(call, new Fault(errno, whenInjected));
  }

  private void enter(String call) throws HostException {
    java.util.List<Runnable> actions = new java.util.ArrayList<>();
    Fault fault;
    synchronized (this) {
      int n = calls.merge(call, 1, Integer::sum);
      for (var it = before.iterator(); it.hasNext(); ) {
        Scheduled s = it.next();
        if (s.call().equals(call) && s.nth() == n) {
          actions.add(s.action());
          it.remove();
        }
      }
      fault = failures.remove(call);
    }
    actions.forEach(Runnable::run);
    if (fault != null) {
      fault.whenInjected().run();
      throw new HostException(fault.errno(), call, "", "injected by the scenario");
    }
  }

  List<String> commands() {
    synchronized (commands) {
      return List.copyOf(commands);
    }
  }

  List<String> detached() {
    synchronized (detached) {
      return List.copyOf(detached);
    }
  }

  @Override
  public String name() {
    return host.name();
  }

  @Override
  public Credentials credentials() {
    return host.credentials();
  }

  @Override
  public FileStat lstat(String path) throws HostException {
    enter("lstat");
    return host.lstat(path);
  }

  @Override
  public FileStat stat(String path) throws HostException {
    enter("stat");
    return host.stat(path);
  }

  @Override
  public Handle open(String path, OpenHow how) throws HostException {
    enter("open");
    return host.open(path, how);
  }

  @Override
  public Handle openAs(org.fcproc.host.FsIdentity who, String path, OpenHow how) throws HostException {
    enter("openAs");
    return host.openAs(who, path, how);
  }

  @Override
  public Handle openAt(Handle dir, String path, OpenHow how) throws HostException {
    enter("openAt");
    return host.openAt(dir, path, how);
  }

  @Override
  public FileStat fstat(Handle handle) throws HostException {
    enter("fstat");
    return host.fstat(handle);
  }

  @Override
  public FileStat statAt(Handle dir, String name) throws HostException {
    enter("statAt");
    return host.statAt(dir, name);
  }

  @Override
  public String readlinkAt(Handle dir, String name) throws HostException {
    enter("readlinkAt");
    return host.readlinkAt(dir, name);
  }

  @Override
  public List<DirEntry> readDir(Handle dir) throws HostException {
    enter("readDir");
    return host.readDir(dir);
  }

  @Override
  public void mkdirAt(Handle dir, String name, int mode) throws HostException {
    enter("mkdirAt");
    host.mkdirAt(dir, name, mode);
  }

  @Override
  public void mknodAt(Handle dir, String name, FileType type, int mode, DeviceNumber device) throws HostException {
    enter("mknodAt");
    host.mknodAt(dir, name, type, mode, device);
  }

  @Override
  public void symlinkAt(String target, Handle dir, String name) throws HostException {
    enter("symlinkAt");
    host.symlinkAt(target, dir, name);
  }

  @Override
  public void linkAt(Handle fromDir, String fromName, Handle toDir, String toName) throws HostException {
    enter("linkAt");
    host.linkAt(fromDir, fromName, toDir, toName);
  }

  @Override
  public void unlinkAt(Handle dir, String name, boolean removeDirectory) throws HostException {
    enter("unlinkAt");
    host.unlinkAt(dir, name, removeDirectory);
  }

  @Override
  public void renameAt(Handle fromDir, String fromName, Handle toDir, String toName, RenameMode mode) throws HostException {
    enter("renameAt");
    host.renameAt(fromDir, fromName, toDir, toName, mode);
  }

  @Override
  public void fchown(Handle handle, int uid, int gid) throws HostException {
    enter("fchown");
    host.fchown(handle, uid, gid);
  }

  @Override
  public void fchmod(Handle handle, int mode) throws HostException {
    enter("fchmod");
    host.fchmod(handle, mode);
  }

  @Override
  public void chmod(String path, int mode) throws HostException {
    enter("chmod");
    host.chmod(path, mode);
  }

  @Override
  public void chown(String path, int uid, int gid) throws HostException {
    enter("chown");
    host.chown(path, uid, gid);
  }

  @Override
  public void lchown(String path, int uid, int gid) throws HostException {
    enter("lchown");
    host.lchown(path, uid, gid);
  }

  @Override
  public long copy(Handle from, Handle to) throws HostException {
    enter("copy");
    return host.copy(from, to);
  }

  @Override
  public void mount(String source, String target, String fstype, Set<MountFlag> flags, String data) throws HostException {
    enter("mount");
    host.mount(source, target, fstype, flags, data);
  }

  @Override
  public void bindMount(Handle source, Handle target, boolean recursive) throws HostException {
    enter("bindMount");
    host.bindMount(source, target, recursive);
  }

  @Override
  public void remount(Handle target, Set<MountFlag> flags) throws HostException {
    enter("remount");
    host.remount(target, flags);
  }

  @Override
  public void setPropagation(Handle target, Propagation propagation) throws HostException {
    enter("setPropagation");
    host.setPropagation(target, propagation);
  }

  @Override
  public void umount2(String path, Set<UmountFlag> flags) throws HostException {
    enter("umount2");
    host.umount2(path, flags);
    detached.add(path);
  }

  @Override
  public void unmount(Handle mountRoot, Set<UmountFlag> flags) throws HostException {
    enter("unmount");
    host.unmount(mountRoot, flags);
    detached.add(mountRoot.path());
  }

  @Override
  public String mountInfo() throws HostException {
    enter("mountInfo");
    return host.mountInfo();
  }

  @Override
  public CommandResult run(List<String> argv) throws HostException {
    enter("run");
    commands.add(String.join(" ", argv));
    return host.run(argv);
  }

  @Override
  public Optional<ProcessInfo> process(int pid) throws HostException {
    enter("process");
    return host.process(pid);
  }

  @Override
  public PidHandle openPid(int pid) throws HostException {
    enter("openPid");
    return host.openPid(pid);
  }

  @Override
  public void signal(PidHandle process, int signal) throws HostException {
    enter("signal");
    host.signal(process, signal);
  }

  @Override
  public Optional<ProcessInfo> process(PidHandle process) throws HostException {
    enter("process");
    return host.process(process);
  }

  @Override
  public byte[] read(Handle file, int maxBytes) throws HostException {
    enter("read");
    return host.read(file, maxBytes);
  }

  @Override
  public DirectoryWatch watch() throws HostException {
    enter("watch");
    return host.watch();
  }

  @Override
  public List<ProcessInfo> listProcesses() throws HostException {
    enter("listProcesses");
    return host.listProcesses();
  }

  @Override
  public void kill(int pid, int signal) throws HostException {
    enter("kill");
    host.kill(pid, signal);
  }

  @Override
  public Optional<LinkInfo> link(String name) throws HostException {
    enter("link");
    return host.link(name);
  }

  @Override
  public UnixConnection connect(Handle socket, Duration timeout) throws HostException {
    enter("connect");
    return host.connect(socket, timeout);
  }

  @Override
  public Optional<String> getenv(String name) {
    return host.getenv(name);
  }

  @Override
  public long nanoTime() {
    return host.nanoTime();
  }

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    host.sleep(duration);
  }

  @Override
  public void createTap(String name, int uid, int gid) throws HostException {
    enter("createTap");
    host.createTap(name, uid, gid);
  }

  @Override
  public void deleteLink(String name) throws HostException {
    enter("deleteLink");
    host.deleteLink(name);
  }

  @Override
  public void setLinkMaster(String link, String bridge) throws HostException {
    enter("setLinkMaster");
    host.setLinkMaster(link, bridge);
  }

  @Override
  public void setLinkUp(String link) throws HostException {
    enter("setLinkUp");
    host.setLinkUp(link);
  }

  @Override
  public List<String> linkNames() throws HostException {
    enter("linkNames");
    return host.linkNames();
  }

  @Override
  public boolean tapInUse(String name) throws HostException {
    enter("tapInUse");
    return host.tapInUse(name);
  }

  // ---------------------------------------------------------------- process identity of jailed VMs

  @Override
  public FileStat processRoot(PidHandle process) throws HostException {
    enter("processRoot");
    return host.processRoot(process);
  }

  @Override
  public java.time.Instant processStartTime(PidHandle process) throws HostException {
    enter("processStartTime");
    return host.processStartTime(process);
  }

  @Override
  public java.time.Instant modificationTime(Handle handle) throws HostException {
    enter("modificationTime");
    return host.modificationTime(handle);
  }
}
