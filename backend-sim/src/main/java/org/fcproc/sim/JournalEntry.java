package org.fcproc.sim;

import java.util.Objects;

/**
 * One finished host call. The journal is appended when a call ends, so a call made from a
 * hook or a clock event (which runs inside another call) appears before the call that
 * triggered it, with a higher index.
 *
 * @param index the call's number, as in {@link SimCall#index()}
 * @param actorUid effective uid of the view that made the call
 * @param call the method name
 * @param args the arguments, rendered for reading
 * @param outcome {@code ok}, or the errno's name
 * @param nanoTime virtual time when the call ended
 */
public record JournalEntry(long index, int actorUid, String call, String args, String outcome, long nanoTime) {
  public JournalEntry {
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(outcome, "outcome");
  }

  public boolean ok() {
    return outcome.equals("ok");
  }

  @Override
  public String toString() {
    return "#" + index + " uid " + actorUid + " " + call + "(" + args + ") = " + outcome;
  }
}
