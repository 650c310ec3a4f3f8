package org.fcproc.features.steps;

import java.util.ArrayList;
import java.util.List;

/**
 * The moves a scenario scheduled inside an operation, and what became of each. A move that could
 * not be made (the adversary's rename refused with EACCES by a root-owned parent, a bind mount
 * refused with EBUSY) or that never ran (its call never came) leaves the operation untested: its
 * "unchanged" checks would pass because nothing happened. So a failed move is recorded here
 * instead of reaching fcproc as the outcome of the host call, and the scenario fails on it —
 * unless the scenario said it expects the move to fail.
 */
final class AdversaryMoves {
  /** One scheduled move: what the scenario said, whether it ran, and why it could not be made. */
  static final class Move {
    private final String description;
    private boolean ran;
    private RuntimeException failure;

    private Move(String description) {
      this.description = description;
    }

    String description() {
      return description;
    }
  }

  private final List<Move> moves = new ArrayList<>();
  private boolean failureExpected;

  /**
   * Wraps {@code action} so that running it marks the move made, and a failure is recorded
   * instead of thrown into fcproc's host call.
   */
  synchronized Runnable schedule(String description, Runnable action) {
    Move move = new Move(description);
    moves.add(move);
    return () -> {
      synchronized (this) {
        move.ran = true;
      }
      try {
        action.run();
      } catch (RuntimeException e) {
        synchronized (this) {
          move.failure = e;
        }
      }
    };
  }

  /** A fault injected into a call: it has "run" when the call it targets was failed. */
  synchronized Runnable scheduleFault(String description) {
    return schedule(description, () -> {});
  }

  synchronized void expectFailure() {
    failureExpected = true;
  }

  /**
   * After an operation: a move that could not be made fails the scenario, named with its reason,
   * unless the scenario expects that.
   */
  synchronized void checkNoneFailed() {
    if (failureExpected) {
      return;
    }
    for (Move m : moves) {
      if (m.failure != null) {
        throw new AssertionError("the adversary's move \"" + m.description + "\" could not be made: "
            + m.failure.getMessage() + " — the scenario tests nothing; if it means to show that the move is impossible, add"
            + " \"Given the adversary's move is expected to fail\"", m.failure);
      }
    }
  }

  /** At the end of the scenario: every move ran, and an expected failure happened. */
  synchronized void checkAllRan() {
    List<String> never = moves.stream().filter(m -> !m.ran).map(m -> "\"" + m.description + "\"").toList();
    if (!never.isEmpty()) {
      throw new AssertionError("scheduled but never made, because fcproc never made the call it waits for: "
          + String.join(", ", never) + " — the scenario tests nothing");
    }
    if (failureExpected && moves.stream().noneMatch(m -> m.failure != null)) {
      throw new AssertionError("the scenario expects the adversary's move to fail, but every move was made: "
          + moves.stream().map(Move::description).toList());
    }
  }

  /** The reason the first failed move could not be made; empty when every move was made. */
  synchronized java.util.Optional<RuntimeException> firstFailure() {
    return moves.stream().filter(m -> m.failure != null).map(m -> m.failure).findFirst();
  }
}
