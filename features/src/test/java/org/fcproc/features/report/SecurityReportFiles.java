package org.fcproc.features.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The report directory, {@code target/security-report/}, written from the feature files and the
 * backends' results of one build:
 * <ul>
 *   <li>{@code CATALOGUE.md}, {@code catalogue.json}: the catalogue ({@link CatalogueDocuments});
 *   <li>{@code summary.json}: each attack's outcome per backend, the exploration counts;
 *   <li>{@code index.html}: the page for reviewers ({@link SecurityReportPage}).
 * </ul>
 * Written again at the end of every suite run and by the page test after the last one: each
 * writing is a pure function of the feature files and the results files of the build, so the
 * last one is complete and none contradicts another.
 */
final class SecurityReportFiles {
  static final Path DIRECTORY = Path.of("target/security-report");
  static final String PAGE = "index.html";
  static final String SUMMARY = "summary.json";

  private SecurityReportFiles() {}

  /** What was written: the inputs, for the caller to print or check. */
  record Written(AttackCatalogue catalogue, Map<Backend, Optional<BackendRun>> runs, Path page) {}

  static Written write(Path directory, String build) {
    AttackCatalogue catalogue = AttackCatalogue.read(AttackCatalogue.FEATURES);
    Map<Backend, Optional<BackendRun>> runs = new EnumMap<>(Backend.class);
    for (Backend b : Backend.values()) {
      runs.put(b, BackendRun.read(directory, b, build));
    }
    writeFile(directory.resolve(CatalogueDocuments.MARKDOWN), CatalogueDocuments.markdown(catalogue));
    writeFile(directory.resolve(CatalogueDocuments.JSON), CatalogueDocuments.json(catalogue));
    writeFile(directory.resolve(SUMMARY), summary(catalogue, runs, build));
    Path page = directory.resolve(PAGE);
    writeFile(page, new SecurityReportPage(catalogue, runs, build).html());
    return new Written(catalogue, runs, page);
  }

  private static void writeFile(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the security report file " + file.toAbsolutePath(), e);
    }
  }

  /**
   * <pre>{"build", "attacks":[{"id","title","class","outcomes":{"sim","kernel"}}],
   *  "exploration":{"runs","schedules","moves","violations","runs_per_second"}, "problems":[...]}</pre>
   */
  static String summary(AttackCatalogue catalogue, Map<Backend, Optional<BackendRun>> runs, String build) {
    StringBuilder sb = new StringBuilder("{\"build\":").append(JsonText.quote(build)).append(",\n\"attacks\":[");
    List<Attack> attacks = catalogue.attacks();
    for (int i = 0; i < attacks.size(); i++) {
      Attack a = attacks.get(i);
      sb.append(i == 0 ? "\n" : ",\n").append("  {\"id\":").append(JsonText.quote(a.id()))
          .append(",\"title\":").append(JsonText.quote(a.title()))
          .append(",\"class\":").append(JsonText.quote(a.attackClass().tag()))
          .append(",\"outcomes\":{");
      int j = 0;
      for (Backend b : Backend.values()) {
        sb.append(j++ == 0 ? "" : ",").append(JsonText.quote(b.id())).append(':')
            .append(JsonText.quote(Outcome.of(a, runs.get(b)).label()));
      }
      sb.append("}}");
    }
    ExplorationTally.Exploration x = ExplorationTally.total(
        runs.get(Backend.SIM).map(BackendRun::explorations).orElse(List.of()));
    sb.append("\n],\n\"exploration\":{\"runs\":").append(x.runs()).append(",\"schedules\":").append(x.schedules())
        .append(",\"moves\":").append(x.movesMade()).append(",\"violations\":").append(x.violations())
        .append(",\"runs_per_second\":").append(Math.round(x.runsPerSecond())).append("},\n\"problems\":[");
    List<String> problems = catalogue.problems();
    for (int i = 0; i < problems.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(JsonText.quote(problems.get(i)));
    }
    return sb.append("]}\n").toString();
  }
}
