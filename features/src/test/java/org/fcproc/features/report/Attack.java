package org.fcproc.features.report;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One attack of the catalogue: a {@code Rule} of a feature file, tagged with its id.
 *
 * @param id e.g. {@code S1}: a capital letter and a number; main code and docs cite it
 * @param title the rule's name: what the adversary does
 * @param invariant the rule's {@code Invariant:} paragraph: what must hold afterwards
 * @param attackClass the feature file's {@code @class:} tag
 * @param feature the feature file's name
 * @param line the line of the {@code Rule:} keyword
 * @param scenarios the scenarios under the rule; empty means the attack has no scenario yet
 */
record Attack(
    String id, String title, String invariant, AttackClass attackClass, String feature, int line,
    List<CatalogueScenario> scenarios) {
  static final Pattern ID = Pattern.compile("[A-Z][0-9]+");

  Attack {
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("attack id " + id + " is not a capital letter and a number");
    }
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(invariant, "invariant");
    Objects.requireNonNull(attackClass, "attackClass");
    Objects.requireNonNull(feature, "feature");
    scenarios = List.copyOf(scenarios);
  }

  /** Ids sort by letter, then number: S2 before S10. */
  static int compareIds(String a, String b) {
    int c = Character.compare(a.charAt(0), b.charAt(0));
    return c != 0 ? c : Integer.compare(Integer.parseInt(a.substring(1)), Integer.parseInt(b.substring(1)));
  }
}
