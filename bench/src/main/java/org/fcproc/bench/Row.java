package org.fcproc.bench;

/**
 * One line of the results table.
 *
 * @param section the item number and name, e.g. {@code "1 jail staging + cleanup"}
 * @param name what was measured
 * @param unit {@code ms}, {@code VMs/s}, {@code runs/s}, {@code KiB}, ...
 * @param stats the sample (null when not measured)
 * @param baseline the row this one is compared with, or empty
 * @param ratio how many times better than the baseline (baseline/this for times, this/baseline
 *     for rates), or NaN
 * @param target the target for this row, or empty
 * @param verdict {@code met}, {@code MISSED}, or empty when no target applies
 * @param note anything a reader needs to read the row right
 */
public record Row(String section, String name, String unit, Stats stats, String baseline, double ratio, String target,
                  String verdict, String note) {

  static Row info(String section, String name, String unit, Stats stats, String note) {
    return new Row(section, name, unit, stats, "", Double.NaN, "", "", note);
  }

  static Row missing(String section, String name, String note) {
    return new Row(section, name, "", null, "", Double.NaN, "", "", note);
  }

  Row compared(String baselineName, double r) {
    return new Row(section, name, unit, stats, baselineName, r, target, verdict, note);
  }

  Row target(String t, boolean met) {
    return new Row(section, name, unit, stats, baseline, ratio, t, met ? "met" : "MISSED", note);
  }

  Row note(String n) {
    return new Row(section, name, unit, stats, baseline, ratio, target, verdict, n);
  }
}
