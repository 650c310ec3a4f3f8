package org.fcproc.sim.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.fcproc.ChrootDriveSpec;
import org.fcproc.ChrootSpec;
import org.fcproc.Config;
import org.fcproc.ExitTimeoutException;
import org.fcproc.Fcproc;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.Errno;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.OpenHow;
import org.fcproc.host.ProcessInfo;
import org.fcproc.sim.GuestBehaviour;
import org.fcproc.sim.MountView;
import org.fcproc.sim.SimHost;
import org.fcproc.sim.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lifecycle robustness, item 4, on the simulated host: 200 VM lifecycles at once, from a pool of
 * threads sharing one {@link SimHost} (thread-safe through its one lock) and one {@link Fcproc}.
 *
 * <p>Each lifecycle: stage the VM's jailer chroot ({@code /srv/jail/firecracker/vm<i>/root}:
 * kernel and rootfs hard-linked, vhost-vsock, the firecracker copy, the self-bind and the
 * read-only library binds); start its fake firecracker as the VM's uid, serving the API socket
 * {@code <chroot>/run/api.sock} in a {@code run} directory owned by that uid; hand the socket to
 * the daemon's uid; find the pid (the socket's listener); {@code SendCtrlAltDel} and wait for the
 * exit — or, for one VM in five, whose guest ignores the request, see the wait time out and
 * {@code kill}; then clean up. Afterwards: no mount under the jail, no {@code vm<i>/root}, link
 * counts of the kernel and rootfs back to 1, no process, and — once the test removes the emptied
 * {@code vm<i>} directories staging made and cleanup leaves — the whole host exactly as before
 * (snapshot diff, mount table included).
 *
 * <p>And two cleanups of one chroot at once, 200 times: both end well (success, or "already
 * gone", which cleanup reports as success), and nothing is left.
 *
 * <p>The virtual clock is shared: every thread's 100 ms poll advances it for all, so the waits
 * cost virtual seconds, not wall time; each test prints its wall and virtual durations.
 */
class ConcurrentLifecyclesSimTest {
  static final int VMS = Integer.getInteger("fcproc.conc.vms", 200);
  static final int STUBBORN_EVERY = 5;
  static final int DAEMON_UID = 999;
  static final String JAIL = "/srv/jail";
  static final String BASE = JAIL + "/firecracker";
  static final String KERNEL = "/var/lib/fcproc/images/vmlinux";
  static final Config CONFIG = new Config("/usr/bin/firecracker", "fcbr0", "172.16.0.1", "24", "/run/fcproc");

  enum Uids {
    /** uid:gid 1000+i for VM i. */
    DISTINCT,
    /** every VM as 1000:1000. */
    SHARED
  }

  static String chroot(int i) {
    return BASE + "/vm" + i + "/root";
  }

  static String rootfs(int i) {
    return "/var/lib/fcproc/vms/vm" + i + "/rootfs.ext4";
  }

  static String apiSock(int i) {
    return chroot(i) + "/run/api.sock";
  }

  static int uid(Uids uids, int i) {
    return uids == Uids.DISTINCT ? 1000 + i : 1000;
  }

  static ChrootSpec spec(Uids uids, int i) {
    int u = uid(uids, i);
    return new ChrootSpec(chroot(i), u, u, "/usr/bin/firecracker", KERNEL, "vmlinux", "", "",
        List.of(new ChrootDriveSpec("rootfs", rootfs(i))), true);
  }

  /**
   * The host before any VM: the jail base and firecracker base already 0711 (the mode staging
   * sets), kernel and rootfs world-readable (staging never chowns them), so a full lifecycle
   * leaves nothing but the emptied {@code vm<i>} directories.
   */
  static SimHost host(int vms) {
    SimHost h = SimHost.create();
    h.mkdirs("/etc");
    h.writeFile("/etc/shadow", "root:$6$not-a-real-hash:19000:0:99999:7:::\n", 0640, 0, 42);
    h.writeFile("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n", 0644, 0, 0);
    h.mkdirs("/dev");
    h.mknod("/dev/vhost-vsock", FileType.CHAR_DEVICE, 0666, new DeviceNumber(10, 241), 0, 0);
    h.mkdirs("/usr/bin");
    h.writeFile("/usr/bin/firecracker", "\u007fELF fake firecracker\n", 0755, 0, 0);
    h.mkdirs("/usr/lib");
    h.writeFile("/usr/lib/libc.so.6", "\u007fELF libc\n", 0755, 0, 0);
    h.mkdirs("/usr/lib64");
    h.writeFile("/usr/lib64/ld-linux-x86-64.so.2", "\u007fELF ld.so\n", 0755, 0, 0);
    h.symlink("/lib", "usr/lib");
    h.symlink("/lib64", "usr/lib64");
    h.mkdirs("/var/lib/fcproc/images");
    h.writeFile(KERNEL, "fake kernel image\n", 0644, 0, 0);
    for (int i = 0; i < vms; i++) {
      h.mkdirs("/var/lib/fcproc/vms/vm" + i);
      h.writeFile(rootfs(i), "fake rootfs of vm" + i + "\n", 0644, 0, 0);
    }
    h.mkdirs("/run/fcproc", 0711, 0, 0);
    h.mkdirs(JAIL, 0711, 0, 0);
    h.mkdirs(BASE, 0711, 0, 0);
    h.mkdirs("/tmp", 01777, 0, 0);
    return h;
  }

  /** What one lifecycle saw. */
  record Outcome(int vm, int pid, boolean killed, boolean timedOut) {}

  /** One VM, start to end. Throws on anything unexpected (the caller records it by VM). */
  static Outcome lifecycle(SimHost h, Fcproc fc, Uids uids, int i) throws Exception {
    int u = uid(uids, i);
    boolean stubborn = i % STUBBORN_EVERY == 0;
    fc.prepareJailerChroot(spec(uids, i));

    // What the jailer and firecracker do: the run directory, as the VM's uid, and the socket.
    h.mkdirs(chroot(i) + "/run", 0755, u, u);
    int pid = h.spawnFirecracker(apiSock(i),
        stubborn ? GuestBehaviour.IGNORES_CTRL_ALT_DEL : GuestBehaviour.OBEYS_CTRL_ALT_DEL, u, u);

    fc.ensureSocketAccessFor(apiSock(i), "api socket", DAEMON_UID, DAEMON_UID);
    FileStat sock = h.inspect(apiSock(i)).orElseThrow(() -> new AssertionError("vm" + i + ": socket gone after hand-off"));
    if (sock.uid() != DAEMON_UID || sock.gid() != DAEMON_UID || sock.mode() != 0600 || !sock.is(FileType.SOCKET)) {
      throw new AssertionError("vm" + i + ": socket after hand-off is " + sock);
    }
    int found = fc.findPid(apiSock(i));
    if (found != pid) {
      throw new AssertionError("vm" + i + ": findPid " + found + ", expected " + pid);
    }

    fc.sendCtrlAltDel(apiSock(i));
    boolean timedOut = false;
    if (stubborn) {
      try {
        fc.waitForExit(pid, apiSock(i), Duration.ofSeconds(1));
        throw new AssertionError("vm" + i + ": a guest that ignores SendCtrlAltDel exited");
      } catch (ExitTimeoutException expected) {
        timedOut = true;
      }
      fc.kill(pid);
    }
    fc.waitForExit(pid, apiSock(i), Duration.ofSeconds(30));
    if (h.isRunning(pid)) {
      throw new AssertionError("vm" + i + ": pid " + pid + " still running after waitForExit");
    }

    fc.cleanupJailerChroot(chroot(i));
    if (h.exists(chroot(i))) {
      throw new AssertionError("vm" + i + ": " + chroot(i) + " still exists after cleanup");
    }
    return new Outcome(i, pid, stubborn, timedOut);
  }

  /** Runs the tasks, waits (a deadlock fails the test with every thread's stack), returns failures. */
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
      } catch (java.util.concurrent.ExecutionException e) {
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

  /** The end state every lifecycle test checks. */
  static void assertNothingLeft(SimHost h, Snapshot before, List<ProcessInfo> processesBefore, int vms) {
    List<MountView> underJail = h.mounts().stream()
        .filter(m -> m.mountPoint().equals(JAIL) || m.mountPoint().startsWith(JAIL + "/")).toList();
    assertThat(underJail).as("mounts under the jail").isEmpty();
    for (int i = 0; i < vms; i++) {
      assertThat(h.exists(chroot(i))).as("vm%d/root", i).isFalse();
      assertThat(h.inspect(rootfs(i)).orElseThrow().nlink()).as("link count of %s", rootfs(i)).isEqualTo(1);
    }
    assertThat(h.inspect(KERNEL).orElseThrow().nlink()).as("link count of the kernel").isEqualTo(1);
    assertThat(h.processes()).as("processes").isEqualTo(processesBefore);

    // Cleanup leaves the per-VM directory (staging made it; the sweep removes it with rmdir):
    // each must be empty, and with them removed the host is exactly as before.
    assertThat(h.list(BASE)).as("what is left in the firecracker base").hasSize(vms)
        .allSatisfy(name -> assertThat(name).matches("vm\\d+"));
    for (int i = 0; i < vms; i++) {
      assertThat(h.list(BASE + "/vm" + i)).as("vm%d", i).isEmpty();
      h.remove(BASE + "/vm" + i);
    }
    assertThat(before.diff(h.snapshot())).as("the host, outside what staging documents").isEmpty();
  }

  private static void runLifecycles(String label, Uids uids, int threads, boolean latch) throws Exception {
    SimHost h = host(VMS);
    Fcproc fc = Fcproc.create(yielding(h), CONFIG);
    Snapshot before = h.snapshot();
    List<ProcessInfo> processesBefore = h.processes();
    long virtualStart = h.nanoTime();
    long wallStart = System.nanoTime();

    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger ready = new AtomicInteger();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    Switches switches = Switches.on(h);
    List<Callable<Outcome>> tasks = new ArrayList<>();
    for (int i = 0; i < VMS; i++) {
      int vm = i;
      tasks.add(() -> {
        if (latch) {
          ready.incrementAndGet();
          go.await();
        }
        int now = inFlight.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
        try {
          return lifecycle(h, fc, uids, vm);
        } finally {
          inFlight.decrementAndGet();
        }
      });
    }
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
      failures = runAll(pool, tasks, outcomes, Duration.ofSeconds(60));
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
    h.clearHooks();
    long wallMs = (System.nanoTime() - wallStart) / 1_000_000;
    long virtualMs = (h.nanoTime() - virtualStart) / 1_000_000;
    long killed = outcomes.stream().filter(Outcome::killed).count();
    long timedOut = outcomes.stream().filter(Outcome::timedOut).count();
    System.out.printf("[concurrency/sim] %s: %d VMs, %d threads%s, uids %s: %d done (%d shut down, %d timed out then killed),"
            + " %d failed; at most %d lifecycles in flight at once, %d host calls journaled, %d switches between threads"
            + " from one host call to the next; wall %d ms, virtual %d ms%n",
        label, VMS, threads, latch ? " (all released by one latch)" : "", uids, outcomes.size(), outcomes.size() - killed,
        timedOut, failures.size(), peak.get(), h.journal().size(), switches.count(), wallMs, virtualMs);

    assertThat(failures).as(describe(failures)).isEmpty();
    assertThat(outcomes).hasSize(VMS);
    assertThat(outcomes.stream().map(Outcome::pid).distinct().count()).as("distinct pids").isEqualTo(VMS);
    assertThat(peak.get()).as("lifecycles in flight at once").isGreaterThan(1);
    assertThat(switches.count()).as("thread switches between host calls").isGreaterThan(VMS);
    assertThat(killed).isEqualTo((VMS + STUBBORN_EVERY - 1) / STUBBORN_EVERY);
    assertNothingLeft(h, before, processesBefore, VMS);
    assertThat(wallMs).as("wall time, ms").isLessThan(20_000);
  }

  @Test
  @Timeout(120)
  void twoHundredLifecyclesOnEightThreadsDistinctUids() throws Exception {
    runLifecycles("pool", Uids.DISTINCT, 8, false);
  }

  @Test
  @Timeout(120)
  void twoHundredLifecyclesOnSixteenThreadsOneSharedUid() throws Exception {
    runLifecycles("pool", Uids.SHARED, 16, false);
  }

  @Test
  @Timeout(120)
  void twoHundredLifecyclesAllStartedTogether() throws Exception {
    runLifecycles("latch", Uids.DISTINCT, VMS, true);
  }

  /** The same checks see a lifecycle that is not finished: the test's own negative control. */
  @Test
  void theEndChecksSeeAVmLeftBehind() throws Exception {
    SimHost h = host(1);
    Fcproc fc = Fcproc.create(h, CONFIG);
    Snapshot before = h.snapshot();
    List<ProcessInfo> processesBefore = h.processes();
    fc.prepareJailerChroot(spec(Uids.DISTINCT, 0));
    assertThatThrownBy(() -> assertNothingLeft(h, before, processesBefore, 1)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("mounts under the jail");
    fc.cleanupJailerChroot(chroot(0));
    h.mkdirs(chroot(0) + "/run", 0755, 1000, 1000);
    int pid = h.spawnFirecracker(apiSock(0), GuestBehaviour.IGNORES_CTRL_ALT_DEL, 1000, 1000);
    assertThatThrownBy(() -> assertNothingLeft(h, before, processesBefore, 1)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("vm0/root");
    h.exit(pid);
  }

  /**
   * The host as {@link Fcproc} sees it, with {@link Thread#yield()} before every call (and, one
   * call in four, a pause of 1-20 µs instead), outside
   * the simulator's lock: the lock is not fair, so without it a thread tends to keep the host
   * for long stretches and the threads interleave rarely. Handles and connections pass through
   * unchanged; exceptions are rethrown as the host threw them.
   */
  static HostOps yielding(HostOps host) {
    InvocationHandler h = (proxy, method, args) -> {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      if (r.nextInt(4) == 0) {
        LockSupport.parkNanos(r.nextInt(1_000, 20_000));
      } else {
        Thread.yield();
      }
      try {
        return method.invoke(host, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (HostOps) Proxy.newProxyInstance(HostOps.class.getClassLoader(), new Class<?>[] {HostOps.class}, h);
  }

  /**
   * Counts how often the thread making a host call differs from the one that made the call before
   * (a hook on every top-level call, run under the host's lock): evidence that the threads really
   * interleave at host-call granularity, not one whole lifecycle after another.
   */
  static final class Switches {
    private long last = -1;
    private long count;

    static Switches on(SimHost h) {
      Switches s = new Switches();
      h.beforeEachCall(call -> s.saw(Thread.currentThread().getId()));
      return s;
    }

    private synchronized void saw(long thread) {
      if (last != -1 && thread != last) {
        count++;
      }
      last = thread;
    }

    synchronized long count() {
      return count;
    }
  }

  // ---------------------------------------------------------------- two cleanups of one chroot

  /**
   * The losing interleaving of two cleanups, made deterministic: cleanup A, when about to list
   * {@code <root>/dev} (a directory it opened and checked), is overtaken by a whole cleanup B,
   * which removes {@code dev}. A must end well, and nothing be left. (On Linux A's listing of the
   * removed directory gets ENOENT — see {@link #listingARemovedDirectoryIsEnoentAsOnLinux()}; the
   * kernel test of the same name shows what A does then.)
   */
  @Test
  void aCleanupWhoseDirectoryIsRemovedByAParallelCleanupWhileItListsItEndsWell() throws Exception {
    SimHost h = host(1);
    Fcproc b = Fcproc.create(h, CONFIG);
    Snapshot before = h.snapshot();
    List<ProcessInfo> processesBefore = h.processes();
    b.prepareJailerChroot(spec(Uids.DISTINCT, 0));
    AtomicInteger fired = new AtomicInteger();
    HostOps racing = (HostOps) Proxy.newProxyInstance(HostOps.class.getClassLoader(), new Class<?>[] {HostOps.class},
        (proxy, method, args) -> {
          if (method.getName().equals("readDir") && ((Handle) args[0]).path().endsWith("/root/dev")
              && fired.getAndIncrement() == 0) {
            b.cleanupJailerChroot(chroot(0));
          }
          try {
            return method.invoke(h, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    Fcproc.create(racing, CONFIG).cleanupJailerChroot(chroot(0));
    assertThat(fired.get()).as("cleanup B ran in between").isGreaterThan(0);
    assertNothingLeft(h, before, processesBefore, 1);
  }

  /**
   * The Linux fact behind the kernel's failures of the two-cleanups test: {@code getdents64} on
   * a directory that has been removed (its handle still open) fails with ENOENT
   * ({@code iterate_dir}: {@code IS_DEADDIR}). The simulator must agree for its runs of cleanup
   * to meet what the kernel's meet.
   */
  @Test
  void listingARemovedDirectoryIsEnoentAsOnLinux() throws Exception {
    SimHost h = SimHost.create();
    h.mkdirs("/srv/d/sub");
    try (Handle parent = h.open("/srv/d", OpenHow.directoryNoFollow());
        Handle sub = h.openAt(parent, "sub", OpenHow.directoryNoFollow())) {
      assertThat(h.readDir(sub)).isEmpty();
      h.unlinkAt(parent, "sub", true);
      assertThat(h.fstat(sub).nlink()).isZero();
      assertThatThrownBy(() -> h.readDir(sub)).isInstanceOfSatisfying(HostException.class,
          e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
    }
  }

  @Test
  @Timeout(120)
  void twoCleanupsOfOneChrootAtOnceBothEndWell() throws Exception {
    int rounds = Integer.getInteger("fcproc.conc.doubleCleanups", 200);
    SimHost h = host(1);
    Fcproc fc = Fcproc.create(yielding(h), CONFIG);
    Snapshot before = h.snapshot();
    List<ProcessInfo> processesBefore = h.processes();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    Map<Integer, Throwable> failures = new TreeMap<>();
    long wallStart = System.nanoTime();
    int interleaved = 0;
    try {
      for (int round = 0; round < rounds; round++) {
        // Alternate the VM's uid and whether its run directory and a dead socket are left in it.
        Uids uids = round % 2 == 0 ? Uids.DISTINCT : Uids.SHARED;
        fc.prepareJailerChroot(spec(uids, 0));
        if (round % 3 == 0) {
          h.mkdirs(chroot(0) + "/run", 0755, uid(uids, 0), uid(uids, 0));
          h.socket(apiSock(0), uid(uids, 0), uid(uids, 0), 0600);
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
        Switches switches = Switches.on(h);
        Map<Integer, Throwable> f = runAll(pool, both, results, Duration.ofSeconds(30));
        h.clearHooks();
        if (switches.count() > 1) {
          interleaved++;
        }
        results.forEach(r -> outcomes.computeIfAbsent(r, k -> new AtomicInteger()).incrementAndGet());
        int r0 = round;
        f.forEach((k, e) -> {
          failures.put(r0 * 2 + k, e);
          outcomes.computeIfAbsent(e.getClass().getSimpleName(), x -> new AtomicInteger()).incrementAndGet();
        });
        assertThat(h.exists(chroot(0))).as("round %d: vm0/root after both cleanups", round).isFalse();
      }
    } finally {
      pool.shutdownNow();
    }
    long wallMs = (System.nanoTime() - wallStart) / 1_000_000;
    System.out.printf("[concurrency/sim] two cleanups of one chroot at once: %d rounds (%d with the two cleanups'"
            + " host calls interleaved), outcomes %s; wall %d ms%n", rounds, interleaved, outcomes, wallMs);
    assertThat(failures).as(describe(failures)).isEmpty();
    assertThat(interleaved).as("rounds where the two cleanups interleaved").isGreaterThan(0);
    assertNothingLeft(h, before, processesBefore, 1);
  }
}
