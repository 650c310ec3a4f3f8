package org.fcproc.sim.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fcproc.sim.explore.Fixtures.AREA;
import static org.fcproc.sim.explore.Fixtures.CHROOT;
import static org.fcproc.sim.explore.Fixtures.KERNEL;
import static org.fcproc.sim.explore.Fixtures.ROOTFS;
import static org.fcproc.sim.explore.Fixtures.VM;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.FileType;
import org.fcproc.host.MountFlag;
import org.fcproc.sim.GuestBehaviour;
import org.fcproc.sim.MountView;
import org.fcproc.sim.SimHost;
import org.fcproc.sim.Snapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Exhaustive exploration of fcproc's jail cleanup, staging and socket hand-off on the simulated
 * host: every move in every gap, every call failing in turn, no violation. Prints each
 * exploration's counts and rate, and the total.
 */
class ExplorerTest {
  private static final Object LOCK = new Object();
  private static int totalRuns;
  private static double totalSeconds;

  /** Explores, prints counts and rates, and returns the report. */
  static ExplorationReport explore(Target t) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long wall0 = System.nanoTime();
    ExplorationReport r = Explorer.explore(t);
    double seconds = (System.nanoTime() - wall0) / 1e9;
    // The single-thread rate, measured in this thread's CPU time (free of other load on the machine).
    long cpu0 = mx.getCurrentThreadCpuTime();
    int sample = Math.min(r.runs(), 150);
    Explorer.random(t, 1, sample - 1, 1);
    double cpuSeconds = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
    System.out.printf("%-26s %5d runs (%d distinct) in %5.2f s wall = %5.0f runs/s on %d threads; %4.0f us CPU/run single-threaded;"
            + " K=%d, moves made %d, refused %d, faults injected %d, succeeded %d, failed %d, violations %d%n",
        t.name(), r.runs(), r.distinctSchedules(), seconds, r.runs() / seconds, Explorer.defaultThreads(), cpuSeconds * 1e6 / sample,
        r.operationCalls(), r.movesMade(), r.movesRefused(), r.faultsInjected(), r.succeeded(), r.failed(), r.violations().size());
    if (!r.clean()) {
      System.out.println(r.render());
    }
    synchronized (LOCK) {
      totalRuns += r.runs();
      totalSeconds += seconds;
    }
    return r;
  }

  @AfterAll
  static void summary() {
    System.out.printf("explorer: %d runs in %.2f s wall, %.0f runs/s%n", totalRuns, totalSeconds, totalRuns / totalSeconds);
    assertThat(totalRuns).as("runs across the exhaustive explorations").isGreaterThanOrEqualTo(5000);
  }

  static String ino(String description) {
    int at = description.indexOf(" ino=") + 5;
    int end = description.indexOf(' ', at);
    return end < 0 ? description.substring(at) : description.substring(at, end);
  }

  // ---------------------------------------------------------------- cleanup

  /**
   * After a successful cleanup: no mount at or under the chroot, and the chroot's path no longer
   * names the staged chroot. (What the adversary carried out of the chroot into the rest of its
   * directory — the device node, say — is its own; cleanup removes the chroot, not the VM's
   * directory. An emptied chroot directory may survive under a name the adversary gave it: see
   * {@link #findingAnEmptiedChrootCanSurviveASuccessfulCleanup}.)
   */
  static final Postcondition CLEANED = (SimHost host, Snapshot before) -> {
    for (MountView m : host.mounts()) {
      assertThat(Paths.atOrUnder(m.mountPoint(), CHROOT)).as("mount %s left at %s", m.id(), m.mountPoint()).isFalse();
    }
    String after = host.snapshot().files().get(CHROOT);
    assertThat(after == null || !ino(after).equals(ino(before.files().get(CHROOT)))).as("the staged chroot is still at its path").isTrue();
  };

  /** Strict: the chroot's directory inode itself is gone. */
  static final Postcondition CHROOT_DIRECTORY_GONE = (SimHost host, Snapshot before) -> {
    String chrootIno = ino(before.files().get(CHROOT));
    host.snapshot().files().forEach((p, d) ->
        assertThat(ino(d)).as("the chroot's directory survives, emptied, at %s", p).isNotEqualTo(chrootIno));
  };

  static List<Move> cleanupMoves() {
    return List.of(
        new Move.SwapForSymlink(AREA, "/"),
        new Move.SwapForSymlink(CHROOT, "/etc"),
        new Move.SwapForSymlink(CHROOT + "/usr", "/etc"),
        new Move.SwapForSymlink(CHROOT + "/dev", "/dev"),
        new Move.SwapForSymlink(CHROOT + "/usr/lib", "/usr/lib"),
        new Move.PlantSymlink(CHROOT + "/vmlinux", "/etc/shadow"),
        new Move.PlantSymlink(CHROOT + "/x", "/"),
        new Move.PlantHardLink(CHROOT + "/x", "/etc/shadow"),
        new Move.PlantHardLink(CHROOT + "/dev/y", "/usr/lib/libc.so.6"),
        new Move.PlantFifo(CHROOT + "/dev/vhost-vsock"),
        new Move.PlantDevice(CHROOT + "/dev/sda", FileType.BLOCK_DEVICE, new DeviceNumber(8, 0)),
        new Move.PlantFile(CHROOT + "/usr/lib/evil"),
        new Move.BindMount("/etc", CHROOT + "/usr/lib"),
        new Move.BindMount("/", CHROOT + "/dev"),
        new Move.RemoveDirectory(CHROOT + "/usr"),
        new Move.Exchange(CHROOT, AREA + "/decoy"),
        new Move.Exchange(CHROOT + "/dev", AREA + "/decoy"));
  }

  static SimHost stagedWithDecoy() {
    SimHost h = Fixtures.staged();
    h.mkdirs(AREA + "/decoy", 0755, VM, VM);
    return h;
  }

  static Target cleanup(String name, Supplier<SimHost> host, Postcondition post, List<Move> moves) {
    return Target.builder(name)
        .host(host)
        .operation(ExploredOperation.fcproc(Fixtures.CONFIG, f -> f.cleanupJailerChroot(CHROOT)))
        .vmArea(AREA)
        .chroot(CHROOT)
        .documented(KERNEL, ROOTFS)
        .postcondition(post)
        .moves(moves)
        .build();
  }

  @Test
  void cleanupKeepsTheJailInvariantUnderEveryMoveAndFault() {
    ExplorationReport r = explore(cleanup("cleanup", ExplorerTest::stagedWithDecoy, CLEANED, cleanupMoves()));
    assertThat(r.violations()).as(r.render()).isEmpty();
    assertThat(r.movesMade()).isPositive();
    assertThat(r.movesRefused()).isPositive();
    assertThat(r.faultsInjected()).isPositive();
    assertThat(r.runs()).isEqualTo(1 + cleanupMoves().size() * (r.operationCalls() + 1) + r.faultsInjected());
  }

  /** With {@code fs.protected_hardlinks=0} the adversary can link host files into the chroot
   *  (catalogue C14): cleanup removes the links and leaves the files. */
  @Test
  void cleanupWithoutProtectedHardlinks() {
    ExplorationReport r = explore(cleanup("cleanup, hardlinks open", () -> {
      SimHost h = stagedWithDecoy();
      h.setProtectedHardlinks(false);
      return h;
    }, CLEANED, cleanupMoves()));
    assertThat(r.violations()).as(r.render()).isEmpty();
  }

  /**
   * Was finding F5: the adversary exchanges the chroot with a directory of its own after cleanup
   * opened it; cleanup emptied the real chroot through its handle, then removed the <em>name</em>
   * — the decoy — and reported success while the emptied chroot survived under the decoy's name.
   * Cleanup now checks the name still is the chroot before the last rmdir, and refuses if not:
   * it never reports success with the chroot's directory left behind.
   */
  @Test
  void cleanupNeverReportsSuccessWhileTheChrootDirectorySurvives() {
    ExplorationReport r = explore(cleanup("cleanup, strict", ExplorerTest::stagedWithDecoy, CHROOT_DIRECTORY_GONE,
        List.of(new Move.Exchange(CHROOT, AREA + "/decoy"), new Move.SwapForSymlink(CHROOT, "/"))));
    assertThat(r.violations()).as(r.render()).isEmpty();
  }

  // ---------------------------------------------------------------- staging

  /** After a successful staging: the self-bind of the chroot, private; any library bind at or
   *  under the chroot read-only and private. */
  static final Postcondition STAGED = (SimHost host, Snapshot before) -> {
    List<MountView> ours = host.mounts().stream().filter(m -> Paths.atOrUnder(m.mountPoint(), CHROOT)).toList();
    assertThat(ours).as("the chroot's mounts").anySatisfy(m -> assertThat(m.root()).isEqualTo(CHROOT));
    assertThat(ours).allSatisfy(m -> assertThat(m.propagation()).isEqualTo(org.fcproc.host.Propagation.PRIVATE));
    assertThat(ours).filteredOn(m -> m.root().startsWith("/usr/lib")).as("library binds")
        .allSatisfy(m -> assertThat(m.has(MountFlag.READ_ONLY)).isTrue());
  };

  /** Strict: both library directories bound read-only. */
  static final Postcondition STAGED_WITH_LIBRARIES = (SimHost host, Snapshot before) -> {
    STAGED.check(host, before);
    List<MountView> ours = host.mounts().stream().filter(m -> Paths.atOrUnder(m.mountPoint(), CHROOT)).toList();
    for (String lib : List.of("/usr/lib", "/usr/lib64")) {
      assertThat(ours).as("a read-only bind of %s", lib)
          .anySatisfy(m -> assertThat(m.root().equals(lib) && m.has(MountFlag.READ_ONLY)).isTrue());
    }
  };

  /**
   * The adversary's moves against staging. The bind mounts, the chroot swapped for a symlink and
   * the chroot exchanged with a decoy were findings F1–F3 of the first exploration (staging
   * chmod-ed a mount stacked on the chroot, left its self-bind on a renamed chroot, remounted a
   * mount stacked on a library bind instead of the bind); staging now withstands them.
   */
  static List<Move> stagingMoves() {
    return List.of(
        new Move.SwapForSymlink(AREA, "/"),
        new Move.SwapForSymlink(CHROOT, "/"),
        new Move.Exchange(CHROOT, AREA + "/decoy"),
        new Move.BindMount("/etc", CHROOT),
        new Move.BindMount("/etc", CHROOT + "/dev"),
        new Move.BindMount("/etc", CHROOT + "/usr/lib"),
        new Move.SwapForSymlink(CHROOT + "/usr", "/etc"),
        new Move.SwapForSymlink(CHROOT + "/dev", "/dev"),
        new Move.SwapForSymlink(CHROOT + "/dev", "/etc"),
        new Move.PlantSymlink(CHROOT, "/"),
        new Move.PlantSymlink(CHROOT + "/vmlinux", "/etc/shadow"),
        new Move.PlantSymlink(CHROOT + "/firecracker", "/etc/passwd"),
        new Move.PlantSymlink(CHROOT + "/rootfs", "/etc/shadow"),
        new Move.PlantSymlink(CHROOT + "/lib", "/"),
        new Move.PlantSymlink(CHROOT + "/dev/vhost-vsock", "/etc/shadow"),
        new Move.PlantHardLink(CHROOT + "/x", "/etc/shadow"),
        new Move.PlantFifo(CHROOT + "/dev/vhost-vsock"),
        new Move.PlantFile(CHROOT + "/usr"),
        new Move.RemoveDirectory(CHROOT + "/usr"),
        new Move.Exchange(CHROOT + "/dev", AREA + "/decoy"));
  }

  static Target staging(String name, Supplier<SimHost> host) {
    return staging(name, host, STAGED_WITH_LIBRARIES, stagingMoves());
  }

  static Target staging(String name, Supplier<SimHost> host, Postcondition post, List<Move> moves) {
    return Target.builder(name)
        .host(host)
        .operation(ExploredOperation.fcproc(Fixtures.CONFIG, f -> f.prepareJailerChroot(Fixtures.SPEC)))
        .vmArea(AREA)
        .chroot(CHROOT)
        .documented("/srv/jail", "/srv/jail/firecracker", KERNEL, ROOTFS)
        .postcondition(post)
        .moves(moves)
        .build();
  }

  @Test
  void stagingOnAFreshHostKeepsTheJailInvariant() {
    ExplorationReport r = explore(staging("staging", Fixtures::beforeStaging));
    assertThat(r.violations()).as(r.render()).isEmpty();
    assertThat(r.movesMade()).isPositive();
    assertThat(r.faultsInjected()).isPositive();
  }

  @Test
  void restagingOverALeftoverVmDirectoryKeepsTheJailInvariant() {
    ExplorationReport r = explore(staging("restaging", Fixtures::restaging));
    assertThat(r.violations()).as(r.render()).isEmpty();
  }

  // ---------------------------------------------------------------- socket hand-off

  static final String RUN = CHROOT + "/run";
  static final String SOCK = RUN + "/firecracker.socket";
  static final String OTHER = "/run/fcproc/other.sock";

  static SimHost withSocket(boolean protectedHardlinks) {
    SimHost h = Fixtures.standard();
    h.setProtectedHardlinks(protectedHardlinks);
    h.mkdirs("/srv/jail/firecracker", 0711, 0, 0);
    h.mkdirs(AREA, 0755, VM, VM);
    h.mkdirs(CHROOT, 0700, VM, VM);
    h.mkdirs(RUN, 0755, VM, VM);
    h.writeFile(RUN + "/decoy", "decoy\n", 0644, VM, VM);
    h.socket(OTHER, 0, 0, 0600);
    h.spawnFirecracker(SOCK, GuestBehaviour.OBEYS_CTRL_ALT_DEL, VM, VM);
    return h;
  }

  /** The socket inode, wherever it is now, is the VM's with mode 0600 — unless the adversary
   *  removed its last name, which it may. */
  static final Postcondition HANDED_OFF = (SimHost host, Snapshot before) -> {
    String sock = ino(before.files().get(SOCK));
    host.snapshot().files().forEach((p, d) -> {
      if (ino(d).equals(sock)) {
        assertThat(d).as("the socket at %s", p).startsWith("SOCKET 0600 1000:1000");
      }
    });
  };

  static List<Move> socketMoves() {
    return List.of(
        new Move.SwapForSymlink(SOCK, "/etc/shadow"),
        new Move.PlantSymlink(SOCK, OTHER),
        new Move.PlantHardLink(SOCK, OTHER),
        new Move.PlantHardLink(SOCK, "/etc/shadow"),
        new Move.PlantFifo(SOCK),
        new Move.PlantFile(SOCK),
        new Move.PlantDevice(SOCK, FileType.CHAR_DEVICE, new DeviceNumber(1, 3)),
        new Move.SwapForSymlink(RUN, "/etc"),
        new Move.SwapForSymlink(RUN, "/run/fcproc"),
        new Move.SwapForSymlink(CHROOT, "/"),
        new Move.RemoveDirectory(RUN),
        new Move.Exchange(SOCK, RUN + "/decoy"),
        new Move.BindMount("/run/fcproc", RUN));
  }

  static Target socket(String name, boolean protectedHardlinks) {
    return Target.builder(name)
        .host(() -> withSocket(protectedHardlinks))
        .operation(ExploredOperation.fcproc(Fixtures.CONFIG, f -> f.ensureSocketAccessFor(SOCK, "api socket", VM, VM)))
        .vmArea(AREA)
        .postcondition(HANDED_OFF)
        .moves(socketMoves())
        .build();
  }

  @Test
  void socketHandOffKeepsTheJailInvariant() {
    ExplorationReport r = explore(socket("socket hand-off", true));
    assertThat(r.violations()).as(r.render()).isEmpty();
    assertThat(r.movesMade()).isPositive();
  }

  @Test
  void socketHandOffWithoutProtectedHardlinks() {
    ExplorationReport r = explore(socket("socket hand-off, links open", false));
    assertThat(r.violations()).as(r.render()).isEmpty();
  }

  // ---------------------------------------------------------------- the explorer itself

  @Test
  void explorationIsDeterministicAndThreadCountDoesNotMatter() {
    Target t = socket("socket, twice", true);
    ExplorationReport one = Explorer.explore(t, Explorer.Progress.NONE, 1);
    ExplorationReport two = Explorer.explore(t, Explorer.Progress.NONE, 2);
    assertThat(two).isEqualTo(one);
  }

  @Test
  void progressIsReportedUpToTheTotal() {
    List<int[]> seen = new ArrayList<>();
    ExplorationReport r = Explorer.explore(socket("socket, progress", true), (done, total) -> seen.add(new int[] {done, total}));
    assertThat(seen).isNotEmpty();
    assertThat(seen.get(seen.size() - 1)).containsExactly(r.runs(), r.runs());
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i)[0]).isGreaterThan(seen.get(i - 1)[0]);
    }
  }

  @Test
  void aReplayReproducesTheRunCallForCall() {
    Target t = cleanup("cleanup", ExplorerTest::stagedWithDecoy, CLEANED, cleanupMoves());
    Schedule s = Schedule.parse("gap=20 move=" + new Move.SwapForSymlink(CHROOT + "/usr", "/etc").describe());
    RunResult a = Explorer.replay(t, s);
    RunResult b = Explorer.replay(t, s.text());
    assertThat(a.journal()).isNotEmpty().isEqualTo(b.journal());
    assertThat(a).isEqualTo(b);
    assertThat(a.move()).isEqualTo(RunResult.MoveOutcome.MADE);
    assertThat(a.journal()).anySatisfy(e -> assertThat(e.actorUid()).isEqualTo(VM));
    RunResult fault = Explorer.replay(t, "call=2 errno=EIO");
    assertThat(fault.journal()).isEqualTo(Explorer.replay(t, "call=2 errno=EIO").journal());
    assertThat(fault.journal()).anySatisfy(e -> assertThat(e.outcome()).isEqualTo("EIO"));
    assertThat(fault.outcome()).contains("/");
  }

  @Test
  void randomModeDrawsTheSameSchedulesForTheSameSeed() {
    Target t = socket("socket, random", true);
    ExplorationReport a = Explorer.random(t, 42, 150);
    ExplorationReport b = Explorer.random(t, 42, 150, 1);
    ExplorationReport c = Explorer.random(t, 43, 150);
    assertThat(a.runs()).isEqualTo(151);
    assertThat(a.schedules()).isEqualTo(b.schedules());
    assertThat(a).isEqualTo(b);
    assertThat(c.schedules()).isNotEqualTo(a.schedules());
    assertThat(a.violations()).isEmpty();
  }

  @Test
  void theReplayPropertyRunsOnlyThatSchedule() {
    Target t = socket("socket, property", true);
    String text = new Schedule.MoveAt(3, new Move.SwapForSymlink(SOCK, "/etc/shadow")).text();
    String old = System.getProperty(Explorer.REPLAY_PROPERTY);
    System.setProperty(Explorer.REPLAY_PROPERTY, text);
    try {
      ExplorationReport r = Explorer.explore(t);
      assertThat(r.runs()).isEqualTo(1);
      assertThat(r.schedules()).containsExactly(Schedule.parse(text));
    } finally {
      if (old == null) {
        System.clearProperty(Explorer.REPLAY_PROPERTY);
      } else {
        System.setProperty(Explorer.REPLAY_PROPERTY, old);
      }
    }
  }
}
