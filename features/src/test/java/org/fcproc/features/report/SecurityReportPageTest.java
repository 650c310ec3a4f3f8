package org.fcproc.features.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The security report's page, opened as a reviewer opens it: in a real browser (headless
 * Chromium through chromedriver), after both suites wrote their results — the Surefire execution
 * {@code security-report} of features/pom.xml runs after {@code default-test} (the simulated
 * suite) and {@code kernel-scenarios} (the kernel suite, as root).
 *
 * <p>It checks what a reviewer relies on: a row for every attack of the catalogue, grouped by
 * class; each backend's cell saying what that backend's results of this build say (an oracle
 * written here, not the page's code); each row's links landing on the attack's scenarios; the
 * exploration counts; and nothing fetched from anywhere.
 *
 * <p>Where no browser can start (no Chromium installed, no chromedriver, a sandbox that refuses
 * it) the test says so on the console and checks the same DOM parsed by jsoup instead; it never
 * passes without checking. {@code .ci/install-deps} installs Chromium where it can.
 */
class SecurityReportPageTest {
  private static final Path CHROMIUM = Path.of(System.getProperty("fcproc.chromium", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER = Path.of(System.getProperty("fcproc.chromedriver", "/usr/bin/chromedriver"));

  private static SecurityReportFiles.Written written;
  private static RenderedPage page;
  private static Path profile;

  @BeforeAll
  static void writeAndOpen() throws IOException {
    written = SecurityReportFiles.write(SecurityReportFiles.DIRECTORY, BackendRun.currentBuild());
    profile = Files.createTempDirectory("fcproc-report-chromium-");
    page = BrowserPage.open(written.page(), profile).orElseGet(() -> JsoupPage.parse(written.page()));
    System.out.println("security report page checked in " + page.describe() + ": " + written.page().toAbsolutePath().normalize());
  }

  @AfterAll
  static void close() throws IOException {
    if (page != null) {
      page.close();
    }
    if (profile != null) {
      try (Stream<Path> s = Files.walk(profile)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** The backends whose suites this build ran, as the pom tells: their results must be there. */
  @Test
  void theSuitesOfThisBuildWroteTheirResults() {
    String filter = System.getProperty("fcproc.report.test-filter", "");
    boolean filtered = !filter.isBlank() && !filter.startsWith("${");
    boolean simExpected = !filtered || filter.contains("SimulatedHostScenarios");
    boolean kernelExpected = !Boolean.parseBoolean(System.getProperty("fcproc.report.kernel-skipped", "true"))
        && (!filtered || filter.contains("KernelScenarios"));
    if (simExpected) {
      assertThat(written.runs().get(Backend.SIM)).as("the simulated suite's results of this build").isPresent();
    }
    if (kernelExpected) {
      assertThat(written.runs().get(Backend.KERNEL)).as("the kernel suite's results of this build").isPresent();
    }
    System.out.printf("security report: simulated host %s, real kernel %s%n",
        written.runs().get(Backend.SIM).isPresent() ? "ran" : "did not run",
        written.runs().get(Backend.KERNEL).isPresent() ? "ran" : "did not run");
  }

  @Test
  void theMatrixHasARowForEveryAttackWithEachBackendsOutcome() {
    assertThat(page.title()).isEqualTo("fcproc security report");
    List<MatrixRow> rows = page.matrixRows();
    List<Attack> attacks = written.catalogue().attacks();
    assertThat(rows).extracting(MatrixRow::id).containsExactlyElementsOf(attacks.stream().map(Attack::id).toList());
    for (int i = 0; i < rows.size(); i++) {
      MatrixRow row = rows.get(i);
      Attack attack = attacks.get(i);
      assertThat(row.visible()).as("row %s is displayed", row.id()).isTrue();
      assertThat(row.classTag()).as("%s's class", row.id()).isEqualTo(attack.attackClass().tag());
      Map<String, String> expected = new LinkedHashMap<>();
      for (Backend b : Backend.values()) {
        expected.put(b.id(), expectedOutcome(attack, written.runs().get(b)));
      }
      assertThat(row.outcomes()).as("%s's outcome per backend", row.id()).isEqualTo(expected);
      assertThat(row.links()).as("%s links to its scenarios", row.id()).hasSize(attack.scenarios().size());
    }
    if (written.runs().get(Backend.SIM).isPresent() && written.runs().get(Backend.SIM).get().results().size() > 50) {
      assertThat(rows).as("a whole simulated run defends attacks").anyMatch(r -> r.outcomes().get("sim").equals("defended"));
    }
  }

  @Test
  void theVerdictCountsEveryFailedTestCaseOfEachBackend() {
    for (Backend b : Backend.values()) {
      Optional<BackendRun> run = written.runs().get(b);
      String row = "#verdict-table tr[data-backend='" + b.id() + "']";
      if (run.isEmpty()) {
        assertThat(page.text(row)).contains("not run in this build");
        continue;
      }
      long failed = run.get().results().stream()
          .filter(r -> !List.of("PASSED", "SKIPPED", "UNUSED").contains(r.status())).count();
      assertThat(page.text(row + " [data-count='failed']")).isEqualTo(failed + " failed");
    }
  }

  /**
   * The oracle: defended when every scenario's test cases all passed; not defended when one
   * failed in any other way than a skip; otherwise not run. Written apart from {@link Outcome}.
   */
  private static String expectedOutcome(Attack attack, Optional<BackendRun> run) {
    if (attack.scenarios().isEmpty()) {
      return "no-scenario";
    }
    if (run.isEmpty()) {
      return "not-run";
    }
    boolean missing = false;
    for (CatalogueScenario s : attack.scenarios()) {
      List<String> statuses = run.get().results().stream()
          .filter(r -> r.feature().equals(s.feature()) && (r.line() == s.line() || s.exampleLines().contains(r.line())))
          .map(ScenarioResult::status).toList();
      if (statuses.stream().anyMatch(st -> !List.of("PASSED", "SKIPPED", "UNUSED").contains(st))) {
        return "not-defended";
      }
      missing |= statuses.isEmpty() || !statuses.stream().allMatch("PASSED"::equals);
    }
    return missing ? "not-run" : "defended";
  }

  @Test
  void everyRowLinksToItsScenariosOnThePage() {
    for (MatrixRow row : page.matrixRows()) {
      assertThat(page.hasElement(row.id())).as("the section of %s", row.id()).isTrue();
      for (String link : row.links()) {
        assertThat(link).startsWith("#");
        assertThat(page.hasElement(link.substring(1))).as("%s's link %s leads somewhere", row.id(), link).isTrue();
      }
    }
    MatrixRow first = page.matrixRows().get(0);
    assertThat(page.follow(first.links().get(0))).as("following %s's first link shows its scenario", first.id())
        .contains("Scenario");
  }

  @Test
  void theExplorationCountsAreThoseOfTheSimulatedRun() {
    List<ExplorationTally.Exploration> xs = written.runs().get(Backend.SIM).map(BackendRun::explorations).orElse(List.of());
    if (xs.isEmpty()) {
      assertThat(page.text("#exploration")).contains("No exploration ran in this build.");
      return;
    }
    ExplorationTally.Exploration total = ExplorationTally.total(xs);
    List<String> cells = page.cells("#exploration-table tfoot tr");
    assertThat(cells).as("the exploration total row").startsWith("total", "all operations", String.valueOf(total.runs()),
        String.valueOf(total.schedules()), String.valueOf(total.movesMade()));
    assertThat(cells.get(7)).as("violations").isEqualTo(String.valueOf(total.violations()));
    assertThat(page.cells("#exploration-table thead tr")).contains("runs", "moves made", "violations", "runs/s");
  }

  @Test
  void thePageFetchesNothing() {
    assertThat(page.externalReferences()).as("elements that would load something").isEmpty();
    assertThat(page.resourcesLoaded()).as("resources the browser loaded").isZero();
  }

  // ----------------------------------------------------------------------- the two readers

  record MatrixRow(String id, String classTag, boolean visible, Map<String, String> outcomes, List<String> links) {}

  /** The page as the test reads it, in a browser or from its DOM. */
  interface RenderedPage extends AutoCloseable {
    String describe();

    String title();

    List<MatrixRow> matrixRows();

    boolean hasElement(String id);

    /** Follows an in-page link; the text of what it lands on. */
    String follow(String href);

    String text(String css);

    List<String> cells(String rowCss);

    /** script, img, iframe, link, object elements or any src attribute: none may be there. */
    List<String> externalReferences();

    /** Resources the page made the browser load (0 when there is no browser to ask). */
    long resourcesLoaded();

    @Override
    void close();
  }

  static final String EXTERNAL = "script, img, iframe, link, object, embed, video, audio, source, [src]";

  /** Headless Chromium through chromedriver, with the flags that keep it off the network. */
  static final class BrowserPage implements RenderedPage {
    private final WebDriver driver;

    private BrowserPage(WebDriver driver) {
      this.driver = driver;
    }

    static Optional<RenderedPage> open(Path page, Path profile) {
      String why = null;
      if (!Files.isExecutable(CHROMIUM)) {
        why = CHROMIUM + " is not an executable (set -Dfcproc.chromium or install Debian's chromium)";
      } else if (!Files.isExecutable(CHROMEDRIVER)) {
        why = CHROMEDRIVER + " is not an executable (set -Dfcproc.chromedriver or install Debian's chromium-driver)";
      }
      if (why == null) {
        ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1400,1000");
        try {
          WebDriver driver = new ChromeDriver(service, options);
          driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
          driver.get(page.toAbsolutePath().normalize().toUri().toString());
          BrowserPage p = new BrowserPage(driver);
          p.screenshot(page.resolveSibling("index.png"));
          return Optional.of(p);
        } catch (RuntimeException e) {
          why = "Chromium did not start through " + CHROMEDRIVER + ": " + e.getMessage().lines().findFirst().orElse("");
        }
      }
      System.out.println("NO BROWSER: " + why + " -- checking the page's DOM with jsoup instead");
      return Optional.empty();
    }

    private void screenshot(Path to) {
      try {
        Files.write(to, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      } catch (IOException e) {
        throw new IllegalStateException("cannot write the page's screenshot " + to, e);
      }
    }

    @Override
    public String describe() {
      return "headless Chromium (" + CHROMIUM + ")";
    }

    @Override
    public String title() {
      return driver.getTitle();
    }

    /**
     * Read in one script rather than a WebDriver round trip per cell: what the browser shows —
     * each cell's rendered text, each row's visibility after layout and CSS.
     */
    private static final String READ_MATRIX = """
        return [...document.querySelectorAll('section.attack-class')].flatMap(section =>
          [...section.querySelectorAll('table.matrix tr.attack')].map(tr => ({
            id: tr.dataset.id,
            classTag: section.id.substring('class-'.length),
            visible: tr.checkVisibility() && tr.getBoundingClientRect().height > 0,
            cells: [...tr.querySelectorAll('td.outcome')].map(td =>
              [td.dataset.backend, td.dataset.outcome, td.innerText.trim()]),
            links: [...tr.querySelectorAll('a.scenario-link')].map(a => a.getAttribute('href'))
          })));
        """;

    private List<MatrixRow> rows;

    @Override
    @SuppressWarnings("unchecked")
    public List<MatrixRow> matrixRows() {
      if (rows != null) {
        return rows;
      }
      List<MatrixRow> read = new ArrayList<>();
      for (Object o : (List<Object>) ((JavascriptExecutor) driver).executeScript(READ_MATRIX)) {
        Map<String, Object> r = (Map<String, Object>) o;
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (Object c : (List<Object>) r.get("cells")) {
          List<String> cell = (List<String>) c;
          assertThat(cell.get(2)).as("the shown text of %s's %s cell", r.get("id"), cell.get(0))
              .isEqualTo(cell.get(1).replace('-', ' '));
          outcomes.put(cell.get(0), cell.get(1));
        }
        read.add(new MatrixRow((String) r.get("id"), (String) r.get("classTag"), (Boolean) r.get("visible"), outcomes,
            (List<String>) r.get("links")));
      }
      rows = List.copyOf(read);
      return rows;
    }

    @Override
    public boolean hasElement(String id) {
      return !driver.findElements(By.id(id)).isEmpty();
    }

    @Override
    public String follow(String href) {
      driver.findElement(By.cssSelector("a.scenario-link[href='" + href + "']")).click();
      assertThat(driver.getCurrentUrl()).endsWith(href);
      WebElement target = driver.findElement(By.cssSelector(":target"));
      assertThat(target.getAttribute("id")).isEqualTo(href.substring(1));
      assertThat(target.isDisplayed()).isTrue();
      return target.getText();
    }

    @Override
    public String text(String css) {
      return driver.findElement(By.cssSelector(css)).getText();
    }

    @Override
    public List<String> cells(String rowCss) {
      return driver.findElement(By.cssSelector(rowCss)).findElements(By.cssSelector("th, td")).stream()
          .map(WebElement::getText).toList();
    }

    @Override
    public List<String> externalReferences() {
      return driver.findElements(By.cssSelector(EXTERNAL)).stream().map(e -> e.getTagName()).toList();
    }

    @Override
    public long resourcesLoaded() {
      Object n = ((JavascriptExecutor) driver).executeScript("return performance.getEntriesByType('resource').length");
      return ((Number) n).longValue();
    }

    @Override
    public void close() {
      driver.quit();
    }
  }

  /** The DOM without a browser: what the page says, not what a browser shows. */
  static final class JsoupPage implements RenderedPage {
    private final Document doc;

    private JsoupPage(Document doc) {
      this.doc = doc;
    }

    static RenderedPage parse(Path page) {
      try {
        return new JsoupPage(Jsoup.parse(new File(page.toString()), "UTF-8"));
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the report page " + page, e);
      }
    }

    @Override
    public String describe() {
      return "jsoup (no browser)";
    }

    @Override
    public String title() {
      return doc.title();
    }

    @Override
    public List<MatrixRow> matrixRows() {
      List<MatrixRow> rows = new ArrayList<>();
      for (Element section : doc.select("section.attack-class")) {
        String classTag = section.id().substring("class-".length());
        for (Element tr : section.select("table.matrix tr.attack")) {
          Map<String, String> outcomes = new LinkedHashMap<>();
          for (Element td : tr.select("td.outcome")) {
            assertThat(td.text()).isEqualTo(td.attr("data-outcome").replace('-', ' '));
            outcomes.put(td.attr("data-backend"), td.attr("data-outcome"));
          }
          rows.add(new MatrixRow(tr.attr("data-id"), classTag, true, outcomes,
              tr.select("a.scenario-link").eachAttr("href")));
        }
      }
      return rows;
    }

    @Override
    public boolean hasElement(String id) {
      return doc.getElementById(id) != null;
    }

    @Override
    public String follow(String href) {
      Element target = doc.getElementById(href.substring(1));
      assertThat(target).as("the element %s names", href).isNotNull();
      return target.text();
    }

    @Override
    public String text(String css) {
      return doc.selectFirst(css).text();
    }

    @Override
    public List<String> cells(String rowCss) {
      return doc.selectFirst(rowCss).select("th, td").eachText();
    }

    @Override
    public List<String> externalReferences() {
      return doc.select(EXTERNAL).stream().map(Element::tagName).toList();
    }

    @Override
    public long resourcesLoaded() {
      return 0;
    }

    @Override
    public void close() {}
  }
}
