package org.fcproc.bench;

import java.util.Arrays;

/**
 * Order statistics of a sample: median, p10, p90, p99 (nearest rank), min, max. Values are in
 * whatever unit the caller measured; {@link #ofNanosAsMillis} converts nanoseconds to ms.
 */
public record Stats(int n, double median, double p10, double p90, double p99, double min, double max) {

  public static Stats of(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    double[] v = values.clone();
    Arrays.sort(v);
    return new Stats(v.length, pct(v, 0.50), pct(v, 0.10), pct(v, 0.90), pct(v, 0.99), v[0], v[v.length - 1]);
  }

  public static Stats ofNanosAsMillis(long[] nanos) {
    double[] ms = new double[nanos.length];
    for (int i = 0; i < nanos.length; i++) {
      ms[i] = nanos[i] / 1e6;
    }
    return of(ms);
  }

  /** Nearest rank: the smallest value with at least {@code p} of the sample at or below it. */
  static double pct(double[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
