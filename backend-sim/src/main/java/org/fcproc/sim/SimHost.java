package org.fcproc.sim;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
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
import org.fcproc.host.OpenHow;
import org.fcproc.host.ProcessInfo;
import org.fcproc.host.Propagation;
import org.fcproc.host.RenameMode;
import org.fcproc.host.UmountFlag;
import org.fcproc.host.UnixConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated Linux host: in memory, deterministic, no root needed. It implements
 * {@link HostOps} with the kernel semantics the SPI documents (see {@code MODEL.md} for what
 * is modelled and what is not), acting with the credentials it was built with (root by
 * default); {@link #as(int, int)} gives a view of the same host acting as another user, the
 * adversary of docs/DESIGN.md#threat-model.
 *
 * <p><b>One choke point.</b> Every call of every view — handle and connection calls included —
 * goes through one private path that numbers it, runs the before-call hooks (where an adversary
 * acts between any two host operations), applies injected faults, runs it under the host's lock
 * and journals its outcome. Calls made while another call is running (from a hook or a clock
 * event) are journaled but trigger no hook and no fault, so a hook can never recurse.
 *
 * <p><b>Fixture API.</b> The other public methods ({@link #mkdirs}, {@link #writeFile},
 * {@link #spawnFirecracker}, {@link #inspect}, ...) set up and inspect the host for tests. They
 * act as root, skip permission checks, are not journaled and trigger no hooks; they report a
 * refusal with {@link IllegalStateException}. They take the same lock, so a hook or an event may
 * use them.
 *
 * <p>Time is virtual: {@link #nanoTime()} starts at a fixed value and moves only by
 * {@link #sleep}, by a read that waits, or by {@link #advance}.
 */
public final class SimHost implements HostOps {
  private static final Logger LOG = LoggerFactory.getLogger(SimHost.class);

  /** What a host call does once admitted by the choke point. */
  @FunctionalInterface
  interface Body<T> {
    T run(Op op) throws HostException;
  }

  private record Fault(Predicate<SimCall> when, Errno errno, boolean once) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final Credentials credentials;
  private volatile boolean protectedSymlinks;
  private volatile boolean protectedHardlinks;
  private final Map<String, String> env;
  private final Vfs vfs;
  private final VirtualClock clock = new VirtualClock();
  private final ProcessTable processes;
  private final NetLinks links = new NetLinks();
  private final Shell shell = new Shell(this);
  private final Caller self;
  private final List<Consumer<SimCall>> hooks = new ArrayList<>();
  private final List<Fault> faults = new ArrayList<>();
  private final List<JournalEntry> journal = new ArrayList<>();
  private final Map<Integer, ApiServer> servers = new TreeMap<>();
  private final Map<String, SimCommand> commands = new java.util.concurrent.ConcurrentHashMap<>();
  private long nextIndex = 1;
  private int depth;

  private SimHost(Builder b) {
    this.credentials = b.credentials;
    this.protectedSymlinks = b.protectedSymlinks;
    this.protectedHardlinks = b.protectedHardlinks;
    this.env = Collections.unmodifiableMap(new TreeMap<>(b.env));
    this.vfs = new Vfs(this, b.umask);
    this.processes = new ProcessTable(b.pidMax);
    this.self = new Caller(this, credentials);
  }

  /** A host with the defaults: root caller, umask 022, protected links on, pid_max 32768. */
  public static SimHost create() {
    return builder().build();
  }

  /**
   * A simulated host with the {@link StandardLayout} (and its {@code PATH}), acting as root: the
   * host the scenarios start from, ready for {@code Fcproc.create(host, config)}.
   */
  public static SimHost standardLayout() {
    SimHost h = builder().env("PATH", StandardLayout.PATH).build();
    StandardLayout.arrange(h);
    return h;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options of a new host. The host starts with only {@code /} (root:root 0755, ext4). */
  public static final class Builder {
    private Credentials credentials = Credentials.root();
    private int umask = 022;
    private boolean protectedHardlinks = true;
    private boolean protectedSymlinks = true;
    private int pidMax = 32768;
    private final Map<String, String> env = new TreeMap<>(Map.of("PATH", "/usr/local/bin:/usr/bin:/bin"));

    private Builder() {}

    /** Who the host's own view acts as; root by default. */
    public Builder credentials(Credentials c) {
      this.credentials = c;
      return this;
    }

    public Builder umask(int mask) {
      if ((mask & ~0777) != 0) {
        throw new IllegalArgumentException("umask has bits outside 0777: 0" + Integer.toOctalString(mask));
      }
      this.umask = mask;
      return this;
    }

    /** {@code fs.protected_hardlinks}, on by default as on every current distribution. */
    public Builder protectedHardlinks(boolean on) {
      this.protectedHardlinks = on;
      return this;
    }

    /** {@code fs.protected_symlinks}, on by default. */
    public Builder protectedSymlinks(boolean on) {
      this.protectedSymlinks = on;
      return this;
    }

    /** {@code kernel.pid_max}: pids wrap here back to 100. */
    public Builder pidMax(int max) {
      this.pidMax = max;
      return this;
    }

    /** Sets one environment variable of the caller. */
    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    /** Replaces the whole environment. */
    public Builder env(Map<String, String> all) {
      env.clear();
      env.putAll(all);
      return this;
    }

    public SimHost build() {
      return new SimHost(this);
    }
  }

  // ================================================================ the choke point

  <T> T call(Credentials actor, String name, List<String> paths, String args, Body<T> body) throws HostException {
    lock.lock();
    try {
      SimCall call = admit(actor, name, paths);
      boolean top = depth == 0;
      depth++;
      try {
        if (top) {
          for (Fault f : List.copyOf(faults)) {
            if (f.when().test(call)) {
              if (f.once()) {
                faults.remove(f);
              }
              throw new HostException(f.errno(), name, paths.isEmpty() ? "" : paths.get(0), "injected fault");
            }
          }
        }
        T result = body.run(new Op(name, paths.isEmpty() ? "" : paths.get(0), accessFor(actor)));
        record(call, args, "ok");
        return result;
      } catch (HostException e) {
        record(call, args, e.errno().name());
        throw e;
      } catch (RuntimeException e) {
        record(call, args, "exception " + e.getClass().getSimpleName());
        throw e;
      } finally {
        depth--;
      }
    } finally {
      lock.unlock();
    }
  }

  /** The choke point for calls that cannot fail: hooked and journaled, never faulted. */
  <T> T quietCall(Credentials actor, String name, List<String> paths, String args, Supplier<T> body) {
    lock.lock();
    try {
      SimCall call = admit(actor, name, paths);
      depth++;
      try {
        T result = body.get();
        record(call, args, "ok");
        return result;
      } finally {
        depth--;
      }
    } finally {
      lock.unlock();
    }
  }

  /** Numbers the call and, for a top-level call, runs the hooks first. */
  private SimCall admit(Credentials actor, String name, List<String> paths) {
    SimCall call = new SimCall(nextIndex++, actor.euid(), name, paths);
    if (depth == 0 && !hooks.isEmpty()) {
      depth++;
      try {
        for (Consumer<SimCall> hook : List.copyOf(hooks)) {
          hook.accept(call);
        }
      } finally {
        depth--;
      }
    }
    return call;
  }

  private void record(SimCall call, String args, String outcome) {
    JournalEntry e = new JournalEntry(call.index(), call.actorUid(), call.call(), args, outcome, clock.nanoTime());
    journal.add(e);
    LOG.trace("{}", e);
  }

  Access accessFor(Credentials c) {
    return new Access(c, false, protectedSymlinks, protectedHardlinks);
  }

  // ================================================================ instruments

  /**
   * A view of this host acting as {@code uid:gid}: same tree, processes, clock and journal.
   * Its calls are checked against that user's permissions and journaled with its uid.
   */
  public HostOps as(int uid, int gid) {
    return as(new Credentials(uid, gid, uid));
  }

  public HostOps as(Credentials c) {
    return new Caller(this, c);
  }

  /** {@link #as(Credentials)} for a process that also has {@code env} in its environment. */
  public HostOps as(Credentials c, Map<String, String> env) {
    return new Caller(this, c, env);
  }

  /**
   * Runs {@code hook} before every top-level call, after the call is numbered and before it
   * acts. The hook may change the host through the fixture API or an {@link #as} view.
   */
  public void beforeEachCall(Consumer<SimCall> hook) {
    lock.lock();
    try {
      hooks.add(hook);
    } finally {
      lock.unlock();
    }
  }

  public void clearHooks() {
    lock.lock();
    try {
      hooks.clear();
    } finally {
      lock.unlock();
    }
  }

  /** Every top-level call matching {@code when} fails with {@code errno} until {@link #clearFaults}. */
  public void failWhen(Predicate<SimCall> when, Errno errno) {
    addFault(new Fault(when, errno, false));
  }

  /** The next top-level call matching {@code when} fails with {@code errno}; later ones run. */
  public void failOnce(Predicate<SimCall> when, Errno errno) {
    addFault(new Fault(when, errno, true));
  }

  public void clearFaults() {
    lock.lock();
    try {
      faults.clear();
    } finally {
      lock.unlock();
    }
  }

  private void addFault(Fault f) {
    lock.lock();
    try {
      faults.add(f);
    } finally {
      lock.unlock();
    }
  }

  /** Every call so far, in the order they finished. */
  public List<JournalEntry> journal() {
    lock.lock();
    try {
      return List.copyOf(journal);
    } finally {
      lock.unlock();
    }
  }

  /** The index the next call will get. */
  public long nextCallIndex() {
    lock.lock();
    try {
      return nextIndex;
    } finally {
      lock.unlock();
    }
  }

  // ================================================================ clock

  /** Runs {@code action} when virtual time reaches now + {@code fromNow}. */
  public void at(Duration fromNow, Runnable action) {
    lock.lock();
    try {
      clock.schedule(fromNow.toNanos(), action);
    } finally {
      lock.unlock();
    }
  }

  /** Runs {@code action} with this host when virtual time reaches now + {@code fromNow}. */
  public void at(Duration fromNow, Consumer<SimHost> action) {
    at(fromNow, () -> action.accept(this));
  }

  /** Moves virtual time on, firing what falls due; not a call of the code under test. */
  public void advance(Duration d) {
    lock.lock();
    try {
      clock.advance(d.toNanos());
    } finally {
      lock.unlock();
    }
  }

  void scheduleInternal(Duration fromNow, Runnable action) {
    clock.schedule(fromNow.toNanos(), action);
  }

  long clockNanos() {
    return clock.nanoTime();
  }

  void advanceClock(Duration d) {
    clock.advance(d.toNanos());
  }

  /**
   * Installs a command: from now on a {@link HostOps#run} whose argv[0] is exactly
   * {@code program} — directly, or after {@code sudo} and its options — runs {@code handler}
   * instead of the built-in commands (which it may shadow). The handler gets the argv without the
   * {@code sudo} prefix and a view of this host with the command's credentials (root under
   * {@code sudo}). No file needs to exist at {@code program}: commands are found by name, as the
   * built-in ones are. Replaces a command installed under the same name.
   *
   * <p>The handler runs as a process of its own would: outside the host lock and the choke point
   * of the {@code run} call, so that its own host calls are top-level calls (hooked, faulted,
   * journaled before the {@code run} entry) when that {@code run} was one. See {@link SimCommand}.
   */
  public void installCommand(String program, SimCommand handler) {
    if (program == null || program.isEmpty()) {
      throw new IllegalArgumentException("program is empty");
    }
    commands.put(program, java.util.Objects.requireNonNull(handler, "handler"));
  }

  /** Removes an installed command; the built-in one of that name, if any, is back. */
  public void uninstallCommand(String program) {
    commands.remove(program);
  }

  Optional<SimCommand> installedCommand(String program) {
    return Optional.ofNullable(commands.get(program));
  }

  /**
   * Runs {@code body} (an installed command's process) outside the choke point of the call that
   * is running it: when that call is a top-level call (depth 1, the lock held once by this
   * thread), the lock is released and the depth reset for the body's duration, so the body's own
   * calls are top-level calls; otherwise (the {@code run} came from a hook or an event) the body
   * runs nested, as every call made inside a call does.
   */
  <T> T outsideCall(Supplier<T> body) {
    if (depth != 1 || !lock.isHeldByCurrentThread() || lock.getHoldCount() != 1) {
      return body.get();
    }
    depth = 0;
    lock.unlock();
    try {
      return body.get();
    } finally {
      lock.lock();
      depth = 1;
    }
  }

  // ================================================================ internals for the views

  Vfs vfs() {
    return vfs;
  }

  Shell shell() {
    return shell;
  }

  ProcessTable processTable() {
    return processes;
  }

  NetLinks netLinks() {
    return links;
  }

  Optional<String> env(String name) {
    return Optional.ofNullable(env.get(name));
  }

  /**
   * {@code kill(2)}: ESRCH for no such pid; a non-root sender may signal only its own uid's
   * processes (EPERM). SIGKILL ends any process; SIGTERM ends one without a handler that
   * ignores it; signal 0 only checks; other signals are ignored by simulated processes.
   */
  void signal(Op op, int pid, int sig) throws HostException {
    if (sig < 0 || sig > 64) {
      throw op.fail(Errno.EINVAL, "signal " + sig);
    }
    SimProcess p = processes.get(pid).orElseThrow(() -> op.fail(Errno.ESRCH));
    if (!op.access().privileged() && op.access().uid() != p.uid) {
      throw op.fail(Errno.EPERM, "process of another user");
    }
    if (sig == 9 || (sig == 15 && !p.ignoresSigterm)) {
      exitProcess(p);
    }
  }

  void exitProcess(SimProcess p) {
    processes.exit(p);
  }

  /**
   * {@code connect(2)} to the socket inode the handle pins: write permission on it first
   * (EACCES), then ECONNREFUSED when it is not a socket (Linux's answer, from
   * {@code unix_find_bsd}) or nothing listens. A listener that does not accept
   * ({@link ApiMode#NOT_ACCEPTING}: its backlog is full) makes it wait in virtual time, until it
   * accepts again, exits (ECONNREFUSED), or the deadline passes (ETIMEDOUT).
   */
  UnixConnection connect(Op op, Handle socket, Duration timeout) throws HostException {
    SimHandle h = vfs.handle(op, socket);
    Inode i = h.inode();
    if (!op.access().may(i, 2)) {
      throw op.fail(Errno.EACCES);
    }
    if (i.type != FileType.SOCKET) {
      throw op.fail(Errno.ECONNREFUSED, "not a socket");
    }
    if (i.listener == null || !i.listener.listening) {
      throw op.fail(Errno.ECONNREFUSED, "nothing listens");
    }
    ApiServer server = i.listener;
    if (server.mode == ApiMode.NOT_ACCEPTING) {
      long deadline = clock.nanoTime() + Math.max(0, timeout.toNanos());
      clock.advanceUntil(deadline, () -> server.mode != ApiMode.NOT_ACCEPTING || !server.listening);
      if (!server.listening) {
        throw op.fail(Errno.ECONNREFUSED, "the listener exited");
      }
      if (server.mode == ApiMode.NOT_ACCEPTING) {
        throw op.fail(Errno.ETIMEDOUT, "the listener's backlog stayed full for " + timeout.toMillis() + " ms");
      }
    }
    return server.accept(op.access().credentials());
  }

  void closeHandle(SimHandle h) {
    quietCall(h.opener, "close", List.of(h.path()), "fd(" + h.path() + ")", () -> {
      vfs.close(h);
      return null;
    });
  }

  void connectionWrite(ApiConnection c, byte[] bytes, Duration timeout) throws HostException {
    call(c.client, "write", List.of(), c.describe() + ", " + bytes.length + " bytes", op -> {
      c.doWrite(op, bytes, timeout, clock);
      return null;
    });
  }

  int connectionRead(ApiConnection c, byte[] buffer, Duration timeout) throws HostException {
    return call(c.client, "read", List.of(), c.describe() + ", " + timeout, op -> c.doRead(op, buffer, timeout, clock));
  }

  int connectionPeerPid(ApiConnection c) throws HostException {
    return call(c.client, "getsockopt", List.of(), c.describe() + ", SO_PEERCRED", c::doPeerPid);
  }

  void connectionShutdown(ApiConnection c) throws HostException {
    call(c.client, "shutdown", List.of(), c.describe() + ", SHUT_WR", op -> {
      c.doShutdownOutput(op);
      return null;
    });
  }

  void connectionClose(ApiConnection c) {
    quietCall(c.client, "closeConnection", List.of(), c.describe(), () -> {
      c.doClose();
      return null;
    });
  }

  // ================================================================ HostOps, as this host's own caller

  @Override
  public String name() {
    return self.name();
  }

  @Override
  public Credentials credentials() {
    return self.credentials();
  }

  @Override
  public FileStat lstat(String path) throws HostException {
    return self.lstat(path);
  }

  @Override
  public FileStat stat(String path) throws HostException {
    return self.stat(path);
  }

  @Override
  public Handle open(String path, OpenHow how) throws HostException {
    return self.open(path, how);
  }

  @Override
  public Handle openAs(FsIdentity who, String path, OpenHow how) throws HostException {
    return self.openAs(who, path, how);
  }

  @Override
  public Handle openAt(Handle dir, String path, OpenHow how) throws HostException {
    return self.openAt(dir, path, how);
  }

  @Override
  public FileStat fstat(Handle handle) throws HostException {
    return self.fstat(handle);
  }

  @Override
  public FileStat statAt(Handle dir, String name) throws HostException {
    return self.statAt(dir, name);
  }

  @Override
  public String readlinkAt(Handle dir, String name) throws HostException {
    return self.readlinkAt(dir, name);
  }

  @Override
  public List<DirEntry> readDir(Handle dir) throws HostException {
    return self.readDir(dir);
  }

  @Override
  public void mkdirAt(Handle dir, String name, int mode) throws HostException {
    self.mkdirAt(dir, name, mode);
  }

  @Override
  public void mknodAt(Handle dir, String name, FileType type, int mode, DeviceNumber device) throws HostException {
    self.mknodAt(dir, name, type, mode, device);
  }

  @Override
  public void symlinkAt(String target, Handle dir, String name) throws HostException {
    self.symlinkAt(target, dir, name);
  }

  @Override
  public void linkAt(Handle fromDir, String fromName, Handle toDir, String toName) throws HostException {
    self.linkAt(fromDir, fromName, toDir, toName);
  }

  @Override
  public void unlinkAt(Handle dir, String name, boolean removeDirectory) throws HostException {
    self.unlinkAt(dir, name, removeDirectory);
  }

  @Override
  public void renameAt(Handle fromDir, String fromName, Handle toDir, String toName, RenameMode mode)
      throws HostException {
    self.renameAt(fromDir, fromName, toDir, toName, mode);
  }

  @Override
  public void fchown(Handle handle, int uid, int gid) throws HostException {
    self.fchown(handle, uid, gid);
  }

  @Override
  public void fchmod(Handle handle, int mode) throws HostException {
    self.fchmod(handle, mode);
  }

  @Override
  public void chmod(String path, int mode) throws HostException {
    self.chmod(path, mode);
  }

  @Override
  public void chown(String path, int uid, int gid) throws HostException {
    self.chown(path, uid, gid);
  }

  @Override
  public void lchown(String path, int uid, int gid) throws HostException {
    self.lchown(path, uid, gid);
  }

  @Override
  public long copy(Handle from, Handle to) throws HostException {
    return self.copy(from, to);
  }

  @Override
  public void mount(String source, String target, String fstype, Set<MountFlag> flags, String data)
      throws HostException {
    self.mount(source, target, fstype, flags, data);
  }

  @Override
  public void bindMount(Handle source, Handle target, boolean recursive) throws HostException {
    self.bindMount(source, target, recursive);
  }

  @Override
  public void remount(Handle target, Set<MountFlag> flags) throws HostException {
    self.remount(target, flags);
  }

  @Override
  public void setPropagation(Handle target, Propagation propagation) throws HostException {
    self.setPropagation(target, propagation);
  }

  @Override
  public void umount2(String path, Set<UmountFlag> flags) throws HostException {
    self.umount2(path, flags);
  }

  @Override
  public void unmount(Handle mountRoot, Set<UmountFlag> flags) throws HostException {
    self.unmount(mountRoot, flags);
  }

  @Override
  public String mountInfo() throws HostException {
    return self.mountInfo();
  }

  @Override
  public CommandResult run(List<String> argv) throws HostException {
    return self.run(argv);
  }

  @Override
  public Optional<ProcessInfo> process(int pid) throws HostException {
    return self.process(pid);
  }

  /** {@link HostOps#listProcesses}: a host call (journaled, faultable), unlike the fixture
   *  {@link #processes()}. */
  @Override
  public List<ProcessInfo> listProcesses() throws HostException {
    return self.listProcesses();
  }

  @Override
  public void kill(int pid, int signal) throws HostException {
    self.kill(pid, signal);
  }

  @Override
  public Optional<LinkInfo> link(String name) throws HostException {
    return self.link(name);
  }

  @Override
  public UnixConnection connect(Handle socket, Duration timeout) throws HostException {
    return self.connect(socket, timeout);
  }

  @Override
  public Optional<String> getenv(String name) {
    return self.getenv(name);
  }

  @Override
  public long nanoTime() {
    return self.nanoTime();
  }

  @Override
  public void sleep(Duration duration) {
    self.sleep(duration);
  }

  // ================================================================ fixture: the tree

  @FunctionalInterface
  private interface FixtureBody<T> {
    T run(Op op) throws HostException;
  }

  private <T> T fixture(String what, String path, FixtureBody<T> body) {
    lock.lock();
    try {
      return body.run(new Op(what, path, Access.fixture()));
    } catch (HostException e) {
      throw new IllegalStateException("fixture " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private Location fixtureResolve(Op op, String path, boolean follow) throws HostException {
    return vfs.resolve(op, path, follow);
  }

  private Namei.Parent fixtureParent(Op op, String path) throws HostException {
    Location root = vfs.absolute(op, path);
    Namei.Parent p = vfs.namei.parent(op, vfs.namei.begin(op, root), root, path);
    if (p.name().equals(".") || p.name().equals("..")) {
      throw op.fail(Errno.EEXIST);
    }
    return p;
  }

  private void checkWritable(Op op, Location dir) throws HostException {
    if (dir.mount().readOnly()) {
      throw op.fail(Errno.EROFS);
    }
  }

  /** {@code mkdir -p} as root 0755. */
  public void mkdirs(String path) {
    mkdirs(path, 0755, 0, 0);
  }

  /**
   * {@code mkdir -p}: every missing directory made with exactly {@code mode} (no umask) and
   * owner {@code uid:gid}; an existing final directory gets them too; existing intermediate
   * directories are left alone. Symlinks on the way are followed.
   */
  public void mkdirs(String path, int mode, int uid, int gid) {
    fixture("mkdirs", path, op -> {
      Location cur = vfs.absolute(op, path);
      String[] parts = path.split("/");
      StringBuilder sofar = new StringBuilder();
      for (String part : parts) {
        if (part.isEmpty() || part.equals(".")) {
          continue;
        }
        sofar.append('/').append(part);
        Location next;
        try {
          next = vfs.namei.lookup(op, vfs.namei.begin(op, cur), cur, part, true);
        } catch (HostException e) {
          if (!e.is(Errno.ENOENT)) {
            throw e;
          }
          checkWritable(op, cur);
          Inode d = cur.inode().sb.newInode(FileType.DIRECTORY, mode, uid, gid, DeviceNumber.NONE, null);
          cur.inode().attach(part, d);
          next = new Location(cur.mount(), d);
        }
        if (!next.inode().isDir()) {
          throw op.fail(Errno.ENOTDIR, sofar.toString());
        }
        cur = next;
      }
      cur.inode().mode = mode & 07777;
      cur.inode().uid = uid;
      cur.inode().gid = gid;
      return null;
    });
  }

  public void writeFile(String path, String content) {
    writeFile(path, content.getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
  }

  public void writeFile(String path, String content, int mode, int uid, int gid) {
    writeFile(path, content.getBytes(StandardCharsets.UTF_8), mode, uid, gid);
  }

  /**
   * A regular file with these bytes, mode and owner. Missing parent directories are made as
   * root 0755. An existing regular file (a final symlink followed) is overwritten in place,
   * which every hard link of it sees.
   */
  public void writeFile(String path, byte[] content, int mode, int uid, int gid) {
    ensureParent(path);
    fixture("writeFile", path, op -> {
      Inode f;
      try {
        f = fixtureResolve(op, path, true).inode();
        if (f.type != FileType.REGULAR) {
          throw op.fail(Errno.EEXIST, "not a regular file");
        }
      } catch (HostException e) {
        if (!e.is(Errno.ENOENT)) {
          throw e;
        }
        Namei.Parent p = fixtureParent(op, path);
        if (p.child() != null) {
          throw op.fail(Errno.EEXIST, "dangling symlink");
        }
        checkWritable(op, p.dir());
        f = p.dir().inode().sb.newInode(FileType.REGULAR, mode, uid, gid, DeviceNumber.NONE, null);
        p.dir().inode().attach(p.name(), f);
      }
      vfs.contents.write(f, content);
      f.mtime = wallClockNanos();
      f.mode = mode & 07777;
      f.uid = uid;
      f.gid = gid;
      return null;
    });
  }

  /** Fixtures that make a name first make its missing parent directories, root 0755. */
  private void ensureParent(String path) {
    int slash = path.lastIndexOf('/');
    if (slash > 0 && inspectFollow(path.substring(0, slash)).isEmpty()) {
      mkdirs(path.substring(0, slash));
    }
  }

  /** A symlink owned by root. */
  public void symlink(String path, String target) {
    symlink(path, target, 0, 0);
  }

  public void symlink(String path, String target, int uid, int gid) {
    ensureParent(path);
    fixture("symlink", path, op -> {
      Namei.Parent p = fixtureParent(op, path);
      if (p.child() != null) {
        throw op.fail(Errno.EEXIST);
      }
      checkWritable(op, p.dir());
      p.dir().inode().attach(p.name(), p.dir().inode().sb.newInode(FileType.SYMLINK, 0777, uid, gid, DeviceNumber.NONE, target));
      return null;
    });
  }

  /** A second name for the inode at {@code existingPath} (not followed); same filesystem only. */
  public void hardlink(String existingPath, String newPath) {
    ensureParent(newPath);
    fixture("hardlink", newPath, op -> {
      Location src = fixtureResolve(op, existingPath, false);
      Namei.Parent p = fixtureParent(op, newPath);
      if (p.child() != null) {
        throw op.fail(Errno.EEXIST);
      }
      if (src.inode().sb != p.dir().inode().sb) {
        throw op.fail(Errno.EXDEV, "another filesystem");
      }
      if (src.inode().isDir()) {
        throw op.fail(Errno.EPERM, "a directory");
      }
      p.dir().inode().attach(p.name(), src.inode());
      return null;
    });
  }

  /** A FIFO, socket inode, device node or empty regular file, with exactly {@code mode}. */
  public void mknod(String path, FileType type, int mode, DeviceNumber device, int uid, int gid) {
    if (type == FileType.DIRECTORY || type == FileType.SYMLINK) {
      throw new IllegalArgumentException("mknod makes no " + type + "; use mkdirs or symlink");
    }
    ensureParent(path);
    fixture("mknod", path, op -> {
      Namei.Parent p = fixtureParent(op, path);
      if (p.child() != null) {
        throw op.fail(Errno.EEXIST);
      }
      checkWritable(op, p.dir());
      Inode n = p.dir().inode().sb.newInode(type, mode, uid, gid, type.isDevice() ? device : DeviceNumber.NONE, null);
      if (type == FileType.REGULAR) {
        vfs.contents.create(n);
      }
      p.dir().inode().attach(p.name(), n);
      return null;
    });
  }

  /** A socket inode with no listener, as a crashed server leaves behind. */
  public void socket(String path, int uid, int gid, int mode) {
    mknod(path, FileType.SOCKET, mode, DeviceNumber.NONE, uid, gid);
  }

  /** A new tmpfs (root 1777) on the directory at {@code path}, symlinks followed; returns its id. */
  public int mountTmpfs(String path) {
    return fixture("mountTmpfs", path, op -> {
      vfs.mount(op, "tmpfs", path, "tmpfs", EnumSet.noneOf(MountFlag.class), "");
      return fixtureResolve(op, path, true).mount().id;
    });
  }

  /** {@code mount --bind src tgt}; returns the new mount's id. */
  public int bindMount(String srcPath, String tgtPath) {
    return bindMount(srcPath, tgtPath, false);
  }

  /** {@code mount --bind} or {@code --rbind}; returns the new mount's id. */
  public int bindMount(String srcPath, String tgtPath, boolean recursive) {
    return fixture("bindMount", tgtPath, op -> {
      Location src = fixtureResolve(op, srcPath, true);
      Location tgt = fixtureResolve(op, tgtPath, true);
      SimHandle s = new SimHandle(this, Credentials.root(), src, srcPath, false, false);
      SimHandle t = new SimHandle(this, Credentials.root(), tgt, tgtPath, false, false);
      vfs.bindMount(op, s, t, recursive);
      return fixtureResolve(op, tgtPath, true).mount().id;
    });
  }

  /** Sets the per-mount flags of the mount whose root is at {@code path}. */
  public void remount(String path, Set<MountFlag> flags) {
    fixture("remount", path, op -> {
      Location at = fixtureResolve(op, path, true);
      vfs.remount(op, new SimHandle(this, Credentials.root(), at, path, false, false), flags);
      return null;
    });
  }

  /** {@code mount --make-*} on the mount whose root is at {@code path}. */
  public void setPropagation(String path, Propagation propagation) {
    fixture("setPropagation", path, op -> {
      Location at = fixtureResolve(op, path, true);
      vfs.setPropagation(op, new SimHandle(this, Credentials.root(), at, path, false, false), propagation);
      return null;
    });
  }

  /** {@code umount -l}: detaches the mount at {@code path} and everything under it. */
  public void detach(String path) {
    fixture("detach", path, op -> {
      vfs.umount2(op, path, EnumSet.of(UmountFlag.DETACH));
      return null;
    });
  }

  /**
   * {@code rm -rf} that refuses to cross a mount: if {@code path} or anything under it is a
   * mountpoint, nothing is removed. A final symlink is removed, not followed.
   */
  public void remove(String path) {
    fixture("remove", path, op -> {
      Namei.Parent p = fixtureParent(op, path);
      Inode victim = p.child();
      if (victim == null) {
        throw op.fail(Errno.ENOENT);
      }
      refuseMounts(op, victim, path);
      removeTree(p.dir().inode(), p.name());
      return null;
    });
  }

  private void refuseMounts(Op op, Inode inode, String path) throws HostException {
    if (vfs.mounts.isMountpoint(inode)) {
      throw op.fail(Errno.EBUSY, "a mount point at or under " + path);
    }
    if (inode.isDir()) {
      for (Map.Entry<String, Inode> e : inode.entries.entrySet()) {
        refuseMounts(op, e.getValue(), path);
      }
    }
  }

  private void removeTree(Inode dir, String name) {
    Inode victim = dir.entries.get(name);
    if (victim.isDir()) {
      for (String child : new ArrayList<>(victim.entries.keySet())) {
        removeTree(victim, child);
      }
    }
    dir.detach(name);
    if (victim.nlink <= 0 && victim.openCount == 0 && victim.type == FileType.REGULAR) {
      vfs.contents.release(victim);
    }
  }

  /** {@code rename(2)} as root, replacing the target. */
  public void rename(String from, String to) {
    renameFixture("rename", from, to, RenameMode.REPLACE);
  }

  /** {@code renameat2(RENAME_EXCHANGE)} as root: swaps the two names atomically. */
  public void exchange(String a, String b) {
    renameFixture("exchange", a, b, RenameMode.EXCHANGE);
  }

  private void renameFixture(String what, String from, String to, RenameMode mode) {
    fixture(what, from, op -> {
      Namei.Parent a = fixtureParent(op, from);
      Namei.Parent b = fixtureParent(op, to);
      SimHandle ha = new SimHandle(this, Credentials.root(), a.dir(), from, false, false);
      SimHandle hb = new SimHandle(this, Credentials.root(), b.dir(), to, false, false);
      vfs.renameAt(op, ha, a.name(), hb, b.name(), mode);
      return null;
    });
  }

  /** Sets the mode of the inode at {@code path}, a final symlink followed (chmod has no -h). */
  public void setMode(String path, int mode) {
    fixture("setMode", path, op -> {
      fixtureResolve(op, path, true).inode().mode = mode & 07777;
      return null;
    });
  }

  /** Sets the owner of the inode at {@code path}, a final symlink not followed. */
  public void setOwner(String path, int uid, int gid) {
    fixture("setOwner", path, op -> {
      Inode i = fixtureResolve(op, path, false).inode();
      i.uid = uid;
      i.gid = gid;
      return null;
    });
  }

  // ================================================================ fixture: inspection

  /** {@code lstat} without permission checks; empty when the path does not resolve. */
  public Optional<FileStat> inspect(String path) {
    return inspect(path, false);
  }

  /** {@code stat} without permission checks (symlinks followed). */
  public Optional<FileStat> inspectFollow(String path) {
    return inspect(path, true);
  }

  private Optional<FileStat> inspect(String path, boolean follow) {
    lock.lock();
    try {
      Op op = new Op("inspect", path, Access.fixture());
      return Optional.of(vfs.stat(fixtureResolve(op, path, follow)));
    } catch (HostException e) {
      return Optional.empty();
    } finally {
      lock.unlock();
    }
  }

  public boolean exists(String path) {
    return inspect(path).isPresent();
  }

  /** The bytes of the regular file at {@code path}, symlinks followed. */
  public byte[] readFile(String path) {
    return fixture("readFile", path, op -> {
      Inode i = fixtureResolve(op, path, true).inode();
      if (i.type != FileType.REGULAR) {
        throw op.fail(Errno.EINVAL, "not a regular file");
      }
      return vfs.contents.read(i);
    });
  }

  public String readString(String path) {
    return new String(readFile(path), StandardCharsets.UTF_8);
  }

  /** The names in the directory at {@code path} (mounts crossed), in name order. */
  public List<String> list(String dirPath) {
    return fixture("list", dirPath, op -> {
      Inode d = fixtureResolve(op, dirPath, true).inode();
      if (!d.isDir()) {
        throw op.fail(Errno.ENOTDIR);
      }
      return List.copyOf(d.entries.keySet());
    });
  }

  /** The text of the symlink at {@code path}, or empty when it is not a symlink. */
  public Optional<String> readlink(String path) {
    lock.lock();
    try {
      Inode i = fixtureResolve(new Op("readlink", path, Access.fixture()), path, false).inode();
      return i.type == FileType.SYMLINK ? Optional.of(i.linkTarget) : Optional.empty();
    } catch (HostException e) {
      return Optional.empty();
    } finally {
      lock.unlock();
    }
  }

  /** The attached mounts in id order. */
  public List<MountView> mounts() {
    lock.lock();
    try {
      List<MountView> out = new ArrayList<>();
      for (Mount m : vfs.mounts.attached()) {
        out.add(new MountView(m.id, m.parent == null ? 1 : m.parent.id,
            m.parent == null ? "/" : vfs.mounts.pathOf(m.parent, m.mountpoint), MountTable.rootWithin(m),
            m.fstype, m.source, m.flags, m.propagation, m.peerGroup, m.masterGroup));
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** Open handles on the mount with this id (what makes umount without MNT_DETACH EBUSY). */
  public int openHandles(int mountId) {
    lock.lock();
    try {
      for (Mount m : vfs.mounts.attached()) {
        if (m.id == mountId) {
          return m.openHandles;
        }
      }
      return 0;
    } finally {
      lock.unlock();
    }
  }

  // ================================================================ fixture: processes and links

  /** {@code sysctl fs.protected_hardlinks}: like the sysctl, it can change while the host runs. */
  public void setProtectedHardlinks(boolean on) {
    this.protectedHardlinks = on;
  }

  /** {@code sysctl fs.protected_symlinks}. */
  public void setProtectedSymlinks(boolean on) {
    this.protectedSymlinks = on;
  }

  /** Starts a root process; returns its pid. */
  public int spawn(List<String> argv, String executable) {
    return spawn(argv, executable, 0, 0);
  }

  public int spawn(List<String> argv, String executable, int uid, int gid) {
    lock.lock();
    try {
      return processes.spawn(argv, executable, clock.ticks(), uid, gid).pid;
    } finally {
      lock.unlock();
    }
  }

  /** The process exits (and is reaped at once). No-op when it is gone. */
  public void exit(int pid) {
    lock.lock();
    try {
      processes.get(pid).ifPresent(this::exitProcess);
    } finally {
      lock.unlock();
    }
  }

  /** Live processes in pid order. */
  public List<ProcessInfo> processes() {
    lock.lock();
    try {
      List<ProcessInfo> out = new ArrayList<>();
      for (SimProcess p : processes.all()) {
        out.add(p.info());
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  public boolean isRunning(int pid) {
    lock.lock();
    try {
      return processes.get(pid).isPresent();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts a fake Firecracker as {@code uid:gid}: argv {@code /usr/bin/firecracker --api-sock
   * PATH}, and, as its {@code bind(2)} would, a socket inode at {@code PATH} owned by
   * {@code uid:gid} with mode {@code 0755 & ~umask}, listening. Creating the socket needs
   * {@code uid}'s permission on the directory, as it would for the real process.
   *
   * @return the pid
   */
  public int spawnFirecracker(String apiSocketPath, GuestBehaviour behaviour, int uid, int gid) {
    return fixture("spawnFirecracker", apiSocketPath, fixtureOp -> startFirecracker(apiSocketPath,
        List.of("/usr/bin/firecracker", "--api-sock", apiSocketPath), "/usr/bin/firecracker", null, behaviour, uid, gid).pid);
  }

  /** The API socket a jailed firecracker binds, as its command line names it inside the chroot. */
  public static final String JAILED_API_SOCKET = "/run/firecracker.socket";

  /**
   * Starts a firecracker the way Firecracker's jailer leaves it, and as the host then sees it: the
   * jailer made its own mount namespace, bound {@code chrootRoot} on itself, pivoted into it and
   * exec'd {@code /firecracker --id ID --api-sock /run/firecracker.socket} as {@code uid:gid}; so
   * {@code /proc/PID/exe} reads {@code /firecracker}, the command line names no host path, and the
   * process's root ({@link #processRoot}) is the chroot directory. It listens on
   * {@code <chrootRoot>/run/firecracker.socket} (the {@code run} directory is made as
   * {@code uid:gid} 0755 when missing), and the jailer wrote its pid to
   * {@code <chrootRoot>/firecracker.pid} (root's, 0644) just after it started.
   *
   * @return the pid, as the host sees it
   */
  public int spawnJailedFirecracker(String chrootRoot, String id, GuestBehaviour behaviour, int uid, int gid) {
    String run = chrootRoot + "/run";
    if (inspect(run).isEmpty()) {
      mkdirs(run, 0755, uid, gid);
    }
    int pid = fixture("spawnJailedFirecracker", chrootRoot, fixtureOp -> {
      Location root = fixtureResolve(fixtureOp, chrootRoot, false);
      if (!root.inode().isDir()) {
        throw fixtureOp.fail(Errno.ENOTDIR, "the chroot is not a directory");
      }
      return startFirecracker(chrootRoot + JAILED_API_SOCKET,
          List.of("/firecracker", "--id", id, "--api-sock", JAILED_API_SOCKET), "/firecracker", root, behaviour, uid, gid).pid;
    });
    writeFile(chrootRoot + "/firecracker.pid", (pid + "\n").getBytes(StandardCharsets.US_ASCII), 0644, 0, 0);
    return pid;
  }

  /** A firecracker process bound and listening on {@code socketPath} (a host path), as {@code uid:gid}. */
  private SimProcess startFirecracker(String socketPath, List<String> argv, String executable, Location root,
      GuestBehaviour behaviour, int uid, int gid) throws HostException {
    Credentials fc = new Credentials(uid, gid, uid);
    Op op = new Op("bind", socketPath, accessFor(fc));
    Location start = vfs.absolute(op, socketPath);
    Namei.Parent p = vfs.namei.parent(op, vfs.namei.begin(op, start), start, socketPath);
    if (p.child() != null) {
      throw op.fail(Errno.EEXIST, "address in use");
    }
    checkWritable(op, p.dir());
    op.access().modify(op, p.dir().inode());
    SimProcess proc = processes.spawn(argv, executable, clock.ticks(), uid, gid);
    proc.root = root;
    Inode sock = p.dir().inode().sb.newInode(FileType.SOCKET, 0755 & ~vfs.umask(), uid, gid, DeviceNumber.NONE, null);
    p.dir().inode().attach(p.name(), sock);
    ApiServer server = new ApiServer(this, proc, behaviour, sock);
    sock.listener = server;
    proc.ignoresSigterm = behaviour == GuestBehaviour.IGNORES_CTRL_ALT_DEL;
    proc.onExit.add(server::shutdown);
    servers.put(proc.pid, server);
    return proc;
  }

  /**
   * Starts a root process whose root directory is {@code rootDir} (as {@code chroot(2)} or the
   * jailer's {@code pivot_root} leaves it); returns its pid.
   */
  public int spawnIn(String rootDir, List<String> argv, String executable, int uid, int gid) {
    return fixture("spawnIn", rootDir, op -> {
      Location root = fixtureResolve(op, rootDir, false);
      if (!root.inode().isDir()) {
        throw op.fail(Errno.ENOTDIR, "not a directory");
      }
      SimProcess proc = processes.spawn(argv, executable, clock.ticks(), uid, gid);
      proc.root = root;
      return proc.pid;
    });
  }

  /** Puts the API server of the fake Firecracker {@code pid} in {@code mode} (it starts {@link ApiMode#BOOTED}). */
  public void setApiMode(int pid, ApiMode mode) {
    lock.lock();
    try {
      ApiServer s = servers.get(pid);
      if (s == null) {
        throw new IllegalArgumentException("no fake firecracker with pid " + pid);
      }
      s.mode = java.util.Objects.requireNonNull(mode, "mode");
    } finally {
      lock.unlock();
    }
  }

  /** {@code touch -d}: sets the modification time of the inode at {@code path} (not followed). */
  public void setModificationTime(String path, java.time.Instant when) {
    fixture("setModificationTime", path, op -> {
      fixtureResolve(op, path, false).inode().mtime = when.getEpochSecond() * 1_000_000_000L + when.getNano();
      return null;
    });
  }

  /** The requests a fake Firecracker received, {@code METHOD PATH BODY} each, oldest first. */
  public List<String> apiRequests(int pid) {
    lock.lock();
    try {
      ApiServer s = servers.get(pid);
      return s == null ? List.of() : List.copyOf(s.requests);
    } finally {
      lock.unlock();
    }
  }

  /** Adds a network link, down, with no address. */
  public void addLink(String name, LinkInfo.Kind kind) {
    lock.lock();
    try {
      links.create(name, kind);
    } finally {
      lock.unlock();
    }
  }

  /** A process opens the TAP {@code name} (a queue attached): {@link #tapInUse} is then true, and deleting it EBUSY. */
  public void attachTap(String name) {
    lock.lock();
    try {
      links.setAttached(name, true);
    } finally {
      lock.unlock();
    }
  }

  /** The process that had the TAP {@code name} open closes it. */
  public void detachTap(String name) {
    lock.lock();
    try {
      links.setAttached(name, false);
    } finally {
      lock.unlock();
    }
  }

  /** Every link in name order. */
  public List<LinkInfo> links() {
    lock.lock();
    try {
      return links.all();
    } finally {
      lock.unlock();
    }
  }

  // ================================================================ snapshots

  /** Everything reachable from {@code /} (mounts crossed, symlinks not followed) and the mount table. */
  public Snapshot snapshot() {
    lock.lock();
    try {
      return Snapshot.take(vfs);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "SimHost(" + credentials + ")";
  }

  // ================================================================ directory watches (inotify)

  /** {@link HostOps#watch}: an inotify instance of this host ({@link SimWatch}). */
  @Override
  public org.fcproc.host.DirectoryWatch watch() throws HostException {
    return self.watch();
  }

  /**
   * Advances virtual time by at most {@code timeout}, firing what falls due, until {@code done}
   * holds after an event; returns whether it did. Called under the lock, by a waiting
   * {@link SimWatch#next}.
   */
  boolean advanceClockUntil(Duration timeout, java.util.function.BooleanSupplier done) {
    if (done.getAsBoolean()) {
      return true;
    }
    return clock.advanceUntil(clock.nanoTime() + Math.max(0, timeout.toNanos()), done);
  }

  // ================================================================ pidfds and reads (appended for the sure kill)

  @Override
  public org.fcproc.host.PidHandle openPid(int pid) throws HostException {
    return self.openPid(pid);
  }

  @Override
  public void signal(org.fcproc.host.PidHandle process, int signal) throws HostException {
    self.signal(process, signal);
  }

  @Override
  public Optional<ProcessInfo> process(org.fcproc.host.PidHandle process) throws HostException {
    return self.process(process);
  }

  @Override
  public byte[] read(Handle file, int maxBytes) throws HostException {
    return self.read(file, maxBytes);
  }

  /** {@code pidfd_open}: EINVAL for a pid that is not positive, ESRCH when nobody has it. */
  SimPidHandle openPid(Op op, Credentials opener, int pid) throws HostException {
    if (pid <= 0) {
      throw op.fail(Errno.EINVAL, "pid must be positive");
    }
    SimProcess p = processes.get(pid).orElseThrow(() -> op.fail(Errno.ESRCH));
    return new SimPidHandle(this, opener, p);
  }

  private SimPidHandle pidHandle(Op op, org.fcproc.host.PidHandle h) throws HostException {
    if (!(h instanceof SimPidHandle s) || s.host != this || s.closed) {
      throw op.fail(Errno.EBADF, "not an open pidfd of this host");
    }
    return s;
  }

  /**
   * {@code pidfd_send_signal}: to the handle's process object. ESRCH once it has exited (the
   * simulator reaps at once), whoever has its pid now; otherwise as {@link #signal(Op, int, int)}.
   */
  void signal(Op op, org.fcproc.host.PidHandle h, int sig) throws HostException {
    SimPidHandle ph = pidHandle(op, h);
    if (sig < 0 || sig > 64) {
      throw op.fail(Errno.EINVAL, "signal " + sig);
    }
    SimProcess p = ph.process;
    if (!p.alive) {
      throw op.fail(Errno.ESRCH, "the process has exited");
    }
    if (!op.access().privileged() && op.access().uid() != p.uid) {
      throw op.fail(Errno.EPERM, "process of another user");
    }
    if (sig == 9 || (sig == 15 && !p.ignoresSigterm)) {
      exitProcess(p);
    }
  }

  Optional<ProcessInfo> process(Op op, org.fcproc.host.PidHandle h) throws HostException {
    SimPidHandle ph = pidHandle(op, h);
    return ph.process.alive ? Optional.of(ph.process.info()) : Optional.empty();
  }

  /** {@code read(2)}: EBADF unless open for reading, EISDIR for a directory; a regular file's bytes
   *  from the handle's position; nothing from a FIFO or a device. */
  byte[] read(Op op, Handle file, int maxBytes) throws HostException {
    SimHandle h = vfs.handle(op, file);
    if (maxBytes < 0) {
      throw op.fail(Errno.EINVAL, "maxBytes < 0");
    }
    if (!h.readable) {
      throw op.fail(Errno.EBADF, "not open for reading");
    }
    Inode i = h.inode();
    if (i.isDir()) {
      throw op.fail(Errno.EISDIR);
    }
    if (i.type != FileType.REGULAR) {
      return new byte[0];
    }
    byte[] all = vfs.contents.read(i);
    int from = (int) Math.min(all.length, h.position);
    int n = Math.min(maxBytes, all.length - from);
    h.position += n;
    return java.util.Arrays.copyOfRange(all, from, from + n);
  }

  // ================================================================ TAP devices (appended)

  @Override
  public void createTap(String name, int uid, int gid) throws HostException {
    self.createTap(name, uid, gid);
  }

  @Override
  public void deleteLink(String name) throws HostException {
    self.deleteLink(name);
  }

  @Override
  public void setLinkMaster(String link, String bridge) throws HostException {
    self.setLinkMaster(link, bridge);
  }

  @Override
  public void setLinkUp(String link) throws HostException {
    self.setLinkUp(link);
  }

  @Override
  public List<String> linkNames() throws HostException {
    return self.linkNames();
  }

  @Override
  public boolean tapInUse(String name) throws HostException {
    return self.tapInUse(name);
  }

  // ================================================================ process identity of jailed VMs (appended)

  /** Where the simulated host's wall clock stood at boot (virtual time 0): 2024-01-01T00:00:00Z. */
  static final long BOOT_WALL_CLOCK_NANOS = 1_704_067_200L * 1_000_000_000L;

  /** The wall clock ({@code CLOCK_REALTIME}), nanoseconds since the epoch: boot plus virtual time. */
  long wallClockNanos() {
    return BOOT_WALL_CLOCK_NANOS + clock.nanoTime();
  }

  static java.time.Instant instant(long epochNanos) {
    return java.time.Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
  }

  @Override
  public FileStat processRoot(org.fcproc.host.PidHandle process) throws HostException {
    return self.processRoot(process);
  }

  @Override
  public java.time.Instant processStartTime(org.fcproc.host.PidHandle process) throws HostException {
    return self.processStartTime(process);
  }

  @Override
  public java.time.Instant modificationTime(Handle handle) throws HostException {
    return self.modificationTime(handle);
  }

  /**
   * {@code stat("/proc/PID/root")}: ESRCH once the process has exited (the simulator reaps at
   * once), EACCES for a caller that is neither root nor the process's uid (ptrace's access check);
   * otherwise the process's root directory as {@code stat} shows it.
   */
  FileStat processRoot(Op op, org.fcproc.host.PidHandle h) throws HostException {
    SimProcess p = pidHandle(op, h).process;
    if (!p.alive) {
      throw op.fail(Errno.ESRCH, "the process has exited");
    }
    if (!op.access().privileged() && op.access().uid() != p.uid) {
      throw op.fail(Errno.EACCES, "process of another user (ptrace access check)");
    }
    return vfs.stat(p.root == null ? vfs.mounts.nsRoot() : p.root);
  }

  /** Boot on the wall clock plus the process's start ticks: ESRCH once it has exited. */
  java.time.Instant processStartTime(Op op, org.fcproc.host.PidHandle h) throws HostException {
    SimProcess p = pidHandle(op, h).process;
    if (!p.alive) {
      throw op.fail(Errno.ESRCH, "the process has exited");
    }
    return instant(BOOT_WALL_CLOCK_NANOS + p.startTime * VirtualClock.NANOS_PER_TICK);
  }

  java.time.Instant modificationTime(Op op, Handle handle) throws HostException {
    return instant(vfs.handle(op, handle).inode().mtime);
  }
}
