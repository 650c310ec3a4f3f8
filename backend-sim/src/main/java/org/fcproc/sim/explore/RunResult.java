package org.fcproc.sim.explore;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.fcproc.sim.JournalEntry;

/**
 * One run of a target under a schedule.
 *
 * @param schedule what the world did
 * @param outcome {@code ok}, or the exception the operation threw, {@code Class: message}
 * @param move whether the adversary's move was made, refused by the kernel, or there was none
 * @param adversary where the move or the fault struck, or why the kernel refused the move
 * @param journal every host call from the operation's start — the adversary's included, with
 *     its uid — in the order they finished; two runs of one schedule give equal journals
 * @param violation what was wrong, if anything
 */
public record RunResult(
    Schedule schedule, String outcome, MoveOutcome move, String adversary, List<JournalEntry> journal, Optional<Violation> violation) {

  /** What became of the schedule's move. */
  public enum MoveOutcome {
    /** The schedule has no move. */
    NONE,
    /** The adversary made the move. */
    MADE,
    /** The simulated kernel refused a step of it (the operation ran on regardless). */
    REFUSED
  }

  public RunResult {
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(move, "move");
    Objects.requireNonNull(adversary, "adversary");
    journal = List.copyOf(journal);
    Objects.requireNonNull(violation, "violation");
  }

  public boolean violated() {
    return violation.isPresent();
  }
}
