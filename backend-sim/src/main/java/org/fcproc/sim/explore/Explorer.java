package org.fcproc.sim.explore;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Exhaustive adversary exploration on the simulated host (docs/DESIGN.md#exhaustive-exploration): every move of the
 * adversary in every gap between two host calls of an operation, and every host call failing in
 * turn, each run on a fresh host and checked against the jail invariant (docs/DESIGN.md#jail-invariant).
 *
 * <p><b>Why this shape.</b> The defences fcproc makes — handles instead of paths, resolution
 * without symlinks, mount ids checked before a detach — each close a window between two host
 * calls. A scenario tests one window it was written for; the explorer tries them all, so a
 * window nobody thought of is found by enumeration rather than by imagination. It works because
 * the simulated host has one choke point that numbers every call: "between call 7 and call 8"
 * is a precise, replayable place, and a before-call hook puts the adversary exactly there.
 *
 * <p><b>How a target is explored.</b>
 * <ol>
 *   <li>A baseline run, with no interference, counts the operation's host calls, K (calls made
 *       while the host was being arranged are not counted) and notes which of them can fail
 *       (a handle's {@code close} cannot).
 *   <li>For every move and every gap {@code g} in {@code 0..K}: a fresh host, the move made just
 *       before the operation's call {@code g+1} ({@code g = K}: after it returned), the run
 *       checked ({@link Schedule.MoveAt}).
 *   <li>For every call that can fail and every errno of the target: a fresh host, that call
 *       failing once ({@link Schedule.FaultAt}).
 * </ol>
 * After each run the checker compares the host before and after the operation — the tree path by
 * path, the mounts by id — attributing to the adversary only what changed across its move (see
 * {@code InvariantCheck}), and judges the outcome: success with the postcondition holding, or an
 * exception whose message names a path. A runtime exception out of core is a crash, a violation.
 *
 * <p><b>Deterministic.</b> No wall clock, no hash order, no unseeded randomness, and nothing
 * that depends on which thread finished first (runs share nothing; results are gathered in
 * schedule order): exploring a target twice — on any number of threads — gives equal reports,
 * and {@link #replay} of a schedule gives the same journal, call for call. The target's host
 * factory must be deterministic too: two hosts it builds must be identical, inode numbers
 * included. Setting the system property {@value #REPLAY_PROPERTY} to a schedule's
 * text makes {@link #explore} run that schedule only — for reproducing a failure seen in CI.
 */
public final class Explorer {
  /** System property: a schedule's text; when set, {@link #explore} runs only that schedule. */
  public static final String REPLAY_PROPERTY = "fcproc.explore.replay";

  private static final int PROGRESS_EVERY = 256;
  private static final int BATCH = 64;

  /** Told how far an exploration has got: after every few runs, and at the end. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = (done, total) -> {};

    void update(int done, int total);
  }

  private Explorer() {}

  /** Explores {@code target} exhaustively (or only the schedule in {@value #REPLAY_PROPERTY}). */
  public static ExplorationReport explore(Target target) {
    return explore(target, Progress.NONE);
  }

  public static ExplorationReport explore(Target target, Progress progress) {
    return explore(target, progress, defaultThreads());
  }

  /**
   * As {@link #explore(Target, Progress)}, on {@code threads} threads. Each run has its own
   * host, and results are gathered in schedule order, so the report is the same for any number
   * of threads — provided the target's host factory and operation may run concurrently (each
   * building and using only its own host, as a {@code SimHost} fixture does).
   */
  public static ExplorationReport explore(Target target, Progress progress, int threads) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(progress, "progress");
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, not " + threads);
    }
    String only = System.getProperty(REPLAY_PROPERTY);
    if (only != null && !only.isBlank()) {
      Schedule s = Schedule.parse(only);
      Tally tally = new Tally(target.name());
      Runner.Run run = Runner.run(target, s);
      tally.add(run);
      progress.update(1, 1);
      return tally.report(run.calls());
    }
    Runner.Run baseline = Runner.run(target, new Schedule.Baseline());
    List<Schedule> all = new ArrayList<>();
    all.add(new Schedule.Baseline());
    all.addAll(schedules(target, baseline.calls(), baseline.faultable()));
    return runAll(target, baseline, all, progress, threads);
  }

  /**
   * {@code runs} schedules drawn uniformly, with replacement, from the exhaustive set by
   * {@code new SplittableRandom(seed)} — for a quick look at a target whose exhaustive set is
   * large. The same seed draws the same schedules. The baseline run comes first and is counted.
   */
  public static ExplorationReport random(Target target, long seed, int runs) {
    return random(target, seed, runs, defaultThreads());
  }

  /** As {@link #random(Target, long, int)}, on {@code threads} threads (same report). */
  public static ExplorationReport random(Target target, long seed, int runs, int threads) {
    Objects.requireNonNull(target, "target");
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, not " + threads);
    }
    if (runs < 0) {
      throw new IllegalArgumentException("runs must be >= 0, not " + runs);
    }
    Runner.Run baseline = Runner.run(target, new Schedule.Baseline());
    List<Schedule> pool = schedules(target, baseline.calls(), baseline.faultable());
    List<Schedule> chosen = new ArrayList<>();
    chosen.add(new Schedule.Baseline());
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < runs && !pool.isEmpty(); i++) {
      chosen.add(pool.get(random.nextInt(pool.size())));
    }
    return runAll(target, baseline, chosen, Progress.NONE, threads);
  }

  /** Runs one schedule on a fresh host, exactly as the exploration ran it. */
  public static RunResult replay(Target target, Schedule schedule) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(schedule, "schedule");
    return Runner.run(target, schedule).result();
  }

  /** {@link #replay(Target, Schedule)} of a schedule's text, as a report or a log shows it. */
  public static RunResult replay(Target target, String scheduleText) {
    return replay(target, Schedule.parse(scheduleText));
  }

  /** Every schedule of the exhaustive exploration after the baseline, in the order it runs them:
   *  moves in the target's order, each in gaps 0..K; then faults by call, then by errno. */
  static List<Schedule> schedules(Target target, int calls, List<Integer> faultable) {
    List<Schedule> out = new ArrayList<>();
    for (Move m : target.moves()) {
      for (int gap = 0; gap <= calls; gap++) {
        out.add(new Schedule.MoveAt(gap, m));
      }
    }
    for (int call : faultable) {
      for (var errno : target.faultErrnos()) {
        out.add(new Schedule.FaultAt(call, errno));
      }
    }
    return out;
  }

  /** The processors the JVM may use, at most 8: runs are CPU-bound and share nothing. */
  static int defaultThreads() {
    return Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * Runs the schedules in batches, on a pool of {@code threads}, and tallies the results in
   * schedule order (batch by batch, as each batch's future is awaited in turn), so the report
   * and the progress calls do not depend on which thread finished first.
   */
  private static ExplorationReport runAll(
      Target target, Runner.Run baseline, List<Schedule> schedules, Progress progress, int threads) {
    Tally tally = new Tally(target.name());
    int total = schedules.size();
    List<List<Schedule>> batches = new ArrayList<>();
    for (int i = 0; i < total; i += BATCH) {
      batches.add(schedules.subList(i, Math.min(total, i + BATCH)));
    }
    ExecutorService pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, daemon());
    try {
      List<Future<List<Runner.Run>>> futures = new ArrayList<>();
      for (List<Schedule> batch : batches) {
        Callable<List<Runner.Run>> work = () -> {
          List<Runner.Run> out = new ArrayList<>(batch.size());
          for (Schedule s : batch) {
            out.add(s instanceof Schedule.Baseline ? baseline : Runner.run(target, s, false));
          }
          return out;
        };
        futures.add(pool == null ? new FutureTask<>(work) : pool.submit(work));
      }
      int done = 0;
      int nextReport = PROGRESS_EVERY;
      for (Future<List<Runner.Run>> f : futures) {
        if (f instanceof FutureTask<List<Runner.Run>> task && pool == null) {
          task.run(); // one thread: run each batch when its turn comes, so progress is live
        }
        for (Runner.Run run : await(f)) {
          tally.add(run);
          done++;
        }
        if (done >= nextReport || done == total) {
          progress.update(done, total);
          nextReport = done + PROGRESS_EVERY;
        }
      }
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
    return tally.report(baseline.calls());
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("exploration interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    }
  }

  private static ThreadFactory daemon() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "fcproc-explorer-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Counts as runs come in; only insertion order matters (the set is for counting). */
  private static final class Tally {
    final String target;
    final List<Schedule> schedules = new ArrayList<>();
    final Set<Schedule> distinct = new HashSet<>();
    final List<Violation> violations = new ArrayList<>();
    int made;
    int refused;
    int faults;
    int succeeded;
    int failed;

    Tally(String target) {
      this.target = target;
    }

    void add(Runner.Run run) {
      RunResult r = run.result();
      schedules.add(r.schedule());
      distinct.add(r.schedule());
      switch (r.move()) {
        case MADE -> made++;
        case REFUSED -> refused++;
        case NONE -> { }
      }
      if (run.faultHit()) {
        faults++;
      }
      if (r.outcome().equals("ok")) {
        succeeded++;
      } else {
        failed++;
      }
      r.violation().ifPresent(violations::add);
    }

    ExplorationReport report(int calls) {
      return new ExplorationReport(target, calls, schedules.size(), distinct.size(), made, refused, faults, succeeded, failed,
          violations, schedules);
    }
  }
}
