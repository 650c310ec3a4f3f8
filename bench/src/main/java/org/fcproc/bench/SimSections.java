package org.fcproc.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import org.fcproc.Fcproc;
import org.fcproc.sim.SimHost;
import org.fcproc.sim.explore.ExplorationReport;
import org.fcproc.sim.explore.Explorer;

/** Item 6: the simulated host. Needs no root. */
final class SimSections {
  static final String S6 = "6 simulator";

  private final Plan plan;
  private final List<Row> rows;

  SimSections(Plan plan, List<Row> rows) {
    this.plan = plan;
    this.rows = rows;
  }

  private static void log(String fmt, Object... args) {
    System.err.printf("[bench] " + fmt + "%n", args);
  }

  /** One scenario: a fresh standard host, fcproc stages the VM's chroot and cleans it up. */
  static void scenario() throws Exception {
    SimHost h = SimFixtures.beforeStaging();
    Fcproc f = Fcproc.create(h, SimFixtures.CONFIG);
    f.prepareJailerChroot(SimFixtures.SPEC);
    f.cleanupJailerChroot(SimFixtures.CHROOT);
    if (h.exists(SimFixtures.CHROOT)) {
      throw new IllegalStateException("simulated cleanup left the chroot");
    }
  }

  void run() throws Exception {
    log("item 6: simulator");
    Stats host = Stats.ofNanosAsMillis(Timing.sample(plan.simWarmup, plan.simN, SimFixtures::beforeStaging));
    Stats sc = Stats.ofNanosAsMillis(Timing.sample(plan.simWarmup, plan.simN, SimSections::scenario));
    rows.add(versus(Row.info(S6, "simulated staging + cleanup (fresh host each), 1 thread, per scenario", "ms", sc,
        "of which building the host: median " + LinuxSections.fmt(host.median()) + " ms"), LinuxSections.S1, "fcproc (LinuxHost)", true));
    for (int threads : new int[] {1, 2}) {
      double[] scRates = Timing.throughput(threads, 1000, plan.explorerReps + 2, 2000, t -> scenario());
      String th = threads + " thread" + (threads == 1 ? "" : "s");
      rows.add(versus(Row.info(S6, "simulated staging + cleanup, " + th, "scenarios/s",
          Stats.of(scRates), "timed windows after a warm-up window; spread over windows"), LinuxSections.S2, "fcproc, " + th, false));
    }

    // exploration: ExplorerTest's cleanup target, exhaustive
    ExplorationReport first = Explorer.explore(SimFixtures.cleanupTarget(), Explorer.Progress.NONE, 2); // warm-up
    if (!first.clean()) {
      throw new IllegalStateException("the exploration found violations:\n" + first.render());
    }
    for (int threads : new int[] {1, 2}) {
      double[] rates = new double[plan.explorerReps];
      int runs = 0;
      for (int i = 0; i < plan.explorerReps; i++) {
        long t0 = System.nanoTime();
        ExplorationReport r = Explorer.explore(SimFixtures.cleanupTarget(), Explorer.Progress.NONE, threads);
        double s = (System.nanoTime() - t0) / 1e9;
        runs = r.runs();
        rates[i] = r.runs() / s;
      }
      Stats st = Stats.of(rates);
      Row row = Row.info(S6, "exploration runs, cleanup target, " + threads + " thread" + (threads == 1 ? "" : "s"), "runs/s", st,
          runs + " runs per exploration (exhaustive: every move in every gap, every call failing in turn); spread over "
              + plan.explorerReps + " explorations");
      // The baseline is the target itself: there is no other explorer to compare with.
      row = row.compared("the 2,000 runs/s target", st.median() / 2000);
      if (threads == 2) {
        row = row.target("≥ 2,000 runs/s on 2 cores", st.median() >= 2000);
      }
      rows.add(row);
      log("  explorer %d threads: %.0f runs/s", threads, st.median());
    }

    // the same on one thread, in that thread's CPU time: free of the machine's other load
    long c0 = Timing.cpuNow();
    ExplorationReport one = Explorer.explore(SimFixtures.cleanupTarget(), Explorer.Progress.NONE, 1);
    double cpuUsPerRun = (Timing.cpuNow() - c0) / 1e3 / one.runs();
    rows.add(Row.info(S6, "exploration, CPU time per run (1 thread, this thread's user+sys)", "µs", null,
        String.format("%.0f µs CPU per run ⇒ %.0f runs/s per core fully available, ≈ %.0f runs/s on 2 idle cores if it scaled"
            + " perfectly (a projection, not a measurement; the 1-thread explorer runs in the calling thread)",
            cpuUsPerRun, 1e6 / cpuUsPerRun, 2e6 / cpuUsPerRun) + "; reference row: no baseline (a projection)"));
    Stats scCpu = Stats.ofNanosAsMillis(Timing.cpuSample(0, plan.simN / 5, SimSections::scenario));
    rows.add(Row.info(S6, "simulated staging + cleanup, CPU time per scenario", "ms", scCpu,
        "this thread's CPU time; reference row: item 1 gives the kernel's CPU time only in its note, not as a sample"));

    // memory per simulated host (staged, as an exploration run holds it)
    double[] perHost = new double[3];
    for (int rep = 0; rep < perHost.length; rep++) {
      long before = usedAfterGc();
      List<SimHost> keep = new ArrayList<>();
      for (int i = 0; i < plan.memHosts; i++) {
        keep.add(SimFixtures.stagedWithDecoy());
      }
      long after = usedAfterGc();
      perHost[rep] = (after - before) / 1024.0 / keep.size();
      keep.clear();
    }
    rows.add(Row.info(S6, "retained heap per simulated host (standard host, VM staged)", "KiB", Stats.of(perHost),
        plan.memHosts + " hosts held, heap used after GC before/after ÷ N; spread over 3 repetitions;"
            + " reference row: nothing comparable on the kernel"));
  }

  private static long usedAfterGc() throws InterruptedException {
    MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return mx.getHeapMemoryUsage().getUsed();
  }

  /**
   * {@code row} compared with the kernel row {@code name} of {@code section}, when this run
   * measured it (as root): for times baseline ÷ this ({@code time}), for rates this ÷ baseline.
   * Above 1 the simulator is faster than the kernel.
   */
  private Row versus(Row row, String section, String name, boolean time) {
    for (Row r : rows) {
      if (r.section().equals(section) && r.name().equals(name) && r.stats() != null && r.stats().median() > 0) {
        double ratio = time ? r.stats().median() / row.stats().median() : row.stats().median() / r.stats().median();
        return row.compared("kernel: item " + section.substring(0, 1) + " " + name, ratio);
      }
    }
    return row.note(row.note() + "; no kernel baseline in this run (item " + section.substring(0, 1) + " not measured)");
  }
}
