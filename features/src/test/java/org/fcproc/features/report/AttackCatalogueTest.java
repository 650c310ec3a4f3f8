package org.fcproc.features.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The catalogue check: the attack catalogue the feature files declare is whole and consistent,
 * and {@code docs/CATALOGUE.md} is its current copy. Run by the Surefire execution {@code
 * security-report} (features/pom.xml), after the suites, also under {@code -Pcatalogue}: a
 * catalogue that breaks a rule fails the README's first command.
 */
class AttackCatalogueTest {
  /** Every id that main code, tests and docs cite; none may disappear from the catalogue. */
  private static final List<String> CITED = cited();

  private static List<String> cited() {
    List<String> ids = new ArrayList<>();
    for (Object[] range : new Object[][] {{"S", 12}, {"J", 12}, {"C", 14}, {"P", 4}, {"N", 3}, {"B", 3}}) {
      for (int i = 1; i <= (int) range[1]; i++) {
        ids.add(range[0] + "" + i);
      }
    }
    return ids;
  }

  @Test
  void everyAttackHasAScenarioAndEveryIdOnAScenarioIsInTheCatalogue() {
    AttackCatalogue c = AttackCatalogue.read(AttackCatalogue.FEATURES);
    assertThat(c.problems()).as("catalogue problems (fix them in the feature files)").isEmpty();
    assertThat(c.attacks()).extracting(Attack::id).containsAll(CITED);
    for (Attack a : c.attacks()) {
      assertThat(a.title()).as(a.id() + "'s title").isNotBlank();
      assertThat(a.invariant()).as(a.id() + "'s invariant").isNotBlank();
      assertThat(a.scenarios()).as(a.id() + "'s scenarios").isNotEmpty();
    }
  }

  @Test
  void theCommittedCatalogueIsTheGeneratedOne() throws IOException {
    AttackCatalogue c = AttackCatalogue.read(AttackCatalogue.FEATURES);
    Path generated = SecurityReportFiles.DIRECTORY.resolve(CatalogueDocuments.MARKDOWN);
    Files.createDirectories(generated.getParent());
    Files.writeString(generated, CatalogueDocuments.markdown(c), StandardCharsets.UTF_8);
    Files.writeString(SecurityReportFiles.DIRECTORY.resolve(CatalogueDocuments.JSON), CatalogueDocuments.json(c),
        StandardCharsets.UTF_8);
    assertThat(Files.isRegularFile(CatalogueDocuments.COMMITTED))
        .as("docs/CATALOGUE.md exists (copy it from features/" + generated + ")").isTrue();
    assertThat(Files.readString(CatalogueDocuments.COMMITTED, StandardCharsets.UTF_8))
        .as("docs/CATALOGUE.md is the catalogue the feature files declare; refresh it with: cp features/"
            + generated + " docs/CATALOGUE.md")
        .isEqualTo(Files.readString(generated, StandardCharsets.UTF_8));
    assertThat(Files.readString(SecurityReportFiles.DIRECTORY.resolve(CatalogueDocuments.JSON)))
        .contains("\"id\":\"S1\"").contains("\"class\":\"sockets\"").contains("\"problems\":[\n]");
  }

  @Test
  void theReviewersGuideNamesEveryClassAndNoOther() throws IOException {
    String guide = Files.readString(Path.of("REVIEWERS.md"), StandardCharsets.UTF_8);
    int start = guide.indexOf("## The attack catalogue");
    assertThat(start).as("REVIEWERS.md has a section \"The attack catalogue\"").isNotNegative();
    String section = guide.substring(start, guide.indexOf("\n## ", start + 1));
    List<String> named = new ArrayList<>();
    Matcher m = Pattern.compile("`@class:([a-z-]+)`").matcher(section);
    while (m.find()) {
      named.add(m.group(1));
    }
    assertThat(named).as("the classes REVIEWERS.md names")
        .containsExactlyElementsOf(AttackClass.KNOWN.stream().map(AttackClass::tag).toList());
  }

  // ------------------------------------------------------------------- the rules, one by one

  private static final String HEAD = """
      @class:sockets
      Feature: f

        Background:
          Given a host with the standard layout

        Scenario: a plain one
          When fcproc ensures the bridge
      """;

  private static AttackCatalogue of(String body) {
    return AttackCatalogue.of(Map.of("x.feature", HEAD + body));
  }

  @Test
  void aWellFormedRuleIsAnAttack() {
    AttackCatalogue c = of("""

          @X1
          Rule: The adversary does a thing
            A note that is not the invariant.

            Invariant: nothing outside
            the area changes.

            @sim-only
            Scenario Outline: first <n>
              When fcproc ensures the bridge

              Examples:
                | n |
                | 1 |
                | 2 |

            Scenario: second
              When fcproc ensures the bridge
        """);
    assertThat(c.problems()).isEmpty();
    Attack a = c.attack("X1").orElseThrow();
    assertThat(a.title()).isEqualTo("The adversary does a thing");
    assertThat(a.invariant()).isEqualTo("nothing outside the area changes.");
    assertThat(a.attackClass().tag()).isEqualTo("sockets");
    assertThat(a.scenarios()).extracting(CatalogueScenario::name).containsExactly("first <n>", "second");
    CatalogueScenario outline = a.scenarios().get(0);
    assertThat(outline.exampleLines()).hasSize(2);
    assertThat(outline.simOnly()).isTrue();
    assertThat(a.scenarios().get(1).simOnly()).isFalse();
    assertThat(outline.source()).startsWith("@sim-only\nScenario Outline: first <n>").endsWith("| 2 |");
    assertThat(a.scenarios().get(1).source()).isEqualTo("Scenario: second\n  When fcproc ensures the bridge");
  }

  @Test
  void anAttackWithoutAScenarioIsAProblem() {
    AttackCatalogue c = of("""

          @X1
          Rule: declared, never shown
            Invariant: something.
        """);
    assertThat(c.problems()).singleElement().asString().contains("x.feature:").contains("X1 has no scenario");
  }

  @Test
  void anIdOnAScenarioThatNoRuleDeclaresIsAProblem() {
    AttackCatalogue c = AttackCatalogue.of(Map.of("x.feature", HEAD.replace("  Scenario: a plain one", "  @X9\n  Scenario: a plain one")));
    assertThat(c.problems()).singleElement().asString()
        .contains("scenario \"a plain one\" carries @X9, which is not in the catalogue");
  }

  @Test
  void anIdOnAScenarioUnderItsRuleIsAProblemToo() {
    AttackCatalogue c = of("""

          @X1
          Rule: r
            Invariant: i.

            @X1
            Scenario: s
              When fcproc ensures the bridge
        """);
    assertThat(c.problems()).singleElement().asString().contains("carries @X1, which belongs on its rule only");
  }

  @Test
  void aRuleWithoutIdOrInvariantOrKnownClassAndADuplicateAreProblems() {
    String rules = """

          Rule: no id
            Invariant: i.

            Scenario: s
              When fcproc ensures the bridge

          @X1
          Rule: no invariant

            Scenario: s
              When fcproc ensures the bridge

          @X1
          Rule: again
            Invariant: i.

            Scenario: s
              When fcproc ensures the bridge
        """;
    assertThat(of(rules).problems()).hasSize(3)
        .anySatisfy(p -> assertThat(p).contains("\"no id\" must carry exactly one attack id tag"))
        .anySatisfy(p -> assertThat(p).contains("X1: the rule's description has no paragraph starting \"Invariant:\""))
        .anySatisfy(p -> assertThat(p).contains("X1 is declared twice"));
    AttackCatalogue badClass = AttackCatalogue.of(Map.of("x.feature", HEAD.replace("@class:sockets", "@class:socket") + """

          @X1
          Rule: r
            Invariant: i.

            Scenario: s
              When fcproc ensures the bridge
        """));
    assertThat(badClass.problems()).singleElement().asString().contains("@class:socket is not one of");
  }

  @Test
  void anAttackIsDefendedOnlyWhenEveryScenarioRanAndPassed() {
    AttackCatalogue c = of("""

          @X1
          Rule: r
            Invariant: i.

            Scenario: one
              When fcproc ensures the bridge

            Scenario: two
              When fcproc ensures the bridge
        """);
    Attack a = c.attack("X1").orElseThrow();
    int one = a.scenarios().get(0).line();
    int two = a.scenarios().get(1).line();
    assertThat(Outcome.of(a, Optional.empty())).isEqualTo(Outcome.NOT_RUN);
    assertThat(Outcome.of(a, run(result(one, "PASSED"), result(two, "PASSED")))).isEqualTo(Outcome.DEFENDED);
    assertThat(Outcome.of(a, run(result(one, "PASSED")))).isEqualTo(Outcome.NOT_RUN);
    assertThat(Outcome.of(a, run(result(one, "PASSED"), result(two, "SKIPPED")))).isEqualTo(Outcome.NOT_RUN);
    assertThat(Outcome.of(a, run(result(one, "SKIPPED"), result(two, "FAILED")))).isEqualTo(Outcome.NOT_DEFENDED);
    assertThat(Outcome.of(a, run(result(one, "PASSED"), result(two, "UNDEFINED")))).isEqualTo(Outcome.NOT_DEFENDED);
    Attack none = new Attack("X2", "t", "i", a.attackClass(), "x.feature", 1, List.of());
    assertThat(Outcome.of(none, run(result(one, "PASSED")))).isEqualTo(Outcome.NO_SCENARIO);
  }

  private static ScenarioResult result(int line, String status) {
    return new ScenarioResult("x.feature", line, status, "n");
  }

  private static Optional<BackendRun> run(ScenarioResult... results) {
    return Optional.of(new BackendRun(Backend.SIM, "b", Instant.EPOCH, List.of(results), List.of()));
  }

  @Test
  void resultsAreReadBackOnlyByTheirOwnBuild(@org.junit.jupiter.api.io.TempDir Path dir) {
    BackendRun written = new BackendRun(Backend.KERNEL, "build 1", Instant.parse("2025-01-02T03:04:05Z"),
        List.of(new ScenarioResult("a b.feature", 7, "FAILED", "name\twith a tab\nand \\ a newline")),
        List.of(new ExplorationTally.Exploration("a scenario", "staging of /srv", 10, 9, 8, 1, 2, 0, 50)));
    written.write(dir);
    assertThat(BackendRun.read(dir, Backend.KERNEL, "build 1")).contains(written);
    assertThat(BackendRun.read(dir, Backend.KERNEL, "build 2")).isEmpty();
    assertThat(BackendRun.read(dir, Backend.SIM, "build 1")).isEmpty();
  }
}
