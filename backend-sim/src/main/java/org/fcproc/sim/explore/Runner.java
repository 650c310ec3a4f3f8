package org.fcproc.sim.explore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.fcproc.host.HostOps;
import org.fcproc.sim.JournalEntry;
import org.fcproc.sim.SimCall;
import org.fcproc.sim.SimHost;

/**
 * Runs a target once under one schedule, on a fresh host, and judges the run.
 *
 * <p>Everything that happens is driven by the host's own call numbering: the move is made from a
 * one-shot before-call hook when the call numbered {@code first + gap} is about to run, a fault
 * is injected on the call numbered {@code first + call - 1}. No clock, thread or hash order is
 * involved, so a schedule reproduces its run exactly.
 */
final class Runner {
  private Runner() {}

  /** A run, plus what the baseline run teaches: the operation's calls, and which of them can be
   *  made to fail (a handle's {@code close} cannot). */
  record Run(RunResult result, int calls, List<Integer> faultable, boolean faultHit) {}

  /** Thrown from the hook when a run exceeds its call budget. An {@link Error}, so that core's
   *  handlers (which catch host and runtime exceptions) let it through. */
  static final class BudgetExceeded extends Error {
    private static final long serialVersionUID = 1L;

    BudgetExceeded(int budget) {
      super("the operation made more than " + budget + " host calls", null, false, false);
    }
  }

  /** The mutable state of one run, touched only by the hook and the thread running it. */
  private static final class State {
    boolean moved;
    Observation beforeMove;
    Observation afterMove;
    String refusal;
    String where = "";
  }

  static Run run(Target t, Schedule s) {
    return run(t, s, true);
  }

  /** @param keepJournal whether the result carries the journal (a replay wants it; an
   *     exploration of thousands of runs does not) */
  static Run run(Target t, Schedule s, boolean keepJournal) {
    SimHost host = t.host().get();
    Observation start = Observation.of(host);
    final long first = host.nextCallIndex();
    HostOps adversary = host.as(t.adversary());
    State st = new State();
    long budget = t.callBudget();
    host.beforeEachCall(call -> {
      if (call.index() - first >= budget) {
        throw new BudgetExceeded(t.callBudget());
      }
      // ">=": calls made inside another call (by a clock event) are numbered but never hooked,
      // so the move goes before the first hooked call at or after its gap.
      if (s instanceof Schedule.MoveAt m && !st.moved && call.index() >= first + m.gap()) {
        move(host, adversary, m.move(), st, "before call " + (call.index() - first + 1) + ", " + describe(call));
      }
    });
    TreeSet<Integer> faultable = new TreeSet<>();
    if (s instanceof Schedule.Baseline) {
      // A fault predicate is asked only about calls a fault can hit: one that never matches
      // lists them.
      host.failWhen(call -> {
        faultable.add((int) (call.index() - first + 1));
        return false;
      }, org.fcproc.host.Errno.EIO);
    }
    if (s instanceof Schedule.FaultAt f) {
      host.failOnce(call -> {
        if (call.index() == first + f.call() - 1) {
          st.where = "call " + f.call() + ", " + describe(call) + " failed with " + f.errno();
          return true;
        }
        return false;
      }, f.errno());
    }

    Throwable thrown = null;
    try {
      t.operation().run(host);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Exception | Error e) {
      thrown = e;
    } finally {
      host.clearHooks();
      host.clearFaults();
    }
    int calls = (int) (host.nextCallIndex() - first);

    String postcondition = null;
    if (thrown == null) {
      try {
        t.postcondition().check(host, start.tree());
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Exception | Error e) {
        postcondition = firstLines(e);
      }
    }
    if (s instanceof Schedule.MoveAt m && !st.moved) {
      move(host, adversary, m.move(), st, "after the operation returned (" + calls + " calls)");
    }
    Observation end = Observation.of(host);

    List<String> reasons = new ArrayList<>();
    if (thrown instanceof BudgetExceeded) {
      reasons.add("did not finish: " + thrown.getMessage());
    } else if (thrown instanceof RuntimeException || thrown instanceof Error) {
      reasons.add("crashed: " + render(thrown));
    } else if (thrown != null) {
      String msg = thrown.getMessage();
      if (msg == null || msg.isBlank() || msg.indexOf('/') < 0) {
        reasons.add("failed without naming a path: " + render(thrown));
      }
    } else if (postcondition != null) {
      reasons.add("succeeded but the postcondition does not hold: " + postcondition);
    }
    Observation sb = st.moved ? st.beforeMove : start;
    Observation sa = st.moved ? st.afterMove : start;
    List<String> problems = InvariantCheck.problems(t, start, sb, sa, end);
    if (!problems.isEmpty()) {
      reasons.add("jail invariant: " + String.join("; ", problems));
    }

    RunResult.MoveOutcome mo = !(s instanceof Schedule.MoveAt) ? RunResult.MoveOutcome.NONE
        : st.refusal == null ? RunResult.MoveOutcome.MADE : RunResult.MoveOutcome.REFUSED;
    String adversaryNote = switch (mo) {
      case NONE -> st.where.isEmpty() ? "none" : st.where;
      case MADE -> "move made " + st.where;
      case REFUSED -> "move refused by the kernel " + st.where + ": " + st.refusal;
    };
    Optional<Violation> violation = Optional.empty();
    if (!reasons.isEmpty()) {
      String outcomeText = thrown == null ? "the operation succeeded" : "the operation threw " + render(thrown);
      List<String> diff = InvariantCheck.explain(t, start, sb, sa, end).diff();
      violation = Optional.of(new Violation(s, String.join("\n", reasons) + "\n(" + adversaryNote + "; " + outcomeText + ")", diff));
    }
    List<JournalEntry> journal = new ArrayList<>();
    if (keepJournal) {
      for (JournalEntry e : host.journal()) {
        if (e.index() >= first) {
          journal.add(e);
        }
      }
    }
    RunResult result = new RunResult(s, thrown == null ? "ok" : render(thrown), mo, adversaryNote, journal, violation);
    return new Run(result, calls, List.copyOf(faultable), s instanceof Schedule.FaultAt && !st.where.isEmpty());
  }

  private static void move(SimHost host, HostOps adversary, Move m, State st, String where) {
    st.beforeMove = Observation.of(host);
    st.refusal = Adversary.perform(host, adversary, m).orElse(null);
    st.afterMove = Observation.of(host);
    st.moved = true;
    st.where = where;
  }

  private static String describe(SimCall call) {
    StringBuilder sb = new StringBuilder(call.call());
    if (!call.paths().isEmpty()) {
      sb.append(' ');
      List<String> q = new ArrayList<>();
      call.paths().forEach(p -> q.add(MoveText.quote(p)));
      sb.append(String.join(" ", q));
    }
    return sb.toString();
  }

  /**
   * The first two non-blank lines of a postcondition's message: enough to say what does not
   * hold, and free of what may differ between two runs of one schedule (assertion libraries
   * append nested stack traces, whose frames depend on the thread that ran the check).
   */
  static String firstLines(Throwable e) {
    String msg = e.getMessage();
    if (msg == null || msg.isBlank()) {
      return e.getClass().getSimpleName();
    }
    List<String> out = new ArrayList<>();
    for (String line : msg.split("\n")) {
      String l = line.strip();
      if (!l.isEmpty()) {
        out.add(l.length() > 300 ? l.substring(0, 300) + "..." : l);
      }
      if (out.size() == 2) {
        break;
      }
    }
    return String.join(" ", out);
  }

  private static String render(Throwable e) {
    String msg = e.getMessage();
    return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }
}
