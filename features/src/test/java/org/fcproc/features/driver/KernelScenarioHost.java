package org.fcproc.features.driver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.fcproc.host.Credentials;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.LinkInfo;
import org.fcproc.host.OpenFlag;
import org.fcproc.host.ProcessInfo;
import org.fcproc.host.OpenHow;
import org.fcproc.host.RenameMode;
import org.fcproc.host.Resolve;
import org.fcproc.linux.LinuxHost;

/**
 * The scenario driver for the real kernel: {@link LinuxHost}, in the private root filesystem
 * the Surefire wrapper builds ({@code features/src/test/kernel-root/}; see {@link KernelRoot}),
 * inside throwaway mount, network and pid namespaces. Every absolute path a scenario names is a
 * path of that root, so hard-linking {@code /etc/shadow}, chowning and mknod-ing there change
 * nothing of the machine. The constructor refuses unless the JVM is in such a root, then resets
 * the root for the new scenario (the previous scenario's processes and timers stopped, its
 * mounts detached, its files removed).
 *
 * <p>Arranging has the simulator's semantics ({@code SimHost}'s fixtures; see
 * {@link SimulatedScenarioHost}), done as root through the Linux backend, java.nio and
 * {@code ip}. Differences forced by the kernel:
 * <ul>
 *   <li>{@link #allowHardLinksToOthersFiles()} does nothing: {@code fs.protected_hardlinks} is
 *       one setting for the whole machine (not per namespace), so it is never changed here; and
 *       the hard links a scenario arranges are made by root, whom protected_hardlinks does not
 *       restrict (CAP_FOWNER), so the arrangement succeeds either way.
 *   <li>the root's programs need the real ELF interpreter ({@code /lib64/ld-linux-x86-64.so.2}
 *       on x86_64, which the standard layout names as a fake file under {@code /usr/lib64}): a
 *       file arranged at that path is created as asked and the real interpreter is then bound
 *       read-only over it, so {@code ip}, {@code pgrep} and java still run; the layout's fake
 *       content is hidden under that mount.
 *   <li>{@link #exitAndReusePid} (a pid cannot be made to come back) and {@link #failDetachOf}
 *       (every detach of a mount failing: no fault injection in the kernel) need the simulator; so does fcproc running as a non-root user
 *       ({@link #as}: sudo mode), for now. They throw {@link UnsupportedOperationException};
 *       those scenarios are tagged {@code @sim-only}.
 * </ul>
 */
public final class KernelScenarioHost implements ScenarioHost {
  private static KernelScenarioHost current;

  private final LinuxHost linux;
  private final RecordingHostOps ops;
  private final ScheduledExecutorService timer;
  private final Map<Integer, Process> fakes = new LinkedHashMap<>();
  private final Map<Integer, Path> requestLogs = new LinkedHashMap<>();
  /** The real path of the ELF interpreter the root's programs run with, or null. */
  private final Path interpreter;
  private boolean closed;

  private KernelScenarioHost(LinuxHost linux) {
    this.linux = linux;
    this.ops = new RecordingHostOps(linux);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kernel-scenario-timer");
      t.setDaemon(true);
      return t;
    });
    this.interpreter = interpreterPath();
  }

  /**
   * The driver for a new scenario, or an {@link IllegalStateException} saying why the kernel
   * cannot be used (never anything touched then).
   */
  public static synchronized KernelScenarioHost create() {
    Optional<String> why = KernelRoot.whyNot();
    if (why.isPresent()) {
      throw new IllegalStateException("the kernel scenario backend needs the private root the kernel-root wrapper builds: "
          + why.get());
    }
    if (current != null) {
      current.close();
    }
    LinuxHost linux = LinuxHost.create();
    KernelRoot.reset(linux);
    current = new KernelScenarioHost(linux);
    return current;
  }

  /** Stops the last scenario's processes and timers (the end of the suite, or the next scenario). */
  public static synchronized void closeCurrent() {
    if (current != null) {
      current.close();
      current = null;
    }
  }

  /** Stops this scenario's timers and the fake firecrackers it started (by their pids). */
  synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    timer.shutdownNow();
    for (Process p : fakes.values()) {
      p.destroyForcibly();
    }
    for (Process p : fakes.values()) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Path interpreterPath() {
    try {
      String interp = Elf.interpreter(Path.of("/proc/self/exe"));
      return interp == null ? null : Path.of(interp).toRealPath();
    } catch (IOException e) {
      return null;
    }
  }

  // ---------------------------------------------------------------- arranging

  private static HostException fail(Errno errno, String call, String path, String why) {
    return new HostException(errno, call, path, why);
  }

  private static IllegalStateException arranging(String what, String path, Exception e) {
    return new IllegalStateException("arranging the host: " + what + " " + path + ": " + e.getMessage(), e);
  }

  /** Missing parent directories, made as root 0755 (the simulator's {@code ensureParent}). */
  private void ensureParent(String path) {
    Path parent = Path.of(path).getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      directory(parent.toString(), Owner.ROOT, 0755, false);
    }
  }

  @Override
  public void directory(String path, Owner owner, int mode) {
    directory(path, owner, mode, true);
  }

  /**
   * {@code mkdir -p} as the simulator's {@code mkdirs}: missing directories made with exactly
   * {@code mode} and {@code owner}; an existing final directory gets them too (when
   * {@code setFinal}); existing intermediate ones are left alone; symlinks on the way followed.
   */
  private void directory(String path, Owner owner, int mode, boolean setFinal) {
    try {
      Path p = Path.of("/");
      for (Path part : Path.of(path)) {
        p = p.resolve(part);
        if (!Files.exists(p)) {
          Files.createDirectory(p);
          linux.chown(p.toString(), owner.uid(), owner.gid());
          linux.chmod(p.toString(), mode);
        } else if (!Files.isDirectory(p)) {
          throw fail(Errno.ENOTDIR, "mkdir", p.toString(), "not a directory");
        }
      }
      if (setFinal) {
        linux.chown(path, owner.uid(), owner.gid());
        linux.chmod(path, mode);
      }
    } catch (IOException e) {
      throw arranging("directory", path, e);
    }
  }

  @Override
  public void file(String path, Owner owner, int mode, String content) {
    ensureParent(path);
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    Path p = Path.of(path);
    try {
      if (interpreter != null && Files.exists(p) && p.toRealPath().equals(interpreter)) {
        fileOverInterpreter(p, owner, mode, bytes);
        return;
      }
      if (Files.exists(p)) { // a final symlink followed: overwritten in place, as every hard link sees
        if (!Files.isRegularFile(p)) {
          throw fail(Errno.EEXIST, "open", path, "not a regular file");
        }
        Files.write(p, bytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
      } else {
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
          throw fail(Errno.EEXIST, "open", path, "dangling symlink");
        }
        Files.write(p, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      }
      linux.chown(path, owner.uid(), owner.gid());
      linux.chmod(path, mode);
    } catch (IOException e) {
      throw arranging("file", path, e);
    }
  }

  /**
   * The layout asks for a file where the root's programs find their ELF interpreter: the name
   * gets the file asked for, and the real interpreter (from the read-only real /usr) is bound
   * over it, read-only, so programs still run. No program may start between the two steps.
   */
  private void fileOverInterpreter(Path p, Owner owner, int mode, byte[] bytes) throws IOException, HostException {
    Path rel = Path.of("/usr").relativize(interpreter);
    if (rel.startsWith("..")) {
      throw new IllegalStateException("the ELF interpreter " + interpreter + " is not under /usr");
    }
    Path real = KernelRoot.LOWER_USR.resolve(rel);
    try (Handle source = linux.open(real.toString(), new OpenHow(EnumSet.of(OpenFlag.PATH), 0, EnumSet.noneOf(Resolve.class)))) {
      Files.delete(p);
      Files.write(p, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      linux.chown(p.toString(), owner.uid(), owner.gid());
      linux.chmod(p.toString(), mode);
      try (Handle target = linux.open(p.toString(), OpenHow.pathNoFollow())) {
        linux.bindMount(source, target, false);
      }
    }
  }

  @Override
  public void symlink(String path, String target) {
    ensureParent(path);
    Path p = Path.of(path);
    try {
      if (Files.isSymbolicLink(p) && Files.readSymbolicLink(p).toString().equals(target)) {
        return; // the root's own /lib, /lib64, ... links, as the layout wants them
      }
      Files.createSymbolicLink(p, Path.of(target));
    } catch (IOException e) {
      throw arranging("symlink", path, e);
    }
  }

  @Override
  public void hardLink(String path, String existing) {
    ensureParent(path);
    try {
      Files.createLink(Path.of(path), Path.of(existing)); // link(2): the existing name is not followed
    } catch (IOException e) {
      throw arranging("hard link", path + " -> " + existing, e);
    }
  }

  @Override
  public void node(String path, FileType type, DeviceNumber device, Owner owner, int mode) {
    if (type == FileType.DIRECTORY || type == FileType.SYMLINK) {
      throw new IllegalArgumentException("mknod makes no " + type + "; use directory or symlink");
    }
    ensureParent(path);
    Path p = Path.of(path);
    // Made under a temporary name, given its owner and exact mode (the umask applied to mknod),
    // then renamed into place: the node appears at its path complete, as bind(2) makes a socket.
    // Made in place, fcproc's directory watch could hand a socket off between the mknod and the
    // chown here, and this chown would then undo the hand-off.
    String name = p.getFileName().toString();
    String temporary = ".arranging-" + name;
    String temporaryPath = p.getParent().resolve(temporary).toString();
    try (Handle dir = linux.open(p.getParent().toString(), OpenHow.directoryNoFollow())) {
      linux.mknodAt(dir, temporary, type, mode, type.isDevice() ? device : DeviceNumber.NONE);
      linux.lchown(temporaryPath, owner.uid(), owner.gid());
      linux.chmod(temporaryPath, mode);
      linux.renameAt(dir, temporary, dir, name, RenameMode.NOREPLACE);
    } catch (HostException e) {
      throw arranging("mknod", path, e);
    }
  }

  @Override
  public void socket(String path, Owner owner, int mode) {
    node(path, FileType.SOCKET, DeviceNumber.NONE, owner, mode);
  }

  @Override
  public void bindMount(String source, String target) {
    OpenHow follow = new OpenHow(EnumSet.of(OpenFlag.PATH), 0, EnumSet.noneOf(Resolve.class));
    try (Handle s = linux.open(source, follow); Handle t = linux.open(target, follow)) {
      linux.bindMount(s, t, false);
    } catch (HostException e) {
      throw arranging("bind mount", source + " -> " + target, e);
    }
  }

  @Override
  public void chmod(String path, int mode) {
    try {
      linux.chmod(path, mode);
    } catch (HostException e) {
      throw arranging("chmod", path, e);
    }
  }

  /**
   * Propagation of the mount at {@code path}. Safe in the private root: the root's mounts are
   * copies made by {@code unshare --propagation private}, in no peer group with the machine's;
   * making one shared starts a new peer group inside this namespace only. The next reset makes
   * the base mounts private again.
   */
  @Override
  public void propagation(String path, org.fcproc.host.Propagation propagation) {
    OpenHow follow = new OpenHow(EnumSet.of(OpenFlag.PATH), 0, EnumSet.noneOf(Resolve.class));
    try (Handle h = linux.open(path, follow)) {
      linux.setPropagation(h, propagation);
    } catch (HostException e) {
      throw arranging("propagation " + propagation, path, e);
    }
  }

  @Override
  public void remove(String path) {
    try {
      if (!Files.exists(Path.of(path), LinkOption.NOFOLLOW_LINKS)) {
        throw fail(Errno.ENOENT, "remove", path, "nothing there");
      }
      for (KernelMounts.Entry m : KernelMounts.read()) {
        if (KernelMounts.within(m.mountPoint(), path)) {
          throw fail(Errno.EBUSY, "remove", path, "a mount at " + m.mountPoint());
        }
      }
      removeTree(Path.of(path), linux.lstat(path).mountId());
    } catch (IOException e) {
      throw arranging("remove", path, e);
    }
  }

  private void removeTree(Path p, long mountId) throws IOException, HostException {
    FileStat st = linux.lstat(p.toString());
    if (st.mountId() != mountId) {
      throw fail(Errno.EXDEV, "remove", p.toString(), "another mount");
    }
    if (st.type() == FileType.DIRECTORY) {
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
        ds.forEach(children::add);
      }
      for (Path c : children) {
        removeTree(c, mountId);
      }
    }
    Files.delete(p);
  }

  @Override
  public void allowHardLinksToOthersFiles() {
    // Deliberately nothing: see the class comment (per-machine sysctl; root is exempt anyway).
  }

  @Override
  public void link(String name, LinkInfo.Kind kind, boolean up, Optional<Owner> tapOwner, List<String> addresses) {
    if (kind == LinkInfo.Kind.TAP) {
      Owner o = tapOwner.orElse(Owner.ROOT);
      KernelRoot.run("ip", "tuntap", "add", "dev", name, "mode", "tap", "user", Integer.toString(o.uid()), "group",
          Integer.toString(o.gid()));
    } else if (kind == LinkInfo.Kind.BRIDGE) {
      KernelRoot.run("ip", "link", "add", "name", name, "type", "bridge");
    } else if (kind == LinkInfo.Kind.VETH) {
      KernelRoot.run("ip", "link", "add", "name", name, "type", "veth", "peer", "name", "fcpeer" + Math.abs(name.hashCode() % 100000));
    } else {
      KernelRoot.run("ip", "link", "add", "name", name, "type", "dummy");
    }
    for (String address : addresses) {
      KernelRoot.run("ip", "addr", "add", address, "dev", name);
    }
    if (up) {
      KernelRoot.run("ip", "link", "set", name, "up");
    }
  }

  @Override
  public synchronized int firecracker(String apiSock, boolean guestObeysCtrlAltDel) {
    return fakeFirecracker(apiSock, guestObeysCtrlAltDel ? List.of() : List.of("--ignore-ctrl-alt-del"));
  }

  @Override
  public synchronized int firecrackerOnAarch64(String apiSock) {
    return fakeFirecracker(apiSock, List.of("--aarch64"));
  }

  private int fakeFirecracker(String apiSock, List<String> flags) {
    directory(Path.of(apiSock).getParent().toString(), Owner.ROOT, 0755, false);
    String java = System.getenv().getOrDefault("FCPROC_KERNEL_ROOT_JAVA", ProcessHandle.current().info().command().orElse("java"));
    String classes;
    try {
      classes = Path.of(FakeFirecracker.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    Path log = KernelRoot.AREA.resolve("firecracker").resolve("requests-" + System.nanoTime() + ".log");
    List<String> argv = new ArrayList<>(List.of(java, "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-Dfcproc.kernel.root=" + System.getenv("FCPROC_KERNEL_ROOT"), "-cp", classes, FakeFirecracker.class.getName(),
        "--api-sock", apiSock, "--requests", log.toString()));
    argv.addAll(flags);
    try {
      Files.createDirectories(log.getParent());
      Files.createFile(log);
      Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
      int pid = (int) p.pid();
      fakes.put(pid, p);
      requestLogs.put(pid, log);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (true) {
        Optional<FileStat> st = inspect(apiSock);
        if (st.isPresent() && st.get().type() == FileType.SOCKET && listening(apiSock)) {
          return pid;
        }
        if (!p.isAlive()) {
          throw new IllegalStateException("the fake firecracker for " + apiSock + " exited " + p.exitValue() + " before binding it");
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the fake firecracker did not bind " + apiSock + " within 20 s");
        }
        Thread.sleep(10);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("starting the fake firecracker for " + apiSock, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Whether something listens on the socket: bind(2) makes the inode before listen(2) lets a
   * connect in, so "the socket exists" is not yet "firecracker serves it". The probe connects and
   * hangs up without a request, which the fake (like micro-http) ends silently.
   */
  private static boolean listening(String apiSock) {
    try (java.nio.channels.SocketChannel probe =
        java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(apiSock))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public int jailedFirecracker(String chrootRoot, String id) {
    throw new UnsupportedOperationException("a jailed firecracker needs a static binary in the chroot, which the kernel "
        + "scenario root does not build (backend-linux's JailedIdentityKernelTest jails one on the kernel); tag the "
        + "scenario @sim-only");
  }

  @Override
  public int startProcess(List<String> argv, Owner owner) {
    throw new UnsupportedOperationException(
        "starting an arbitrary command line as another uid needs the simulator (the scenario is @sim-only)");
  }

  @Override
  public void later(Duration after, Runnable action) {
    timer.schedule(() -> {
      try {
        action.run();
      } catch (RuntimeException e) {
        System.err.println("kernel scenario: a delayed arrangement failed: " + e);
      }
    }, after.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public int exitAndReusePid(int pid, List<String> argv) {
    throw new UnsupportedOperationException(
        "needs the simulator: the kernel cannot be made to give a pid back to a new process (tag the scenario @sim-only)");
  }

  @Override
  public void failDetachOf(String mountPoint, Errno errno) {
    throw new UnsupportedOperationException(
        "needs the simulator: the kernel has no fault injection for umount2 of " + mountPoint + " (tag the scenario @sim-only)");
  }

  // ---------------------------------------------------------------- the adversary inside a call

  /** Through the recording decorator fcproc is given: the action runs in fcproc's thread, before the call. */
  @Override
  public void beforeCall(String call, int nth, Runnable action) {
    ops.beforeCall(call, nth, action);
  }

  @Override
  public void failFirstCall(String call, Errno errno, Runnable whenInjected) {
    ops.failFirst(call, errno, whenInjected);
  }

  /**
   * As uid and gid 1000, with no supplementary groups ({@code setpriv}), so the kernel checks the
   * adversary's permissions: {@code mv --no-clobber -T path path.orig} (renameat2
   * RENAME_NOREPLACE), then {@code ln -s target path}.
   */
  @Override
  public void adversarySwapsForSymlink(String path, String target) {
    try {
      KernelRoot.run("setpriv", "--reuid=1000", "--regid=1000", "--clear-groups", "--", "sh", "-c",
          "[ ! -e \"$1.orig\" ] && [ ! -L \"$1.orig\" ] && mv -T -- \"$1\" \"$1.orig\" && ln -s -- \"$2\" \"$1\"",
          "sh", path, target);
    } catch (IllegalStateException e) {
      throw new IllegalStateException("the adversary (uid 1000) cannot swap " + path + " for a symlink: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- acting

  @Override
  public HostOps as(Credentials caller) {
    if (caller.isRoot()) {
      return ops;
    }
    throw new UnsupportedOperationException("fcproc running as uid " + caller.uid()
        + " with sudo is not supported on the kernel backend yet (no sudo set up in the private root); "
        + "tag the scenario @sim-only");
  }

  // ---------------------------------------------------------------- observing

  @Override
  public Optional<FileStat> inspect(String path) {
    try {
      return Optional.of(linux.lstat(path));
    } catch (HostException e) {
      if (e.is(Errno.ENOENT) || e.is(Errno.ENOTDIR)) {
        return Optional.empty();
      }
      throw new IllegalStateException("lstat " + path, e);
    }
  }

  @Override
  public Optional<String> readlink(String path) {
    try {
      return Optional.of(Files.readSymbolicLink(Path.of(path)).toString());
    } catch (NoSuchFileException | java.nio.file.NotLinkException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public byte[] content(String path) {
    try {
      return Files.readAllBytes(Path.of(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<MountState> mounts() {
    List<KernelMounts.Entry> all = KernelMounts.read();
    List<MountState> out = new ArrayList<>();
    for (KernelMounts.Entry m : all) {
      out.add(new MountState(m.id(), m.mountPoint(), KernelMounts.hostPathOf(m, all), m.readOnly(), m.isPrivate()));
    }
    return out;
  }

  @Override
  public Optional<LinkInfo> linkState(String name) {
    try {
      return linux.link(name);
    } catch (HostException e) {
      if (e.is(Errno.EINVAL)) {
        return Optional.empty(); // not a valid interface name: no link can have it
      }
      throw new IllegalStateException("link " + name, e);
    }
  }

  /**
   * Alive and not a zombie. On the kernel {@code kill(SIGKILL)} returns before the process has
   * exited (the simulator's kill is immediate): a process with SIGKILL pending can never run
   * again, so it is waited for (up to 5 s) rather than reported as running.
   */
  @Override
  public boolean isRunning(int pid) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      boolean alive;
      boolean exiting;
      try {
        Optional<ProcessInfo> p = linux.process(pid);
        alive = p.map(x -> !x.zombie()).orElse(false);
        // A process on its way out has released its memory, and with it its command line,
        // before it becomes a zombie: exit, like SIGKILL, takes a moment on a real kernel.
        exiting = p.map(x -> x.argv().isEmpty()).orElse(false);
      } catch (HostException e) {
        throw new IllegalStateException("process " + pid, e);
      }
      if (!alive || !(exiting || sigkillPending(pid)) || System.nanoTime() > deadline) {
        return alive;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return alive;
      }
    }
  }

  private static boolean sigkillPending(int pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"))) {
        if (line.startsWith("ShdPnd:") || line.startsWith("SigPnd:")) {
          long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
          if ((mask & (1L << 8)) != 0) { // signal 9 is bit 8
            return true;
          }
        }
      }
      return false;
    } catch (IOException | RuntimeException e) {
      return false; // gone meanwhile
    }
  }

  @Override
  public List<Integer> processesRunning(String commandLine) {
    List<Integer> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path d : ds) {
        int pid = Integer.parseInt(d.getFileName().toString());
        try {
          linux.process(pid).filter(p -> !p.zombie() && String.join(" ", p.commandLine()).equals(commandLine))
              .ifPresent(p -> out.add(pid));
        } catch (HostException e) {
          // gone meanwhile
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  @Override
  public synchronized List<String> apiRequests(int pid) {
    Path log = requestLogs.get(pid);
    if (log == null) {
      return List.of();
    }
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public List<String> commandsRun() {
    return ops.commands();
  }

  @Override
  public List<String> detached() {
    return ops.detached();
  }

  @Override
  public HostState state() {
    return KernelHostState.take(linux);
  }

  @Override
  public String toString() {
    return "KernelScenarioHost(private root " + System.getenv("FCPROC_KERNEL_ROOT") + ")";
  }

  /** Just enough of ELF to read a program's interpreter ({@code PT_INTERP}). */
  static final class Elf {
    private Elf() {}

    static String interpreter(Path exe) throws IOException {
      byte[] b = Files.readAllBytes(exe.toRealPath());
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
      if (b.length < 64 || b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F' || b[4] != 2) {
        return null; // not a 64-bit ELF
      }
      buf.order(b[5] == 1 ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
      long phoff = buf.getLong(0x20);
      int phentsize = Short.toUnsignedInt(buf.getShort(0x36));
      int phnum = Short.toUnsignedInt(buf.getShort(0x38));
      for (int i = 0; i < phnum; i++) {
        int at = (int) (phoff + (long) i * phentsize);
        if (buf.getInt(at) == 3) { // PT_INTERP
          int off = (int) buf.getLong(at + 8);
          int size = (int) buf.getLong(at + 32);
          return new String(b, off, size, StandardCharsets.US_ASCII).replace("\0", "");
        }
      }
      return null;
    }
  }
}
