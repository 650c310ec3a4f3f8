package org.fcproc.features.report;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The exploration counts of one scenario run, added to by the exploration steps and read by
 * {@link SecurityReport} when the run ends. Static because Cucumber plugins and step
 * definitions share no container.
 */
public final class ExplorationTally {
  /** Counts over the whole run. */
  public record Totals(long runs, long schedules, long violations) {}

  private static final AtomicLong RUNS = new AtomicLong();
  private static final AtomicLong SCHEDULES = new AtomicLong();
  private static final AtomicLong VIOLATIONS = new AtomicLong();

  private ExplorationTally() {}

  public static void add(long runs, long schedules, long violations) {
    RUNS.addAndGet(runs);
    SCHEDULES.addAndGet(schedules);
    VIOLATIONS.addAndGet(violations);
  }

  static Totals totals() {
    return new Totals(RUNS.get(), SCHEDULES.get(), VIOLATIONS.get());
  }
}
