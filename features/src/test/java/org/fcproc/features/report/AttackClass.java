package org.fcproc.features.report;

import java.util.List;
import java.util.Optional;

/**
 * A class of attacks: what part of fcproc the adversary goes after. A feature file that declares
 * attacks names its class with one feature tag, {@code @class:<tag>}; the report groups its
 * matrix by class, in the order of {@link #KNOWN}. The list is closed so that a misspelt tag
 * fails the catalogue check instead of opening a new, one-row class.
 *
 * @param tag what follows {@code @class:}
 * @param title how the report names it
 */
record AttackClass(String tag, String title) {
  static final String PREFIX = "@class:";

  static final List<AttackClass> KNOWN = List.of(
      new AttackClass("sockets", "Socket hand-off"),
      new AttackClass("jail-staging", "Jail staging"),
      new AttackClass("jail-cleanup", "Jail cleanup"),
      new AttackClass("processes", "Processes"),
      new AttackClass("network", "Network"),
      new AttackClass("binary", "Binary"),
      new AttackClass("sudo-caller", "The caller of the sudo helper"));

  AttackClass {
    if (!tag.matches("[a-z][a-z-]*") || title.isBlank()) {
      throw new IllegalArgumentException("bad attack class " + tag + " / " + title);
    }
  }

  static Optional<AttackClass> byTag(String tag) {
    return KNOWN.stream().filter(c -> c.tag.equals(tag)).findFirst();
  }

  /** Position in {@link #KNOWN}: the matrix's order. */
  int rank() {
    return KNOWN.indexOf(this);
  }

  static String knownTags() {
    return String.join(", ", KNOWN.stream().map(c -> PREFIX + c.tag).toList());
  }
}
