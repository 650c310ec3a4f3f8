package org.fcproc.features.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one suite run on one backend found: every test case's status, and the explorations. Each
 * suite's {@link SecurityReport} writes it to {@code results-<backend>.tsv} in the report
 * directory when its run ends; the page is built from every such file of the same build.
 *
 * <p>Why a build stamp: the simulated suite, the kernel suite and the page are three Surefire
 * executions (the kernel one in its own namespaces), and a file left by an earlier build — a
 * root run yesterday, then {@code -Pcatalogue} today — must not pass for today's kernel
 * results. Maven's {@code maven.build.timestamp}, given to every execution as the system
 * property {@value #BUILD_PROPERTY} (features/pom.xml), is the same for all executions of one
 * build and differs between builds.
 *
 * <p>The file is tab-separated text, one record a line, so that it needs no JSON library and
 * reads in a terminal; tabs, newlines and backslashes in names are escaped.
 *
 * @param backend the host the suite ran on
 * @param build the build stamp
 * @param finished when the run ended
 * @param results every test case, in the order they finished
 * @param explorations every exhaustive exploration, in order
 */
record BackendRun(
    Backend backend, String build, Instant finished, List<ScenarioResult> results,
    List<ExplorationTally.Exploration> explorations) {
  static final String BUILD_PROPERTY = "fcproc.report.build";
  private static final String MAGIC = "fcproc-scenario-results\t1";

  BackendRun {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(build, "build");
    Objects.requireNonNull(finished, "finished");
    results = List.copyOf(results);
    explorations = List.copyOf(explorations);
  }

  /** This build's stamp: the system property, or, outside Maven, a stamp no other run shares. */
  static String currentBuild() {
    String b = System.getProperty(BUILD_PROPERTY, "");
    return b.isBlank() ? "unstamped " + Instant.now() : b;
  }

  static Path file(Path directory, Backend backend) {
    return directory.resolve("results-" + backend.id() + ".tsv");
  }

  List<ScenarioResult> resultsOf(CatalogueScenario scenario) {
    return results.stream().filter(r -> scenario.covers(r.feature(), r.line())).toList();
  }

  void write(Path directory) {
    StringBuilder sb = new StringBuilder(MAGIC).append('\n');
    sb.append("backend\t").append(backend.id()).append('\n');
    sb.append("build\t").append(escape(build)).append('\n');
    sb.append("finished\t").append(finished).append('\n');
    for (ScenarioResult r : results) {
      sb.append("case\t").append(escape(r.feature())).append('\t').append(r.line()).append('\t').append(r.status())
          .append('\t').append(escape(r.name())).append('\n');
    }
    for (ExplorationTally.Exploration x : explorations) {
      sb.append("exploration\t").append(escape(x.scenario())).append('\t').append(escape(x.target())).append('\t').append(x.runs()).append('\t')
          .append(x.schedules()).append('\t').append(x.movesMade()).append('\t').append(x.movesRefused()).append('\t')
          .append(x.faults()).append('\t').append(x.violations()).append('\t').append(x.millis()).append('\n');
    }
    Path f = file(directory, backend);
    try {
      Files.createDirectories(directory);
      Files.writeString(f, sb.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the scenario results " + f.toAbsolutePath(), e);
    }
  }

  /** The backend's results of this build, if its suite wrote any; another build's count as none. */
  static Optional<BackendRun> read(Path directory, Backend backend, String build) {
    Path f = file(directory, backend);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(f, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the scenario results " + f.toAbsolutePath(), e);
    }
    if (lines.isEmpty() || !lines.get(0).equals(MAGIC)) {
      throw new IllegalStateException(f.toAbsolutePath() + ": not a scenario results file (first line \""
          + (lines.isEmpty() ? "" : lines.get(0)) + "\")");
    }
    String stamp = null;
    Instant finished = null;
    List<ScenarioResult> results = new ArrayList<>();
    List<ExplorationTally.Exploration> explorations = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String[] c = lines.get(i).split("\t", -1);
      try {
        switch (c[0]) {
          case "backend" -> {
            if (!c[1].equals(backend.id())) {
              throw new IllegalStateException("the results of backend " + c[1]);
            }
          }
          case "build" -> stamp = unescape(c[1]);
          case "finished" -> finished = Instant.parse(c[1]);
          case "case" -> results.add(new ScenarioResult(unescape(c[1]), Integer.parseInt(c[2]), c[3], unescape(c[4])));
          case "exploration" -> explorations.add(new ExplorationTally.Exploration(unescape(c[1]),
              unescape(c[2]), Long.parseLong(c[3]), Long.parseLong(c[4]), Long.parseLong(c[5]), Long.parseLong(c[6]),
              Long.parseLong(c[7]), Long.parseLong(c[8]), Long.parseLong(c[9])));
          default -> throw new IllegalStateException("unknown record \"" + c[0] + "\"");
        }
      } catch (RuntimeException e) {
        throw new IllegalStateException(f.toAbsolutePath() + ":" + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    if (stamp == null || finished == null) {
      throw new IllegalStateException(f.toAbsolutePath() + ": no build or finished line");
    }
    return stamp.equals(build) ? Optional.of(new BackendRun(backend, stamp, finished, results, explorations)) : Optional.empty();
  }

  static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
  }

  static String unescape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        sb.append(switch (n) {
          case 't' -> '\t';
          case 'n' -> '\n';
          case 'r' -> '\r';
          default -> n;
        });
      } else {
        sb.append(ch);
      }
    }
    return sb.toString();
  }
}
