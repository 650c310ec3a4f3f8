package org.fcproc.linux.race;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.FcprocException;
import org.fcproc.RefusedException;
import org.fcproc.host.Errno;
import org.fcproc.host.Handle;
import org.fcproc.host.OpenHow;
import org.fcproc.host.RenameMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A racing adversary on the real kernel, against {@link Fcproc#cleanupJailerChroot}: while the
 * cleanup runs (as root, on {@code LinuxHost}), a thread of the test loops
 * {@code renameat2(RENAME_EXCHANGE)} of the chroot's name with a symlink to a host tree — what
 * the VM's uid, who owns the per-VM directory, may do at any moment (docs/DESIGN.md#threat-model).
 *
 * <p>Each iteration builds the jail afresh on the test's tmpfs — {@code jail/firecracker/vm1/root}
 * owned by 1000, with files, directories, symlinks out of the chroot, a bind mount of the host's
 * {@code host/libsrc} on {@code root/usr/lib}, and in every other round of variants a self-bind
 * of {@code root} itself (the staging's) so that the detach path runs and the exchange meets
 * EBUSY until it is detached — and then races. Whatever the outcome (done, refused, failed), the
 * host tree ({@code host/canary}, {@code host/libsrc}, the tmpfs root and everything else outside
 * {@code vm1}) must be byte-identical (type, mode, owner, link count, size, inode, content), no
 * mount may appear outside the chroot or vanish that was not the jail's, and a successful
 * cleanup must leave none of the jail's mounts and have removed the chroot's inodes.
 *
 * <p>Variants, in turn: {@code vm1/swap} → {@code host/canary}; → the tmpfs root; →
 * {@code host} (the canary's parent); the exchange one level down, {@code root/data} with
 * {@code root/data.swap} → {@code host/canary}; and {@code vm1/swap} a decoy directory of the
 * adversary's (holding {@code usr/lib} → {@code host/canary}), raced against a self-bound root
 * only — against a root that is not a mount point it needs no race to win, see
 * {@link #renamedUnboundChrootIsRefusedNotLeftMounted()}. The racer runs flat out, or (one iteration in
 * three) with random pauses of up to 20 µs so that slower interleavings are met as well.
 *
 * <p>{@code -Dfcproc.race.iterations=N} changes the count (at least 2,000 by default).
 */
class CleanupRaceTest {
  private static final int ITERATIONS = Integer.getInteger("fcproc.race.iterations", 2000);
  private static final int ADVERSARY = 1000;
  private static final int OTHER_USER = 1001;

  private enum Variant {
    SWAP_TO_CANARY("vm1/swap -> host/canary"),
    SWAP_TO_TMPFS_ROOT("vm1/swap -> tmpfs root"),
    SWAP_TO_CANARY_PARENT("vm1/swap -> host (canary's parent)"),
    INNER_SWAP_TO_CANARY("root/data <-> root/data.swap -> host/canary"),
    SWAP_TO_DECOY_DIR("vm1/swap is a decoy directory (root always self-bound)");

    final String label;

    Variant(String label) {
      this.label = label;
    }
  }

  private enum Outcome { DONE, REFUSED, FAILED }

  private static RaceScratch scratch;
  private static Runnable restoreLogs = () -> {};

  @BeforeAll
  static void setUp() throws Exception {
    scratch = RaceScratch.create();
    restoreLogs = RaceScratch.quietFcprocLogs();
    buildHostTree();
  }

  @AfterAll
  static void tearDown() throws Exception {
    restoreLogs.run();
    if (scratch != null) {
      scratch.close();
      assertThat(scratch.dir).doesNotExist();
    }
  }

  /** Counts for one variant × self-bind combination, and for the whole run. */
  private static final class Tally {
    int iterations;
    int done;
    int refused;
    int failed;
    long swaps;
    int iterationsWithSwaps;
    int refusedAfterSwaps;
    int doneAfterSwaps;
    final Map<Errno, Long> racerErrors = new EnumMap<>(Errno.class);

    void add(Outcome o, Racer.Result r) {
      iterations++;
      switch (o) {
        case DONE -> done++;
        case REFUSED -> refused++;
        default -> failed++;
      }
      swaps += r.swaps();
      if (r.swaps() > 0) {
        iterationsWithSwaps++;
        if (o == Outcome.REFUSED) {
          refusedAfterSwaps++;
        } else if (o == Outcome.DONE) {
          doneAfterSwaps++;
        }
      }
      r.refusals().forEach((k, v) -> racerErrors.merge(k, v, Long::sum));
    }

    @Override
    public String toString() {
      return String.format("iterations=%d done=%d refused=%d failed=%d swaps=%d iterationsWithSwaps=%d "
              + "refusedAfterSwaps=%d doneAfterSwaps=%d racerErrors=%s",
          iterations, done, refused, failed, swaps, iterationsWithSwaps, refusedAfterSwaps, doneAfterSwaps, racerErrors);
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void cleanupUnderARacingExchangeNeverTouchesTheHostNorLeaksAMount() throws Exception {
    Path t = scratch.dir;
    Path vm1 = t.resolve("jail/firecracker/vm1");
    String vm1Path = vm1.toString();
    String chroot = vm1.resolve("root").toString();
    tidy(vm1);
    Map<String, String> baseline = null; // taken once vm1 exists: its parent's link count counts it
    Fcproc fcproc = Fcproc.create(scratch.host, new Config("", "", "", "", ""));

    Tally total = new Tally();
    Map<String, Tally> byCase = new TreeMap<>();
    Map<String, Integer> reasons = new TreeMap<>();
    long started = System.nanoTime();

    for (int i = 0; i < ITERATIONS; i++) {
      Variant variant = Variant.values()[i % Variant.values().length];
      // The decoy is only raced against a self-bound root, as staging leaves it: see
      // renamedUnboundChrootLeavesItsMountsBehind for why.
      boolean selfBind = variant == Variant.SWAP_TO_DECOY_DIR || (i / Variant.values().length) % 2 == 1;
      long maxPause = i % 3 == 2 ? 20_000 : 0;
      String where = "iteration " + i + " (" + variant.label + (selfBind ? ", root self-bound" : "")
          + (maxPause > 0 ? ", racer paced" : "") + ")";

      Jail built = buildJail(vm1, variant, selfBind);
      Map<String, String> before = scratch.snapshot(t, Set.of(vm1));
      if (baseline == null) {
        baseline = before;
      } else if (!before.equals(baseline)) {
        throw new AssertionError(where + ": the host tree before the race is not the first iteration's "
            + "(a change that survived the tidy-up):\n" + RaceScratch.diff(baseline, before));
      }
      List<RaceScratch.Mount> mountsBefore = scratch.mounts();
      Set<Integer> jailMountIds = new HashSet<>();
      for (RaceScratch.Mount m : mountsBefore) {
        if (RaceScratch.atOrUnder(m.mountPoint(), chroot)) {
          jailMountIds.add(m.id());
        }
      }
      assertThat(jailMountIds).as("%s: the jail's mounts", where).hasSize(selfBind ? 2 : 1);

      Outcome outcome;
      String message = null;
      Racer.Result raced;
      // jail.root and jail.disk pin inodes of the chroot (opened on the tmpfs before any bind):
      // a successful cleanup must have removed them (no link left).
      try (Jail jail = built;
           Handle racerDir = scratch.host.open(
               variant == Variant.INNER_SWAP_TO_CANARY ? chroot : vm1Path, OpenHow.directoryNoFollow())) {
        String a = variant == Variant.INNER_SWAP_TO_CANARY ? "data" : "root";
        String b = variant == Variant.INNER_SWAP_TO_CANARY ? "data.swap" : "swap";
        Racer racer = new Racer(scratch.host, racerDir, a, racerDir, b, maxPause, i);
        racer.start();
        try {
          fcproc.cleanupJailerChroot(chroot);
          outcome = Outcome.DONE;
        } catch (RefusedException e) {
          outcome = Outcome.REFUSED;
          message = e.getMessage();
        } catch (FcprocException e) {
          outcome = Outcome.FAILED;
          message = e.getMessage();
        } catch (RuntimeException | Error e) {
          racer.stop();
          throw new AssertionError(where + ": cleanup threw neither FcprocException nor RefusedException: " + e, e);
        } finally {
          raced = racer.stop();
        }

        // 1. The host tree is exactly as it was.
        Map<String, String> after = scratch.snapshot(t, Set.of(vm1));
        if (!after.equals(before)) {
          throw new AssertionError(where + ": the host tree changed (outcome " + outcome
              + (message == null ? "" : ": " + message) + ", racer swapped " + raced.swaps() + " times):\n"
              + RaceScratch.diff(before, after) + "names in vm1 now: " + listing(vm1));
        }

        // 2. No mount appeared outside the chroot; none vanished that was not the jail's.
        List<RaceScratch.Mount> mountsAfter = scratch.mounts();
        Map<Integer, RaceScratch.Mount> beforeById = new HashMap<>();
        mountsBefore.forEach(m -> beforeById.put(m.id(), m));
        Set<Integer> afterIds = new HashSet<>();
        for (RaceScratch.Mount m : mountsAfter) {
          afterIds.add(m.id());
          if (!beforeById.containsKey(m.id()) && !RaceScratch.atOrUnder(m.mountPoint(), chroot)) {
            throw new AssertionError(where + ": mount leaked outside the chroot: " + m + " (outcome " + outcome
                + (message == null ? "" : ": " + message) + ")");
          }
        }
        for (RaceScratch.Mount m : mountsBefore) {
          if (!afterIds.contains(m.id()) && !jailMountIds.contains(m.id())) {
            throw new AssertionError(where + ": a mount that was not the jail's was detached: " + m
                + " (outcome " + outcome + (message == null ? "" : ": " + message) + ")");
          }
        }

        // 3. Done means done: none of the jail's mounts, and the chroot's inodes unlinked.
        if (outcome == Outcome.DONE) {
          for (RaceScratch.Mount m : mountsAfter) {
            assertThat(jailMountIds).as("%s: cleanup reported success but left mount %s", where, m).doesNotContain(m.id());
          }
          assertThat(scratch.host.fstat(jail.root()).nlink())
              .as(() -> where + ": cleanup reported success but the chroot directory still has links (names in vm1: "
                  + listing(vm1) + ")")
              .isZero();
          assertThat(scratch.host.fstat(jail.disk()).nlink())
              .as("%s: cleanup reported success but data/disk.img still has links", where)
              .isZero();
        } else {
          assertThat(message).as("%s: a refusal names the chroot", where).contains(chroot);
          reasons.merge(outcome + ": " + reasonOf(message, t.toString()), 1, Integer::sum);
        }
      }

      total.add(outcome, raced);
      byCase.computeIfAbsent(variant.label + (selfBind ? " [self-bind]" : ""), k -> new Tally()).add(outcome, raced);

      tidy(vm1);
    }
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;

    System.out.println("== race: cleanupJailerChroot vs renameat2(RENAME_EXCHANGE), " + elapsedMs + " ms");
    System.out.println("   total: " + total);
    byCase.forEach((k, v) -> System.out.println("   " + k + ": " + v));
    System.out.println("   outcomes by reason:");
    reasons.forEach((k, v) -> System.out.println("     " + v + "  " + k));

    assertThat(total.iterations).isEqualTo(ITERATIONS);
    assertThat(total.swaps).as("the racer swapped at all").isPositive();
    assertThat(total.refusedAfterSwaps).as("some cleanups met a swap and refused").isPositive();
    assertThat(scratch.mountsUnder(vm1Path)).isEmpty();
  }

  /**
   * Was a finding of this suite (no race needed): a chroot whose root is not itself a mount point
   * can be renamed by the VM's uid, who owns the per-VM directory; with a decoy put at the old
   * name, cleanup used to delete the decoy, report success, and leave the VM's bind of the
   * host's {@code libsrc} mounted under the name the adversary chose. Staging self-binds the
   * root first (renameat2 of a mount point is EBUSY), so only a root without the self-bind is
   * exposed. Cleanup now refuses when the VM's directory holds mounts outside the chroot; a
   * success must leave none of the VM's mounts and none of the chroot's links.
   */
  @Test
  void renamedUnboundChrootIsRefusedNotLeftMounted() throws Exception {
    Path vm1 = scratch.dir.resolve("jail/firecracker/vm1");
    String chroot = vm1.resolve("root").toString();
    tidy(vm1);
    try {
      Jail built = buildJail(vm1, Variant.SWAP_TO_DECOY_DIR, false);
      Set<Integer> jailMounts = new HashSet<>();
      for (RaceScratch.Mount m : scratch.mountsUnder(chroot)) {
        jailMounts.add(m.id());
      }
      assertThat(jailMounts).hasSize(1);
      Fcproc fcproc = Fcproc.create(scratch.host, new Config("", "", "", "", ""));
      try (Jail jail = built;
           Handle dir = scratch.host.open(vm1.toString(), OpenHow.directoryNoFollow())) {
        // The adversary, once, before the cleanup: root <-> its own empty-ish directory.
        scratch.host.renameAt(dir, "root", dir, "swap", RenameMode.EXCHANGE);
        try {
          fcproc.cleanupJailerChroot(chroot);
        } catch (FcprocException refused) {
          return; // refusing is a correct answer
        }
        List<RaceScratch.Mount> left = new ArrayList<>();
        for (RaceScratch.Mount m : scratch.mounts()) {
          if (jailMounts.contains(m.id())) {
            left.add(m);
          }
        }
        assertThat(left).as("cleanup reported success; the VM's mounts that remain").isEmpty();
        assertThat(scratch.host.fstat(jail.root()).nlink()).as("cleanup reported success; links of the chroot directory")
            .isZero();
      }
    } finally {
      tidy(vm1);
    }
  }

  /** The racer is stopped: detach whatever is left under vm1, then remove it. */
  private static void tidy(Path vm1) throws Exception {
    scratch.detachAllUnder(vm1.toString());
    scratch.deleteTree(vm1);
  }

  // ---------------------------------------------------------------- the trees

  /** The host side: canary tree, the bind source, siblings, and the jail's parents. */
  private static void buildHostTree() throws Exception {
    scratch.file("top.txt", "a file at the tmpfs root\n", 0600, 0, 0);
    scratch.mkdir("host", 0755, 0, 0);
    scratch.file("host/other.txt", "a sibling of the canary\n", 0644, 0, 0);
    scratch.mkdir("host/canary", 0755, 0, 0);
    scratch.file("host/canary/readme.txt", "canary: must never change\n", 0644, 0, 0);
    scratch.file("host/canary/secret", "owned by uid 1001, mode 0640\n", 0640, OTHER_USER, OTHER_USER);
    scratch.file("host/canary/run.sh", "#!/bin/sh\necho canary\n", 0755, 0, 0);
    scratch.mkdir("host/canary/sub", 0750, OTHER_USER, OTHER_USER);
    scratch.file("host/canary/sub/deep.txt", "deep canary\n", 0600, 0, 0);
    scratch.symlink("host/canary/sub/up", "../readme.txt", 0, 0);
    scratch.mkdir("host/canary/empty", 0700, 0, 0);
    scratch.mkdir("host/libsrc", 0755, 0, 0);
    scratch.file("host/libsrc/libc.so.6", "not really libc\n", 0755, 0, 0);
    scratch.file("host/libsrc/libm.so.6", "not really libm\n", 0644, 0, 0);
    scratch.mkdir("host/libsrc/gconv", 0755, 0, 0);
    scratch.file("host/libsrc/gconv/UTF-16.so", "gconv\n", 0644, 0, 0);
    scratch.mkdir("jail", 0755, 0, 0);
    scratch.mkdir("jail/firecracker", 0755, 0, 0);
  }

  /**
   * {@code jail/firecracker/vm1} (the VM uid's), its {@code root} with content, the bind of
   * {@code host/libsrc} on {@code root/usr/lib}, optionally under a self-bind of {@code root},
   * and the adversary's symlink for the variant.
   */
  private static Jail buildJail(Path vm1, Variant variant, boolean selfBind) throws Exception {
    String t = scratch.dir.toString();
    scratch.mkdir("jail/firecracker/vm1", 0755, ADVERSARY, ADVERSARY);
    String r = "jail/firecracker/vm1/root";
    scratch.mkdir(r, 0755, ADVERSARY, ADVERSARY);
    scratch.file(r + "/firecracker", "firecracker stand-in\n", 0755, 0, 0);
    scratch.file(r + "/vmlinux", "kernel stand-in\n", 0644, ADVERSARY, ADVERSARY);
    scratch.mkdir(r + "/data", 0755, ADVERSARY, ADVERSARY);
    scratch.file(r + "/data/disk.img", "disk stand-in\n", 0644, ADVERSARY, ADVERSARY);
    scratch.mkdir(r + "/data/nested", 0700, ADVERSARY, ADVERSARY);
    scratch.file(r + "/data/nested/state", "vm state\n", 0600, ADVERSARY, ADVERSARY);
    scratch.mkdir(r + "/run", 0700, ADVERSARY, ADVERSARY);
    scratch.symlink(r + "/run/escape", t + "/host/canary", ADVERSARY, ADVERSARY);
    scratch.symlink(r + "/canary-link", "../../../../host/canary/readme.txt", ADVERSARY, ADVERSARY);
    scratch.mkdir(r + "/usr", 0755, 0, 0);
    scratch.mkdir(r + "/usr/lib", 0755, 0, 0);
    switch (variant) {
      case SWAP_TO_CANARY -> scratch.symlink("jail/firecracker/vm1/swap", t + "/host/canary", ADVERSARY, ADVERSARY);
      case SWAP_TO_TMPFS_ROOT -> scratch.symlink("jail/firecracker/vm1/swap", t, ADVERSARY, ADVERSARY);
      case SWAP_TO_CANARY_PARENT -> scratch.symlink("jail/firecracker/vm1/swap", t + "/host", ADVERSARY, ADVERSARY);
      case INNER_SWAP_TO_CANARY -> scratch.symlink(r + "/data.swap", t + "/host/canary", ADVERSARY, ADVERSARY);
      case SWAP_TO_DECOY_DIR -> {
        scratch.mkdir("jail/firecracker/vm1/swap", 0755, ADVERSARY, ADVERSARY);
        scratch.file("jail/firecracker/vm1/swap/decoy", "the adversary's\n", 0644, ADVERSARY, ADVERSARY);
        scratch.mkdir("jail/firecracker/vm1/swap/usr", 0755, ADVERSARY, ADVERSARY);
        scratch.symlink("jail/firecracker/vm1/swap/usr/lib", t + "/host/canary", ADVERSARY, ADVERSARY);
      }
    }
    String root = vm1.resolve("root").toString();
    Jail jail = new Jail(scratch.host.open(root, OpenHow.pathNoFollow()),
        scratch.host.open(root + "/data/disk.img", OpenHow.pathNoFollow()));
    try {
      if (selfBind) {
        try (Handle h = scratch.host.open(root, OpenHow.directoryNoFollow())) {
          scratch.host.bindMount(h, h, false);
        }
      }
      // Opened after the self-bind, so the lib bind lands on the self-bound mount, as staging does.
      try (Handle src = scratch.host.open(t + "/host/libsrc", OpenHow.directoryNoFollow());
           Handle dst = scratch.host.open(root + "/usr/lib", OpenHow.directoryNoFollow())) {
        scratch.host.bindMount(src, dst, false);
      }
      return jail;
    } catch (Exception | Error e) {
      jail.close();
      throw e;
    }
  }

  /** Handles pinning the chroot directory and a file in it, opened before any bind. */
  private record Jail(Handle root, Handle disk) implements AutoCloseable {
    @Override
    public void close() {
      root.close();
      disk.close();
    }
  }

  private static String listing(Path dir) {
    try (var s = Files.list(dir)) {
      List<String> names = new ArrayList<>();
      s.forEach(p -> {
        try {
          names.add(p.getFileName() + " (" + scratch.describe(p) + ")");
        } catch (Exception e) {
          names.add(p.getFileName() + " (" + e + ")");
        }
      });
      return names.toString();
    } catch (Exception e) {
      return "(cannot list " + dir + ": " + e + ")";
    }
  }

  /** The message with the scratch path and the iteration-specific bits folded, for a histogram. */
  static String reasonOf(String message, String scratchDir) {
    return message.replace(scratchDir, "T").replaceAll("mount\\(s\\): \\[.*\\]", "mount(s): [...]");
  }
}
