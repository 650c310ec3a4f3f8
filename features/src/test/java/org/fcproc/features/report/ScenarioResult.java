package org.fcproc.features.report;

import java.util.Objects;

/**
 * How one test case ended in a suite run: a scenario, or one example row of an outline.
 *
 * @param feature the feature file's name
 * @param line where Cucumber located the test case: the scenario's line, or the example row's
 * @param status Cucumber's status name: PASSED, FAILED, SKIPPED, PENDING, UNDEFINED, AMBIGUOUS,
 *     UNUSED
 * @param name the scenario's name (an outline row's name has its values filled in)
 */
record ScenarioResult(String feature, int line, String status, String name) {
  ScenarioResult {
    Objects.requireNonNull(feature, "feature");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(name, "name");
    if (line < 1) {
      throw new IllegalArgumentException("line " + line + " of " + feature);
    }
  }

  boolean passed() {
    return status.equals("PASSED");
  }

  /** Not run: Cucumber skipped it (a failed assumption, a skipped backend) or never used it. */
  boolean skipped() {
    return status.equals("SKIPPED") || status.equals("UNUSED");
  }
}
