package org.fcproc.sim.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.fcproc.Fcproc;
import org.fcproc.SweepReport;
import org.fcproc.SweepSpec;
import org.fcproc.host.Errno;
import org.fcproc.sim.SimHost;
import org.fcproc.sim.Snapshot;
import org.junit.jupiter.api.Test;

/**
 * docs/DESIGN.md#the-orphan-sweep: a crash at any step of staging, then a sweep, and the host is exactly as it was
 * before staging. A "crash" is the manager dying just before a host call (each faultable call in
 * turn): an {@link Error} thrown from the simulator's before-call hook, which no catch of
 * staging's handles — so staging's own undo of a failed call does not run, as it would not in a
 * killed process, and whatever staging had made stays for the sweep.
 */
class SweepAfterCrashTest {

  /** The indices (from 1) of the calls a fault can hit while {@code run} runs on {@code h}. */
  private static List<Integer> faultableCalls(SimHost h, Runnable run) {
    long first = h.nextCallIndex();
    TreeSet<Integer> faultable = new TreeSet<>();
    h.failWhen(c -> {
      faultable.add((int) (c.index() - first + 1));
      return false;
    }, Errno.EIO);
    run.run();
    h.clearFaults();
    return new ArrayList<>(faultable);
  }

  /** A host call fails (the sweep has no undo: a failure leaves what it had done). */
  private static void failAt(SimHost h, int call, Errno errno) {
    long first = h.nextCallIndex();
    h.failOnce(c -> c.index() == first + call - 1, errno);
  }

  /** The manager dies: nothing of it runs after this. */
  private static final class Crash extends Error {
    private static final long serialVersionUID = 1L;

    Crash() {
      super("crash", null, false, false);
    }
  }

  private static void crashAt(SimHost h, int call) {
    long first = h.nextCallIndex();
    boolean[] armed = {true};
    h.beforeEachCall(c -> {
      if (armed[0] && c.index() == first + call - 1) {
        armed[0] = false;
        throw new Crash();
      }
    });
  }

  @Test
  void aCrashAtEveryCallOfStagingIsSweptBackToTheHostBeforeStaging() {
    SimHost probe = SweepFixtures.host();
    List<Integer> calls = faultableCalls(probe, () -> SweepFixtures.stage(probe, "vm1"));
    assertThat(calls).hasSizeGreaterThan(50);
    int crashes = 0;
    int stagingSurvived = 0;
    List<String> problems = new ArrayList<>();
    {
      for (int call : calls) {
        SimHost h = SweepFixtures.host();
        Snapshot before = h.snapshot();
        crashAt(h, call);
        try {
          Fcproc.create(h, SweepFixtures.CONFIG).prepareJailerChroot(SweepFixtures.spec("vm1"));
          stagingSurvived++;
        } catch (Crash crashed) {
          // the crash point: whatever staging made so far stays
        } catch (Exception e) {
          problems.add("call " + call + ": staging failed instead of crashing: " + e);
        }
        crashes++;
        SweepReport first = SweepFixtures.sweep(h, false);
        List<String> diff = before.diff(h.snapshot());
        if (!diff.isEmpty() || !first.complete()) {
          problems.add("call " + call + ": diff " + diff + ", refused " + first.refused() + ", failed " + first.failed());
          continue;
        }
        Snapshot swept = h.snapshot();
        SweepReport second = SweepFixtures.sweep(h, false);
        if (!second.nothingToDo() || !second.alive().isEmpty() || !swept.diff(h.snapshot()).isEmpty()) {
          problems.add("call " + call + ": second sweep " + second);
        }
      }
    }
    System.out.println("orphan sweep: staging makes " + calls.size() + " faultable host calls; " + crashes
        + " crash points, each swept back to the host before staging (" + stagingSurvived + " completed)");
    assertThat(problems).isEmpty();
  }

  @Test
  void aCrashAtEveryCallOfTheSweepIsFinishedByTheNextSweep() {
    SimHost probe = SweepFixtures.host();
    Snapshot pristine = probe.snapshot();
    SweepFixtures.stage(probe, "vm1");
    List<Integer> calls = faultableCalls(probe, () -> SweepFixtures.sweep(probe, false));
    assertThat(pristine.diff(probe.snapshot())).isEmpty();
    List<String> problems = new ArrayList<>();
    for (int call : calls) {
      SimHost h = SweepFixtures.host();
      Snapshot before = h.snapshot();
      SweepFixtures.stage(h, "vm1");
      failAt(h, call, Errno.EIO);
      try {
        Fcproc.create(h, SweepFixtures.CONFIG).sweep(new SweepSpec(SweepFixtures.BASE, false));
      } catch (Exception crashed) {
        // a sweep that stops half-way: the next one finishes it
      }
      h.clearFaults();
      SweepReport again = SweepFixtures.sweep(h, false);
      List<String> diff = before.diff(h.snapshot());
      if (!diff.isEmpty() || !again.complete()) {
        problems.add("sweep call " + call + ": diff " + diff + ", refused " + again.refused() + ", failed " + again.failed());
      }
    }
    System.out.println("orphan sweep: a sweep of a staged VM makes " + calls.size()
        + " faultable host calls; a crash at each is finished by the next sweep");
    assertThat(problems).isEmpty();
  }
}
