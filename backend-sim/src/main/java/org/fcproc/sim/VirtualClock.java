package org.fcproc.sim;

import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * Virtual time. Nothing here reads the wall clock: time moves only when the code under test
 * sleeps or waits, so a 5-second timeout costs nothing and every run is the same. Events fire
 * in time order, ties in the order they were scheduled.
 */
final class VirtualClock {
  /** Where {@code nanoTime()} starts: 1000 s after boot, an arbitrary fixed value. */
  static final long START_NANOS = 1_000_000_000_000L;
  /** {@code USER_HZ}: {@code /proc/[pid]/stat} start times count 1/100 s ticks. */
  static final long NANOS_PER_TICK = 10_000_000L;

  private record Event(long at, long seq, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private long now = START_NANOS;
  private long seq;

  long nanoTime() {
    return now;
  }

  long ticks() {
    return now / NANOS_PER_TICK;
  }

  void schedule(long delayNanos, Runnable action) {
    queue.add(new Event(now + Math.max(0, delayNanos), seq++, action));
  }

  /** Advances by {@code nanos}, firing each due event at its own time. */
  void advance(long nanos) {
    advanceUntil(now + Math.max(0, nanos), () -> false);
  }

  /**
   * Advances to {@code deadline} or until {@code done} holds after an event, whichever is
   * first; returns whether {@code done} held. This is how a blocking read wakes when the peer
   * answers or hangs up before its timeout.
   */
  boolean advanceUntil(long deadline, BooleanSupplier done) {
    while (!queue.isEmpty() && queue.peek().at <= deadline) {
      Event e = queue.poll();
      now = Math.max(now, e.at);
      e.action.run();
      if (done.getAsBoolean()) {
        return true;
      }
    }
    now = Math.max(now, deadline);
    return done.getAsBoolean();
  }

  int pending() {
    return queue.size();
  }
}
