package org.fcproc.features.report;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The catalogue written out: Markdown for people ({@code CATALOGUE.md}, committed as
 * {@code docs/CATALOGUE.md}) and JSON for tools ({@code catalogue.json}). Both are built from
 * {@link AttackCatalogue} alone — never from a run's results — so the committed Markdown
 * changes only when an attack, its wording, its class or its scenarios' names change, not when
 * a line moves or a test fails.
 */
final class CatalogueDocuments {
  /** The committed copy, relative to the features module. */
  static final Path COMMITTED = Path.of("../docs/CATALOGUE.md");
  static final String MARKDOWN = "CATALOGUE.md";
  static final String JSON = "catalogue.json";

  private static final String FEATURES_LINK = "../features/src/test/resources/features/";

  private CatalogueDocuments() {}

  static String markdown(AttackCatalogue c) {
    StringBuilder sb = new StringBuilder();
    sb.append("# The attack catalogue\n\n");
    sb.append("<!-- Generated from the feature files by the features module's test run; edit the feature files, not this. -->\n\n");
    sb.append("Each attack below is a `Rule:` of a feature file under\n")
        .append("[`features/src/test/resources/features/`](").append(FEATURES_LINK).append("), tagged with its id.\n")
        .append("Its title is the rule's name, its invariant the rule's `Invariant:` paragraph, its class the\n")
        .append("feature file's `@class:` tag, and the scenarios under the rule show it. Besides its own\n")
        .append("invariant, every attack must keep the [jail invariant](DESIGN.md#jail-invariant).\n\n")
        .append("`mvn -B -Pcatalogue -pl features -am test` writes this file to\n")
        .append("`features/target/security-report/CATALOGUE.md` (and `catalogue.json` beside it) and fails\n")
        .append("when this committed copy differs, when an attack has no scenario, or when a scenario carries\n")
        .append("an id that no rule declares. How to add an attack: [the reviewer's guide](../features/REVIEWERS.md#the-attack-catalogue).\n")
        .append("Which attacks are defended: the security report, `features/target/security-report/index.html`.\n\n");
    sb.append(c.attacks().size()).append(" attacks in ").append(c.classes().size()).append(" classes.\n");
    for (AttackClass k : c.classes()) {
      List<Attack> of = c.attacks().stream().filter(a -> a.attackClass().equals(k)).toList();
      sb.append("\n## ").append(k.title()).append("\n\n");
      String files = of.stream().map(Attack::feature).distinct()
          .map(f -> "[`" + f + "`](" + FEATURES_LINK + f + ")").collect(Collectors.joining(", "));
      sb.append("Class tag `").append(AttackClass.PREFIX).append(k.tag()).append("`, in ").append(files).append(".\n\n");
      sb.append("| id | attack | invariant | scenarios |\n|---|---|---|---|\n");
      for (Attack a : of) {
        String scenarios = a.scenarios().isEmpty() ? "*none*"
            : a.scenarios().stream().map(s -> cell(s.name())).collect(Collectors.joining("<br>"));
        sb.append("| <a id=\"").append(a.id()).append("\"></a>").append(a.id()).append(" | ").append(cell(a.title()))
            .append(" | ").append(cell(a.invariant())).append(" | ").append(scenarios).append(" |\n");
      }
    }
    if (!c.problems().isEmpty()) {
      sb.append("\n## Problems\n\nThe catalogue check fails until these are fixed:\n\n");
      c.problems().forEach(p -> sb.append("- ").append(cell(p)).append('\n'));
    }
    return sb.toString();
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  static String json(AttackCatalogue c) {
    StringBuilder sb = new StringBuilder("{\"attacks\":[");
    List<Attack> attacks = c.attacks();
    for (int i = 0; i < attacks.size(); i++) {
      Attack a = attacks.get(i);
      sb.append(i == 0 ? "\n" : ",\n").append("  {\"id\":").append(JsonText.quote(a.id()))
          .append(",\"title\":").append(JsonText.quote(a.title()))
          .append(",\"class\":").append(JsonText.quote(a.attackClass().tag()))
          .append(",\"class_title\":").append(JsonText.quote(a.attackClass().title()))
          .append(",\"invariant\":").append(JsonText.quote(a.invariant()))
          .append(",\"feature\":").append(JsonText.quote(a.feature()))
          .append(",\"line\":").append(a.line())
          .append(",\"scenarios\":[");
      for (int j = 0; j < a.scenarios().size(); j++) {
        CatalogueScenario s = a.scenarios().get(j);
        sb.append(j == 0 ? "" : ",").append("{\"name\":").append(JsonText.quote(s.name()))
            .append(",\"feature\":").append(JsonText.quote(s.feature())).append(",\"line\":").append(s.line()).append('}');
      }
      sb.append("]}");
    }
    sb.append("\n],\n\"problems\":[");
    List<String> problems = c.problems();
    for (int i = 0; i < problems.size(); i++) {
      sb.append(i == 0 ? "\n  " : ",\n  ").append(JsonText.quote(problems.get(i)));
    }
    return sb.append("\n]}\n").toString();
  }
}
