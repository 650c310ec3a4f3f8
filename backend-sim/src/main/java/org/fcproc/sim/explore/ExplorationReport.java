package org.fcproc.sim.explore;

import java.util.List;
import java.util.Objects;

/**
 * What an exploration did and found. Deterministic: the same target explored twice gives an
 * equal report (wall-clock rates are the caller's to measure).
 *
 * @param target the target's name
 * @param operationCalls host calls the operation makes when nothing interferes (K): moves are
 *     tried in gaps 0..K, faults on each of those calls that can fail
 * @param runs runs made, the baseline included
 * @param distinctSchedules distinct schedules among them
 * @param movesMade runs in which the adversary's move was made
 * @param movesRefused runs in which the simulated kernel refused the move
 * @param faultsInjected runs in which the scheduled fault hit its call
 * @param succeeded runs in which the operation returned normally
 * @param failed runs in which it threw
 * @param violations the runs that broke the invariant or ended badly, in schedule order
 * @param schedules every schedule run, in order
 */
public record ExplorationReport(
    String target,
    int operationCalls,
    int runs,
    int distinctSchedules,
    int movesMade,
    int movesRefused,
    int faultsInjected,
    int succeeded,
    int failed,
    List<Violation> violations,
    List<Schedule> schedules) {

  public ExplorationReport {
    Objects.requireNonNull(target, "target");
    if (runs < 0 || distinctSchedules < 0 || distinctSchedules > runs || succeeded + failed != runs) {
      throw new IllegalArgumentException("inconsistent counts: runs " + runs + ", distinct " + distinctSchedules
          + ", succeeded " + succeeded + ", failed " + failed);
    }
    violations = List.copyOf(violations);
    schedules = List.copyOf(schedules);
    if (schedules.size() != runs) {
      throw new IllegalArgumentException(schedules.size() + " schedules for " + runs + " runs");
    }
  }

  public boolean clean() {
    return violations.isEmpty();
  }

  /** Counts first, then each violation with its replayable schedule and host diff. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("exploration of ").append(target).append(": ").append(runs).append(" runs, ")
        .append(distinctSchedules).append(" distinct schedules; the operation makes ").append(operationCalls).append(" host calls\n");
    sb.append("  adversary moves made: ").append(movesMade).append(", refused by the kernel: ").append(movesRefused)
        .append("; faults injected: ").append(faultsInjected).append('\n');
    sb.append("  outcomes: ").append(succeeded).append(" succeeded, ").append(failed).append(" refused or failed\n");
    sb.append("  violations: ").append(violations.size()).append('\n');
    violations.forEach(v -> sb.append(v.render()));
    return sb.toString();
  }
}
