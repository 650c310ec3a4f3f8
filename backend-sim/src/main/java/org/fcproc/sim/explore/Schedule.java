package org.fcproc.sim.explore;

import java.util.Objects;
import org.fcproc.host.Errno;

/**
 * What the world does to one run of the operation, and the run's identity: the same schedule on
 * the same target gives the same run, call for call ({@link Explorer#replay}). Its
 * {@link #text()} is stable and reads back with {@link #parse}, so a failure in a CI log can be
 * reproduced with {@code -Dfcproc.explore.replay='<text>'}.
 */
public sealed interface Schedule permits Schedule.Baseline, Schedule.MoveAt, Schedule.FaultAt {

  /** The stable text form: {@code baseline}, {@code gap=7 move=...} or {@code call=12 errno=EIO}. */
  String text();

  /** Reads a schedule back from its {@link #text()}. */
  static Schedule parse(String text) {
    Objects.requireNonNull(text, "schedule text");
    String t = text.strip();
    if (t.equals("baseline")) {
      return new Baseline();
    }
    if (t.startsWith("gap=")) {
      int space = t.indexOf(' ');
      if (space < 0 || !t.startsWith("move=", space + 1)) {
        throw new IllegalArgumentException("cannot read schedule \"" + text + "\": expected gap=N move=Move(...)");
      }
      return new MoveAt(number(t.substring(4, space), text), MoveText.parse(t.substring(space + 6)));
    }
    if (t.startsWith("call=")) {
      int space = t.indexOf(' ');
      if (space < 0 || !t.startsWith("errno=", space + 1)) {
        throw new IllegalArgumentException("cannot read schedule \"" + text + "\": expected call=N errno=ERRNO");
      }
      Errno errno;
      try {
        errno = Errno.valueOf(t.substring(space + 7));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("cannot read schedule \"" + text + "\": unknown errno", e);
      }
      return new FaultAt(number(t.substring(5, space), text), errno);
    }
    throw new IllegalArgumentException("cannot read schedule \"" + text + "\": expected baseline, gap=... or call=...");
  }

  private static int number(String s, String whole) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("cannot read schedule \"" + whole + "\": " + s + " is not a number", e);
    }
  }

  /** No adversary and no fault: the run that learns the operation's call count. */
  record Baseline() implements Schedule {
    @Override
    public String text() {
      return "baseline";
    }

    @Override
    public String toString() {
      return text();
    }
  }

  /**
   * The adversary makes {@code move} in gap {@code gap}: just before the operation's call number
   * {@code gap + 1} (calls counted from 1 from the operation's start), so gap 0 is before its
   * first call, and a gap at or past its last call means after the operation returned.
   */
  record MoveAt(int gap, Move move) implements Schedule {
    public MoveAt {
      if (gap < 0) {
        throw new IllegalArgumentException("gap must be >= 0, not " + gap);
      }
      Objects.requireNonNull(move, "move");
    }

    @Override
    public String text() {
      return "gap=" + gap + " move=" + move.describe();
    }

    @Override
    public String toString() {
      return text();
    }
  }

  /** The operation's call number {@code call} (from 1) fails with {@code errno}, once. */
  record FaultAt(int call, Errno errno) implements Schedule {
    public FaultAt {
      if (call < 1) {
        throw new IllegalArgumentException("call must be >= 1, not " + call);
      }
      Objects.requireNonNull(errno, "errno");
    }

    @Override
    public String text() {
      return "call=" + call + " errno=" + errno.name();
    }

    @Override
    public String toString() {
      return text();
    }
  }
}
