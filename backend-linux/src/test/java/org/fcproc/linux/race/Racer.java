package org.fcproc.linux.race;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.fcproc.host.Errno;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.RenameMode;

/**
 * The racing adversary: a thread of its own that exchanges two names with
 * {@code renameat2(RENAME_EXCHANGE)}, through directory handles, until told to stop — flat out,
 * or with a random pause of up to {@code maxPauseNanos} between swaps so that slower
 * interleavings are tried too. It counts the exchanges that happened and the errnos of those the
 * kernel refused (EBUSY while a name is a mount point, ENOENT once a name is gone).
 *
 * <p>One instance per iteration: {@link #start()} returns once the thread is in its loop,
 * {@link #stop()} joins it. The thread is the test's own and is always joined.
 */
final class Racer {
  /** What one run of the racer did. */
  record Result(long swaps, Map<Errno, Long> refusals) {}

  private final HostOps host;
  private final Handle fromDir;
  private final String fromName;
  private final Handle toDir;
  private final String toName;
  private final long maxPauseNanos;
  private final long seed;

  private volatile boolean stop;
  private volatile boolean running;
  private Thread thread;
  // Written by the racer thread before it ends; read after join (join orders them).
  private long swaps;
  private Map<Errno, Long> refusals;
  private Throwable unexpected;

  Racer(HostOps host, Handle fromDir, String fromName, Handle toDir, String toName, long maxPauseNanos, long seed) {
    this.host = host;
    this.fromDir = fromDir;
    this.fromName = fromName;
    this.toDir = toDir;
    this.toName = toName;
    this.maxPauseNanos = maxPauseNanos;
    this.seed = seed;
  }

  void start() {
    thread = new Thread(this::loop, "fcproc-race-racer");
    thread.setDaemon(true);
    thread.start();
    while (!running && thread.isAlive()) {
      Thread.yield(); // on a busy 2-core machine, let the racer be scheduled
    }
  }

  private void loop() {
    long n = 0;
    Map<Errno, Long> refused = new EnumMap<>(Errno.class);
    SplittableRandom random = new SplittableRandom(seed);
    running = true;
    try {
      while (!stop) {
        try {
          host.renameAt(fromDir, fromName, toDir, toName, RenameMode.EXCHANGE);
          n++;
        } catch (HostException e) {
          refused.merge(e.errno(), 1L, Long::sum);
        }
        if (maxPauseNanos > 0) {
          long until = System.nanoTime() + random.nextLong(maxPauseNanos + 1);
          while (System.nanoTime() < until && !stop) {
            Thread.onSpinWait();
          }
        }
      }
    } catch (Throwable t) {
      unexpected = t;
    } finally {
      swaps = n;
      refusals = refused;
    }
  }

  /** Stops the racer and joins it; fails if it died of anything but a refused rename. */
  Result stop() throws InterruptedException {
    stop = true;
    if (thread == null) {
      return new Result(0, Map.of());
    }
    thread.join(30_000);
    if (thread.isAlive()) {
      throw new AssertionError("the racer thread did not stop within 30 s");
    }
    if (unexpected != null) {
      throw new AssertionError("the racer died: " + unexpected, unexpected);
    }
    return new Result(swaps, refusals);
  }
}
