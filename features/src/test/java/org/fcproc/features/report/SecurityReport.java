package org.fcproc.features.report;

import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.TestCaseFinished;
import io.cucumber.plugin.event.TestRunFinished;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.fcproc.features.driver.Backends;

/**
 * The security report, as a Cucumber plugin of each suite ({@code SimulatedHostScenarios},
 * {@code KernelScenarios}). When the suite's run ends it
 * <ol>
 *   <li>writes the backend's results ({@link BackendRun}) — every test case's status, and the
 *       explorations of {@link ExplorationTally} — stamped with this build;
 *   <li>writes the report directory again from the catalogue and every results file of this
 *       build ({@link SecurityReportFiles}): the catalogue, {@code summary.json} and the page;
 *   <li>prints this backend's column of the attack matrix and the exploration counts.
 * </ol>
 * The catalogue's consistency is not this plugin's to enforce (a plugin cannot fail a run
 * cleanly): {@code AttackCatalogueTest} does, after the suites. The plugin prints the problems.
 */
public final class SecurityReport implements ConcurrentEventListener {
  private final Path out;
  private final Backend backend = Backend.byId(System.getProperty(Backends.PROPERTY, "sim"));
  private final List<ScenarioResult> results = new ArrayList<>();

  /** Cucumber passes the argument after the plugin's name and a colon: the output directory. */
  public SecurityReport(String outputDirectory) {
    this.out = Path.of(outputDirectory);
  }

  @Override
  public void setEventPublisher(EventPublisher publisher) {
    publisher.registerHandlerFor(TestCaseFinished.class, this::finished);
    publisher.registerHandlerFor(TestRunFinished.class, e -> write());
  }

  private synchronized void finished(TestCaseFinished e) {
    results.add(new ScenarioResult(featureName(e.getTestCase().getUri()), e.getTestCase().getLocation().getLine(),
        e.getResult().getStatus().name(), e.getTestCase().getName()));
  }

  /** {@code classpath:features/sockets.feature} (or a file: URI) to {@code sockets.feature}. */
  static String featureName(URI uri) {
    String s = uri.toString();
    return s.substring(s.lastIndexOf('/') + 1);
  }

  private synchronized void write() {
    String build = BackendRun.currentBuild();
    new BackendRun(backend, build, Instant.now(), results, ExplorationTally.all()).write(out);
    SecurityReportFiles.Written w = SecurityReportFiles.write(out, build);
    print(w, System.out);
  }

  private void print(SecurityReportFiles.Written w, PrintStream ps) {
    Optional<BackendRun> run = w.runs().get(backend);
    ps.println();
    ps.println("Security report, " + backend.title().toLowerCase(Locale.ROOT) + ": the attack catalogue");
    ps.printf("%-4s %-13s %-13s %s%n", "id", "outcome", "class", "attack");
    long defended = 0;
    for (Attack a : w.catalogue().attacks()) {
      Outcome o = Outcome.of(a, run);
      defended += o == Outcome.DEFENDED ? 1 : 0;
      ps.printf("%-4s %-13s %-13s %s%n", a.id(), o.label(), a.attackClass().tag(), a.title());
    }
    ps.printf("%d of %d attacks defended.%n", defended, w.catalogue().attacks().size());
    List<ExplorationTally.Exploration> xs = run.map(BackendRun::explorations).orElse(List.of());
    if (!xs.isEmpty()) {
      ExplorationTally.Exploration x = ExplorationTally.total(xs);
      ps.printf(Locale.ROOT, "Exploration: %d runs, %d distinct schedules, %d adversary moves made, %d violations, %.0f runs/s.%n",
          x.runs(), x.schedules(), x.movesMade(), x.violations(), x.runsPerSecond());
    }
    for (String p : w.catalogue().problems()) {
      ps.println("CATALOGUE PROBLEM: " + p);
    }
    ps.println("The report for reviewers: " + w.page().toAbsolutePath().normalize());
    ps.println();
  }
}
