package org.fcproc.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Wall-clock timing helpers: per-operation samples, and throughput windows on N threads. */
final class Timing {
  private Timing() {}

  @FunctionalInterface
  interface Op {
    void run() throws Exception;
  }

  /** Op for thread {@code t} of a throughput run. */
  @FunctionalInterface
  interface ThreadOp {
    void run(int thread) throws Exception;
  }

  /** Runs {@code op} {@code warmup} times untimed, then {@code n} times timed; nanoseconds each. */
  static long[] sample(int warmup, int n, Op op) throws Exception {
    for (int i = 0; i < warmup; i++) {
      op.run();
    }
    long[] t = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      op.run();
      t[i] = System.nanoTime() - t0;
    }
    return t;
  }

  private static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory.getThreadMXBean();

  /** This thread's CPU time (user + system), nanoseconds: what an operation costs the machine,
   *  free of waiting for a CPU on a loaded machine (but also of sleeps inside the kernel). */
  static long cpuNow() {
    return MX.getCurrentThreadCpuTime();
  }

  /** CPU time per operation, nanoseconds, after {@code warmup} untimed runs. */
  static long[] cpuSample(int warmup, int n, Op op) throws Exception {
    for (int i = 0; i < warmup; i++) {
      op.run();
    }
    long[] t = new long[n];
    for (int i = 0; i < n; i++) {
      long c0 = cpuNow();
      op.run();
      t[i] = cpuNow() - c0;
    }
    return t;
  }

  static long[] concat(List<long[]> parts) {
    int n = parts.stream().mapToInt(a -> a.length).sum();
    long[] all = new long[n];
    int at = 0;
    for (long[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  /**
   * Operations per second on {@code threads} threads: one untimed window of {@code warmupMs}, then
   * {@code windows} windows of {@code windowMs}; each thread loops until the window's deadline, and
   * a window's rate is the operations completed over the time until the last thread finished.
   */
  static double[] throughput(int threads, long warmupMs, int windows, long windowMs, ThreadOp op) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      window(pool, threads, warmupMs, op);
      double[] rates = new double[windows];
      for (int w = 0; w < windows; w++) {
        rates[w] = window(pool, threads, windowMs, op);
      }
      return rates;
    } finally {
      pool.shutdownNow();
    }
  }

  private static double window(ExecutorService pool, int threads, long ms, ThreadOp op) throws Exception {
    long start = System.nanoTime();
    long deadline = start + ms * 1_000_000L;
    List<Future<Long>> fs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      fs.add(pool.submit(() -> {
        long done = 0;
        while (System.nanoTime() < deadline) {
          op.run(thread);
          done++;
        }
        return done;
      }));
    }
    long total = 0;
    for (Future<Long> f : fs) {
      total += f.get();
    }
    return total / ((System.nanoTime() - start) / 1e9);
  }
}
