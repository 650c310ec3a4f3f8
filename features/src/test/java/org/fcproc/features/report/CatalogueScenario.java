package org.fcproc.features.report;

import java.util.Objects;
import java.util.Set;

/**
 * One scenario of an attack, as its feature file writes it.
 *
 * @param feature the feature file's name, e.g. {@code sockets.feature}
 * @param name the scenario's name
 * @param line the line of its {@code Scenario:} keyword
 * @param exampleLines for a Scenario Outline, the lines of its example rows: Cucumber reports
 *     each row as a test case located at that row, so results are matched by these
 * @param source the scenario's text, tags to last line, with the rule's indentation removed
 * @param simOnly tagged {@code @sim-only} (itself, or its rule or feature): the kernel suite
 *     leaves it out, so its outcome there is always "not run"
 */
record CatalogueScenario(String feature, String name, int line, Set<Integer> exampleLines, String source, boolean simOnly) {
  static final String SIM_ONLY = "@sim-only";

  CatalogueScenario {
    Objects.requireNonNull(feature, "feature");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(source, "source");
    if (line < 1) {
      throw new IllegalArgumentException("line " + line + " of " + feature);
    }
    exampleLines = Set.copyOf(exampleLines);
  }

  /** Whether a test case reported at that place of that feature file is (a row of) this scenario. */
  boolean covers(String featureName, int testCaseLine) {
    return feature.equals(featureName) && (testCaseLine == line || exampleLines.contains(testCaseLine));
  }

  /** A stable HTML anchor: feature file and line. */
  String anchor() {
    return "scenario-" + feature.replace(".feature", "") + "-" + line;
  }
}
