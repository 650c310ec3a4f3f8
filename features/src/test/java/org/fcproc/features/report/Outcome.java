package org.fcproc.features.report;

import java.util.List;
import java.util.Optional;

/**
 * What the report says of one attack on one backend. The rule is conservative: an attack is
 * defended only when every one of its scenarios ran and passed there.
 */
enum Outcome {
  /** Every scenario of the attack ran on the backend and passed. */
  DEFENDED("defended"),
  /** At least one scenario of the attack failed (or was undefined, pending, ambiguous). */
  NOT_DEFENDED("not defended"),
  /** The backend did not run in this build, or ran none (or not all) of the attack's scenarios. */
  NOT_RUN("not run"),
  /** The catalogue declares the attack and no scenario shows it: the catalogue check fails. */
  NO_SCENARIO("no scenario");

  private final String label;

  Outcome(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  /** The CSS class and the page's {@code data-outcome}: the label with dashes. */
  String css() {
    return label.replace(' ', '-');
  }

  static Outcome of(Attack attack, Optional<BackendRun> run) {
    if (attack.scenarios().isEmpty()) {
      return NO_SCENARIO;
    }
    List<Outcome> each = attack.scenarios().stream().map(s -> of(s, run)).toList();
    if (each.contains(NOT_DEFENDED)) {
      return NOT_DEFENDED;
    }
    return each.stream().allMatch(o -> o == DEFENDED) ? DEFENDED : NOT_RUN;
  }

  /** One scenario's outcome on a backend: the same rule, for one scenario's test cases. */
  static Outcome of(CatalogueScenario scenario, Optional<BackendRun> run) {
    if (run.isEmpty()) {
      return NOT_RUN;
    }
    List<ScenarioResult> results = run.get().resultsOf(scenario);
    if (results.stream().anyMatch(r -> !r.passed() && !r.skipped())) {
      return NOT_DEFENDED;
    }
    return results.isEmpty() || results.stream().anyMatch(ScenarioResult::skipped) ? NOT_RUN : DEFENDED;
  }
}
