package org.fcproc.linux.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.fcproc.ChrootDriveSpec;
import org.fcproc.ChrootSpec;
import org.fcproc.Config;
import org.fcproc.ExitTimeoutException;
import org.fcproc.Fcproc;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.HostException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lifecycle robustness, item 4, on the real kernel: 200 VM lifecycles at once, as root in the
 * test JVM's throwaway mount and network namespaces, {@code LinuxHost} in root mode, on a tmpfs
 * at {@code /tmp/fcproc-conc-*} (detached and removed afterwards).
 *
 * <p>Each lifecycle: stage the VM's jailer chroot ({@code jail/firecracker/vm<i>/root} on the
 * tmpfs: kernel and rootfs hard-linked from {@code images/}, {@code dev/vhost-vsock}, a copy of
 * the "firecracker" binary, the self-bind, and read-only binds of the machine's real
 * {@code /usr/lib} and {@code /usr/lib64}); start a {@link TinyFirecracker} as the VM's uid, which
 * makes {@code <chroot>/run} (so it is the VM's) and serves {@code <chroot>/run/api.sock}; hand the
 * socket to the daemon's uid (the seed's wait for the socket included); find the pid
 * ({@code SO_PEERCRED}); {@code SendCtrlAltDel} and wait for the exit — or, for one VM in five,
 * whose guest ignores it, see the wait time out, then {@code kill} and wait; then clean up.
 * Run from a pool of 8 or 16 threads, and with all 200 started together by a latch.
 *
 * <p>Afterwards: nothing mounted under the jail and the whole mount table as it was; no
 * {@code vm<i>/root}; the kernel's and every rootfs's link count back to 1; no fake firecracker
 * left (every {@code Process} ended, and no process in {@code /proc} names the scratch); and —
 * once the test removes the emptied {@code vm<i>} directories, which staging makes and cleanup
 * leaves — the scratch tmpfs byte-identical to its state before (the tree outside the jail never
 * changed at all). And two cleanups of one chroot at once, 200 times: both end well.
 *
 * <p>{@code -Dfcproc.conc.vms=N}, {@code -Dfcproc.conc.doubleCleanups=N} change the counts.
 */
class ConcurrentLifecyclesKernelTest {
  static final int VMS = Integer.getInteger("fcproc.conc.vms", 200);
  static final int DOUBLE_CLEANUPS = Integer.getInteger("fcproc.conc.doubleCleanups", 200);
  static final int STUBBORN_EVERY = 5;
  static final int DAEMON_UID = 999;

  private static ConcScratch scratch;
  private static TinyFirecracker fake;
  private static Fcproc fc;
  private static boolean vsock;
  private static String base;
  private static String kernel;
  private static String firecrackerBin;
  private static Set<Path> notOurs;
  private static String restoreLevel;
  private static boolean quieted;
  /** Every fake started, for the tear-down: each is ended by its own Process handle. */
  private static final List<Process> started = new CopyOnWriteArrayList<>();

  enum Uids { DISTINCT, SHARED }

  @BeforeAll
  static void setUp() throws Exception {
    scratch = ConcScratch.create();
    Path d = scratch.dir;
    scratch.mkdir(d.resolve("bin"), 0755, 0, 0);
    StringBuilder why = new StringBuilder();
    Optional<TinyFirecracker> made = TinyFirecracker.make(d.resolve("bin"), why);
    if (made.isEmpty()) {
      System.out.println("SKIPPING the kernel concurrency tests: no fake firecracker can be built: " + why);
    }
    assumeTrue(made.isPresent(), () -> "no fake firecracker can be built: " + why);
    fake = made.get();

    String dev;
    try {
      dev = scratch.overlayDevWithVsock();
      vsock = true;
    } catch (IOException | RuntimeException e) {
      dev = "no /dev/vhost-vsock and the /dev overlay failed (" + e + "): staged without vsock";
      vsock = false;
    }

    scratch.mkdir(d.resolve("images"), 0755, 0, 0);
    kernel = d.resolve("images/vmlinux").toString();
    scratch.file(Path.of(kernel), "fake kernel image\n".getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
    for (int i = 0; i < Math.max(VMS, 1); i++) {
      scratch.file(rootfsPath(i), ("fake rootfs of vm" + i + "\n").getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
    }
    byte[] binary = new byte[64 * 1024];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) (i * 31 + 7);
    }
    firecrackerBin = d.resolve("bin/firecracker").toString();
    scratch.file(Path.of(firecrackerBin), binary, 0755, 0, 0);
    // The jail base and firecracker base with the mode staging sets: staging changes nothing there.
    scratch.mkdir(d.resolve("jail"), 0711, 0, 0);
    scratch.mkdir(d.resolve("jail/firecracker"), 0711, 0, 0);
    base = d.resolve("jail/firecracker").toString();
    notOurs = Set.of(d.resolve("devov"));
    fc = Fcproc.create(scratch.host, new Config(firecrackerBin, "fcbr0", "172.16.0.1", "24", d.resolve("run").toString()));
    restoreLevel = quietFcprocLogs();
    quieted = true;
    System.out.printf("[concurrency/kernel] scratch %s; fake firecracker: %s; %s; library dirs bound from the machine: %s%n",
        d, fake.kind, dev, libraryDirs());
  }

  @AfterEach
  void endEveryFake() throws Exception {
    if (scratch == null) {
      return;
    }
    for (Process p : started) {
      p.destroyForcibly();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("fake pid %d ended", p.pid()).isTrue();
    }
    started.clear();
    assertThat(fakesInProc()).as("processes naming the scratch").isEmpty();
    // A failed test may leave VMs behind: take them away, so the next test starts clean.
    int detached = scratch.detachAllUnder(base);
    int removed = 0;
    try (DirectoryStream<Path> vms = Files.newDirectoryStream(Path.of(base))) {
      for (Path vm : vms) {
        scratch.deleteTree(vm);
        removed++;
      }
    }
    if (detached + removed > 0) {
      System.out.printf("[concurrency/kernel] tidy-up after the test: %d mounts detached, %d VM directories removed%n",
          detached, removed);
    }
  }

  @AfterAll
  static void tearDown() throws Exception {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    if (quieted) {
      setFcprocLevel(restoreLevel);
    }
    if (scratch != null) {
      scratch.close();
      assertThat(scratch.dir).doesNotExist();
      assertThat(scratch.mounts()).noneMatch(m -> m.mountPoint().startsWith(scratch.dir.toString()));
    }
  }

  // ---------------------------------------------------------------- the VMs

  static Path rootfsPath(int i) {
    return scratch.dir.resolve("images/vm" + i + ".ext4");
  }

  static String chroot(int i) {
    return base + "/vm" + i + "/root";
  }

  static String apiSock(int i) {
    return chroot(i) + "/run/api.sock";
  }

  static int uid(Uids uids, int i) {
    return uids == Uids.DISTINCT ? 1000 + i : 1000;
  }

  static ChrootSpec spec(Uids uids, int i) {
    int u = uid(uids, i);
    return new ChrootSpec(chroot(i), u, u, firecrackerBin, kernel, "vmlinux", "", "",
        List.of(new ChrootDriveSpec("rootfs", rootfsPath(i).toString())), vsock);
  }

  static List<String> libraryDirs() {
    List<String> out = new ArrayList<>();
    for (String l : List.of("/usr/lib", "/usr/lib64", "/lib", "/lib64")) {
      Path p = Path.of(l);
      if (Files.isSymbolicLink(p)) {
        out.add(l + " (symlink, replicated)");
      } else if (Files.isDirectory(p)) {
        out.add(l + " (bound read-only)");
      }
    }
    return out;
  }

  /** What one lifecycle saw, with its phases' wall times in ms. */
  record Outcome(int vm, int pid, boolean killed, int exit, long stageMs, long runMs, long cleanupMs) {}

  static Outcome lifecycle(Uids uids, int i) throws Exception {
    int u = uid(uids, i);
    boolean stubborn = i % STUBBORN_EVERY == 0;
    long t0 = System.nanoTime();
    fc.prepareJailerChroot(spec(uids, i));
    long t1 = System.nanoTime();

    TinyFirecracker.Running vm = fake.start(apiSock(i), u, u, stubborn);
    started.add(vm.process);
    fc.ensureSocketAccessFor(apiSock(i), "api socket", DAEMON_UID, DAEMON_UID); // waits for the socket
    vm.awaitReady();
    FileStat sock = scratch.host.lstat(apiSock(i));
    if (!sock.is(FileType.SOCKET) || sock.uid() != DAEMON_UID || sock.gid() != DAEMON_UID || sock.mode() != 0600) {
      throw new AssertionError("vm" + i + ": the socket after the hand-off is " + sock);
    }
    FileStat run = scratch.host.lstat(chroot(i) + "/run");
    if (run.uid() != u) {
      throw new AssertionError("vm" + i + ": run directory " + run + ", expected owner " + u);
    }
    int found = fc.findPid(apiSock(i));
    if (found != vm.pid()) {
      throw new AssertionError("vm" + i + ": findPid " + found + ", expected " + vm.pid());
    }

    fc.sendCtrlAltDel(apiSock(i));
    if (stubborn) {
      try {
        fc.waitForExit(vm.pid(), apiSock(i), Duration.ofMillis(300));
        throw new AssertionError("vm" + i + ": a guest that ignores SendCtrlAltDel exited");
      } catch (ExitTimeoutException expected) {
        // as it should: then SIGKILL
      }
      fc.kill(vm.pid());
    }
    fc.waitForExit(vm.pid(), apiSock(i), Duration.ofSeconds(20));
    if (!vm.process.waitFor(10, TimeUnit.SECONDS)) {
      throw new AssertionError("vm" + i + ": pid " + vm.pid() + " still running after waitForExit");
    }
    int exit = vm.process.exitValue();
    if (exit != (stubborn ? 128 + 9 : 0)) {
      throw new AssertionError("vm" + i + ": exit status " + exit);
    }
    long t2 = System.nanoTime();

    fc.cleanupJailerChroot(chroot(i));
    long t3 = System.nanoTime();
    try {
      scratch.host.lstat(chroot(i));
      throw new AssertionError("vm" + i + ": " + chroot(i) + " still exists after cleanup");
    } catch (HostException e) {
      if (!e.is(Errno.ENOENT)) {
        throw e;
      }
    }
    return new Outcome(i, vm.pid(), stubborn, exit, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
  }

  // ---------------------------------------------------------------- running and checking

  static <T> Map<Integer, Throwable> runAll(ExecutorService pool, List<Callable<T>> tasks, List<T> results, Duration limit)
      throws InterruptedException {
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> t : tasks) {
      futures.add(pool.submit(t));
    }
    Map<Integer, Throwable> failures = new TreeMap<>();
    long deadline = System.nanoTime() + limit.toNanos();
    for (int i = 0; i < futures.size(); i++) {
      try {
        results.add(futures.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (ExecutionException e) {
        failures.put(i, e.getCause());
      } catch (TimeoutException e) {
        String dump = threadDump();
        pool.shutdownNow();
        throw new AssertionError("task " + i + " not done within " + limit + " (deadlock?); threads:\n" + dump);
      }
    }
    return failures;
  }

  static String threadDump() {
    StringBuilder b = new StringBuilder();
    for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      b.append(t);
    }
    return b.toString();
  }

  static String describe(Map<Integer, Throwable> failures) {
    StringBuilder b = new StringBuilder(failures.size() + " failed:");
    int shown = 0;
    for (Map.Entry<Integer, Throwable> e : failures.entrySet()) {
      if (shown++ == 10) {
        b.append("\n  ...");
        break;
      }
      b.append("\n  #").append(e.getKey()).append(": ").append(e.getValue());
      for (Throwable c = e.getValue().getCause(); c != null; c = c.getCause()) {
        b.append("\n      caused by ").append(c);
      }
    }
    return b.toString();
  }

  /** Live processes (zombies aside) whose command line names the scratch, as pid → command line. */
  static Map<Long, String> fakesInProc() throws IOException {
    Map<Long, String> out = new TreeMap<>();
    String needle = scratch.dir.toString();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path p : procs) {
        try {
          String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
          String stat = Files.readString(p.resolve("stat"));
          boolean zombie = stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
          if (cmd.contains(needle) && !zombie) {
            out.put(Long.parseLong(p.getFileName().toString()), cmd.strip());
          }
        } catch (IOException gone) {
          // exited while we looked
        }
      }
    }
    return out;
  }

  record Before(Map<String, String> tree, Set<String> mounts) {}

  static Before before() throws IOException {
    return new Before(scratch.snapshot(notOurs), scratch.mountTable());
  }

  static void assertNothingLeft(Before before, int vms) throws IOException {
    assertThat(scratch.mountsUnder(scratch.dir.resolve("jail").toString())).as("mounts under the jail").isEmpty();
    for (int i = 0; i < vms; i++) {
      assertThat(Path.of(chroot(i))).as("vm%d/root", i).doesNotExist();
      assertThat(scratch.host.lstat(rootfsPath(i).toString()).nlink()).as("link count of %s", rootfsPath(i)).isEqualTo(1);
    }
    assertThat(scratch.host.lstat(kernel).nlink()).as("link count of the kernel").isEqualTo(1);
    for (Process p : started) {
      assertThat(p.isAlive()).as("fake pid %d", p.pid()).isFalse();
    }
    assertThat(fakesInProc()).as("live processes naming the scratch").isEmpty();
    assertThat(scratch.mountTable()).as("the mount table").isEqualTo(before.mounts());

    // Cleanup leaves each emptied vm<i> (staging made it); with them removed, the tmpfs is as before.
    List<String> left = new ArrayList<>();
    try (DirectoryStream<Path> in = Files.newDirectoryStream(Path.of(base))) {
      for (Path vm : in) {
        left.add(vm.getFileName().toString());
        try (DirectoryStream<Path> inside = Files.newDirectoryStream(vm)) {
          assertThat(inside.iterator().hasNext()).as("%s is empty", vm).isFalse();
        }
        Files.delete(scratch.inside(vm));
      }
    }
    assertThat(left).as("what is left in the firecracker base").hasSize(vms).allMatch(n -> n.matches("vm\\d+"));
    assertThat(ConcScratch.diff(before.tree(), scratch.snapshot(notOurs))).as("the scratch tmpfs").isEmpty();
  }

  private static void runLifecycles(String label, Uids uids, int threads, boolean latch) throws Exception {
    Before before = before();
    int mountsBefore = scratch.mounts().size();
    long wallStart = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger ready = new AtomicInteger();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    AtomicLong peakMounts = new AtomicLong();
    List<Callable<Outcome>> tasks = new ArrayList<>();
    for (int i = 0; i < VMS; i++) {
      int vm = i;
      tasks.add(() -> {
        if (latch) {
          ready.incrementAndGet();
          go.await();
        }
        peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
          return lifecycle(uids, vm);
        } finally {
          inFlight.decrementAndGet();
        }
      });
    }
    // A watcher samples the mount table, to report how many mounts the VMs held at once.
    Thread watcher = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          peakMounts.accumulateAndGet(scratch.mounts().size() - mountsBefore, Math::max);
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        } catch (HostException e) {
          // try again
        }
      }
    }, "mount-watcher");
    watcher.setDaemon(true);
    watcher.start();
    List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    Map<Integer, Throwable> failures;
    try {
      if (latch) {
        Thread releaser = new Thread(() -> {
          while (ready.get() < VMS) {
            Thread.onSpinWait();
          }
          go.countDown();
        });
        releaser.start();
      }
      failures = runAll(pool, tasks, outcomes, Duration.ofSeconds(80));
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
      watcher.interrupt();
      watcher.join();
    }
    long wallMs = (System.nanoTime() - wallStart) / 1_000_000;
    long killed = outcomes.stream().filter(Outcome::killed).count();
    System.out.printf("[concurrency/kernel] %s: %d VMs, %d threads%s, uids %s: %d done (%d shut down, %d timed out then killed),"
            + " %d failed; at most %d lifecycles in flight and %d mounts of the VMs at once; per VM (ms, mean/max): stage %s,"
            + " run %s, cleanup %s; wall %d ms%n",
        label, VMS, threads, latch ? " (all released by one latch)" : "", uids, outcomes.size(), outcomes.size() - killed,
        killed, failures.size(), peak.get(), peakMounts.get(), stats(outcomes, Outcome::stageMs), stats(outcomes, Outcome::runMs),
        stats(outcomes, Outcome::cleanupMs), wallMs);

    assertThat(failures).as(describe(failures)).isEmpty();
    assertThat(outcomes).hasSize(VMS);
    assertThat(outcomes.stream().map(Outcome::pid).distinct().count()).as("distinct pids").isEqualTo(VMS);
    assertThat(killed).isEqualTo((VMS + STUBBORN_EVERY - 1) / STUBBORN_EVERY);
    assertThat(peak.get()).as("lifecycles in flight at once").isGreaterThan(1);
    assertNothingLeft(before, VMS);
    assertThat(wallMs).as("wall time, ms").isLessThan(90_000);
  }

  static String stats(List<Outcome> outcomes, java.util.function.ToLongFunction<Outcome> f) {
    if (outcomes.isEmpty()) {
      return "-";
    }
    long sum = 0;
    long max = 0;
    for (Outcome o : outcomes) {
      long v = f.applyAsLong(o);
      sum += v;
      max = Math.max(max, v);
    }
    return (sum / outcomes.size()) + "/" + max;
  }

  @Test
  @Timeout(150)
  void twoHundredLifecyclesOnEightThreadsDistinctUids() throws Exception {
    runLifecycles("pool", Uids.DISTINCT, 8, false);
  }

  @Test
  @Timeout(150)
  void twoHundredLifecyclesOnSixteenThreadsOneSharedUid() throws Exception {
    runLifecycles("pool", Uids.SHARED, 16, false);
  }

  @Test
  @Timeout(150)
  void twoHundredLifecyclesAllStartedTogether() throws Exception {
    runLifecycles("latch", Uids.DISTINCT, VMS, true);
  }

  // ---------------------------------------------------------------- two cleanups of one chroot

  /**
   * Stages one VM's chroot (with its three mounts and, every third round, a run directory and a
   * dead socket in it), then two threads released by one barrier clean it up at once. Both must
   * end well: cleanup reports "already gone" as a success, so both return normally.
   */
  @Test
  @Timeout(150)
  void twoCleanupsOfOneChrootAtOnceBothEndWell() throws Exception {
    Before before = before();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    Map<Integer, Throwable> failures = new TreeMap<>();
    long wallStart = System.nanoTime();
    int rounds = 0;
    try {
      for (int round = 0; round < DOUBLE_CLEANUPS; round++) {
        rounds++;
        Uids uids = round % 2 == 0 ? Uids.DISTINCT : Uids.SHARED;
        fc.prepareJailerChroot(spec(uids, 0));
        if (round % 3 == 0) {
          TinyFirecracker.Running vm = fake.start(apiSock(0), uid(uids, 0), uid(uids, 0), false);
          started.add(vm.process);
          vm.awaitReady();
          fc.sendCtrlAltDel(apiSock(0));
          assertThat(vm.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        CyclicBarrier barrier = new CyclicBarrier(2);
        List<Callable<String>> both = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
          both.add(() -> {
            barrier.await(10, TimeUnit.SECONDS);
            fc.cleanupJailerChroot(chroot(0));
            return "ok";
          });
        }
        List<String> results = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, Throwable> f = runAll(pool, both, results, Duration.ofSeconds(30));
        results.forEach(r -> outcomes.computeIfAbsent(r, x -> new AtomicInteger()).incrementAndGet());
        int r0 = round;
        f.forEach((k, e) -> {
          failures.put(r0 * 2 + k, e);
          outcomes.computeIfAbsent(e.getClass().getSimpleName(), x -> new AtomicInteger()).incrementAndGet();
        });
        if (!f.isEmpty()) {
          // Finish the job (a third, lone cleanup) so the next round starts from a clean jail.
          fc.cleanupJailerChroot(chroot(0));
        }
        assertThat(Path.of(chroot(0))).as("round %d: vm0/root after the cleanups", round).doesNotExist();
        assertThat(scratch.mountsUnder(base)).as("round %d: mounts under the jail", round).isEmpty();
      }
    } finally {
      pool.shutdownNow();
      long wallMs = (System.nanoTime() - wallStart) / 1_000_000;
      System.out.printf("[concurrency/kernel] two cleanups of one chroot at once: %d rounds, outcomes %s; wall %d ms%n",
          rounds, outcomes, wallMs);
      failures.entrySet().stream().limit(5).forEach(e -> {
        System.out.println("[concurrency/kernel]   cleanup #" + e.getKey() + " (round " + e.getKey() / 2 + "): " + e.getValue());
        for (Throwable c = e.getValue().getCause(); c != null; c = c.getCause()) {
          System.out.println("[concurrency/kernel]     caused by " + c);
        }
      });
    }
    assertThat(failures).as(describe(failures)).isEmpty();
    assertNothingLeft(before, 1);
  }

  /**
   * The losing interleaving of {@link #twoCleanupsOfOneChrootAtOnceBothEndWell}, made
   * deterministic: cleanup A runs on a host that, when A is about to list {@code <root>/dev}
   * (a directory A has opened and checked), first lets a second cleanup B run to the end. B
   * removes everything, {@code dev} included; A's {@code getdents64} on the now-removed directory
   * gets ENOENT from the kernel (a dead directory cannot be listed). A must end well — the
   * chroot is gone, as the seed's "ENOENT = already gone" says — not fail.
   */
  @Test
  void aCleanupWhoseDirectoryIsRemovedByAParallelCleanupWhileItListsItEndsWell() throws Exception {
    Before before = before();
    fc.prepareJailerChroot(spec(Uids.DISTINCT, 0));
    AtomicInteger fired = new AtomicInteger();
    org.fcproc.host.HostOps racing = (org.fcproc.host.HostOps) java.lang.reflect.Proxy.newProxyInstance(
        org.fcproc.host.HostOps.class.getClassLoader(), new Class<?>[] {org.fcproc.host.HostOps.class},
        (proxy, method, args) -> {
          if (method.getName().equals("readDir") && ((org.fcproc.host.Handle) args[0]).path().endsWith("/root/dev")
              && fired.getAndIncrement() == 0) {
            fc.cleanupJailerChroot(chroot(0)); // cleanup B, all of it, in between two calls of A
          }
          try {
            return method.invoke(scratch.host, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    Fcproc a = Fcproc.create(racing, new Config(firecrackerBin, "fcbr0", "172.16.0.1", "24", "/run/fcproc"));
    Throwable thrown = null;
    try {
      a.cleanupJailerChroot(chroot(0));
    } catch (Exception e) {
      thrown = e;
      System.out.println("[concurrency/kernel] cleanup A, overtaken by cleanup B while listing root/dev: " + e
          + (e.getCause() == null ? "" : " (caused by " + e.getCause() + ")"));
    }
    assertThat(fired.get()).as("cleanup B ran in between").isGreaterThan(0);
    assertThat(Path.of(chroot(0))).doesNotExist();
    assertThat(thrown).as("cleanup A's outcome").isNull();
    assertNothingLeft(before, 1);
  }

  /** The kernel fact behind it: {@code getdents64} on a removed directory, through a handle still open, is ENOENT. */
  @Test
  void listingARemovedDirectoryIsEnoent() throws Exception {
    Path d = scratch.dir.resolve("jail/firecracker/gone");
    scratch.mkdir(d, 0755, 0, 0);
    try (org.fcproc.host.Handle parent = scratch.host.open(base, org.fcproc.host.OpenHow.directoryNoFollow());
        org.fcproc.host.Handle sub = scratch.host.openAt(parent, "gone", org.fcproc.host.OpenHow.directoryNoFollow())) {
      assertThat(scratch.host.readDir(sub)).isEmpty();
      scratch.host.unlinkAt(parent, "gone", true);
      assertThat(scratch.host.fstat(sub).nlink()).isZero();
      HostException e = org.junit.jupiter.api.Assertions.assertThrows(HostException.class, () -> scratch.host.readDir(sub));
      assertThat(e.errno()).isEqualTo(Errno.ENOENT);
    }
  }

  // ---------------------------------------------------------------- logs

  /** 200 VMs log thousands of INFO lines; keep WARN and above for the run (Logback, by reflection). */
  private static String quietFcprocLogs() {
    try {
      Object logger = org.slf4j.LoggerFactory.getLogger("org.fcproc");
      Object level = logger.getClass().getMethod("getLevel").invoke(logger);
      setFcprocLevel("WARN");
      return level == null ? null : level.toString();
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  private static void setFcprocLevel(String name) {
    try {
      Object logger = org.slf4j.LoggerFactory.getLogger("org.fcproc");
      Class<?> level = Class.forName("ch.qos.logback.classic.Level");
      Object value = name == null ? null : level.getMethod("toLevel", String.class).invoke(null, name);
      logger.getClass().getMethod("setLevel", level).invoke(logger, value);
    } catch (ReflectiveOperationException e) {
      // not Logback: leave the level as it is
    }
  }
}
