package org.fcproc.features.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The explorations of one suite run, added to by the exploration steps and read by
 * {@link SecurityReport} when the run ends. Static because Cucumber plugins and step
 * definitions share no container.
 */
public final class ExplorationTally {
  private static final List<Exploration> DONE = new ArrayList<>();

  private ExplorationTally() {}

  /**
   * One exploration: what {@code org.fcproc.sim.explore.ExplorationReport} counted, and how long
   * it took on the wall clock (the report itself is deterministic and keeps no time).
   *
   * @param scenario the scenario that asked for it
   * @param target the explored operation
   * @param runs runs made, the baseline included
   * @param schedules distinct schedules among them
   * @param movesMade runs in which the adversary's move was made
   * @param movesRefused runs in which the kernel's permissions refused the move
   * @param faults runs in which a host call was made to fail
   * @param violations runs that broke the jail invariant or the operation's promise
   * @param millis wall-clock time of the whole exploration
   */
  public record Exploration(
      String scenario, String target, long runs, long schedules, long movesMade, long movesRefused, long faults, long violations,
      long millis) {
    public Exploration {
      if (scenario == null || target == null || target.isBlank()) {
        throw new IllegalArgumentException("exploration target name \"" + target + "\"");
      }
      if (runs < 0 || schedules < 0 || movesMade < 0 || movesRefused < 0 || faults < 0 || violations < 0 || millis < 0) {
        throw new IllegalArgumentException("negative count in the exploration of " + target);
      }
    }

    /** Runs per second of wall-clock time; 0 when no time was measured. */
    public double runsPerSecond() {
      return millis == 0 ? 0 : runs * 1000.0 / millis;
    }
  }

  public static synchronized void add(Exploration e) {
    DONE.add(e);
  }

  static synchronized List<Exploration> all() {
    return List.copyOf(DONE);
  }

  /** The sum of several explorations, named {@code total}. */
  static Exploration total(List<Exploration> all) {
    return new Exploration("total", "all operations",
        all.stream().mapToLong(Exploration::runs).sum(),
        all.stream().mapToLong(Exploration::schedules).sum(),
        all.stream().mapToLong(Exploration::movesMade).sum(),
        all.stream().mapToLong(Exploration::movesRefused).sum(),
        all.stream().mapToLong(Exploration::faults).sum(),
        all.stream().mapToLong(Exploration::violations).sum(),
        all.stream().mapToLong(Exploration::millis).sum());
  }
}
