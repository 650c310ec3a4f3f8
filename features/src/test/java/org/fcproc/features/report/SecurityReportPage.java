package org.fcproc.features.report;

import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The security report as one HTML page a reviewer opens in a browser: the verdict per backend,
 * the exploration counts, the attack matrix by class with both backends side by side, and every
 * attack's scenarios in full, each row of the matrix linking to them.
 *
 * <p>Self-contained on purpose: inline CSS, no script, no font, no image, and a
 * Content-Security-Policy of {@code default-src 'none'} — it is opened from a CI artefact or a
 * laptop without network, and a report that fetched something could be made to show something
 * else. Links out of it are relative ones to Cucumber's own reports beside it.
 *
 * <p>The DOM is part of the contract the page test checks: the matrix rows are {@code
 * tr.attack[data-id]} inside {@code table.matrix}, each outcome cell a {@code td.outcome} with
 * {@code data-backend} and {@code data-outcome}, and every attack's scenarios an element whose
 * id is the attack's id.
 */
final class SecurityReportPage {
  private final AttackCatalogue catalogue;
  private final Map<Backend, Optional<BackendRun>> runs;
  private final String build;

  SecurityReportPage(AttackCatalogue catalogue, Map<Backend, Optional<BackendRun>> runs, String build) {
    this.catalogue = catalogue;
    this.runs = new EnumMap<>(runs);
    this.build = build;
    for (Backend b : Backend.values()) {
      if (!this.runs.containsKey(b)) {
        throw new IllegalArgumentException("no entry for backend " + b.id() + " (Optional.empty() when it did not run)");
      }
    }
  }

  String html() {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>fcproc security report</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
    sb.append("<header>\n<h1>fcproc security report</h1>\n<p>Build <code>").append(esc(build))
        .append("</code>. Each attack of the catalogue (its rules in <code>features/src/test/resources/features/</code>) ")
        .append("with the outcome of its scenarios on each backend. An attack is <em>defended</em> on a backend when every ")
        .append("one of its scenarios ran there and passed; every attack must also keep the jail invariant ")
        .append("(docs/DESIGN.md, <em>Jail invariant</em>).</p>\n</header>\n<main>\n");
    verdict(sb);
    exploration(sb);
    matrix(sb);
    scenarios(sb);
    sb.append("</main>\n</body>\n</html>\n");
    return sb.toString();
  }

  private void verdict(StringBuilder sb) {
    sb.append("<section id=\"verdict\">\n<h2>Verdict</h2>\n<table id=\"verdict-table\">\n<thead><tr><th>backend</th><th>ran</th>");
    for (Outcome o : Outcome.values()) {
      sb.append("<th>").append(o.label()).append("</th>");
    }
    sb.append("<th>Cucumber's report</th></tr></thead>\n<tbody>\n");
    for (Backend b : Backend.values()) {
      Optional<BackendRun> run = runs.get(b);
      sb.append("<tr data-backend=\"").append(b.id()).append("\"><th scope=\"row\">").append(esc(b.title())).append("</th><td>")
          .append(run.map(SecurityReportPage::ran).orElse("not run in this build"))
          .append("</td>");
      for (Outcome o : Outcome.values()) {
        long n = catalogue.attacks().stream().filter(a -> Outcome.of(a, run) == o).count();
        sb.append("<td class=\"count ").append(n > 0 ? o.css() : "zero").append("\" data-outcome=\"").append(o.css())
            .append("\">").append(n).append("</td>");
      }
      sb.append("<td>").append(run.isPresent()
          ? "<a href=\"../cucumber-reports/" + b.cucumberReport() + "\">" + b.cucumberReport() + "</a>" : "—").append("</td></tr>\n");
    }
    sb.append("</tbody>\n</table>\n");
    if (!catalogue.problems().isEmpty()) {
      sb.append("<div id=\"problems\" class=\"problems\"><h3>The catalogue is not consistent</h3><ul>\n");
      catalogue.problems().forEach(p -> sb.append("<li>").append(esc(p)).append("</li>\n"));
      sb.append("</ul></div>\n");
    }
    sb.append("</section>\n");
  }

  /** When the run ended and how all its test cases went, attacks or not: a failure anywhere shows. */
  private static String ran(BackendRun r) {
    long passed = r.results().stream().filter(ScenarioResult::passed).count();
    long skipped = r.results().stream().filter(ScenarioResult::skipped).count();
    long failed = r.results().size() - passed - skipped;
    return "finished " + esc(r.finished().truncatedTo(ChronoUnit.SECONDS).toString()) + "; " + r.results().size()
        + " test cases: " + passed + " passed, <span class=\"" + (failed > 0 ? "not-defended" : "zero") + "\" data-count=\"failed\">"
        + failed + " failed</span>, " + skipped + " skipped";
  }

  private void exploration(StringBuilder sb) {
    List<ExplorationTally.Exploration> all = runs.get(Backend.SIM).map(BackendRun::explorations).orElse(List.of());
    sb.append("<section id=\"exploration\">\n<h2>Exhaustive exploration</h2>\n<p>On the simulated host: every adversary move ")
        .append("of a table in every gap between fcproc's host calls, and every host call failing in turn; each run ")
        .append("checked against the jail invariant and the operation's promise.</p>\n");
    if (all.isEmpty()) {
      sb.append("<p id=\"exploration-none\">No exploration ran in this build.</p>\n</section>\n");
      return;
    }
    sb.append("<table id=\"exploration-table\">\n<thead><tr><th>scenario</th><th>operation</th><th>runs</th><th>distinct schedules</th>")
        .append("<th>moves made</th><th>moves refused</th><th>faults injected</th><th>violations</th><th>runs/s</th></tr></thead>\n<tbody>\n");
    for (ExplorationTally.Exploration x : all) {
      explorationRow(sb, x, "td");
    }
    sb.append("</tbody>\n<tfoot>\n");
    explorationRow(sb, ExplorationTally.total(all), "th");
    sb.append("</tfoot>\n</table>\n</section>\n");
  }

  private static void explorationRow(StringBuilder sb, ExplorationTally.Exploration x, String first) {
    sb.append("<tr><").append(first).append(" scope=\"row\">").append(esc(x.scenario())).append("</").append(first)
        .append("><td>").append(esc(x.target())).append("</td>");
    for (long n : new long[] {x.runs(), x.schedules(), x.movesMade(), x.movesRefused(), x.faults()}) {
      sb.append("<td class=\"num\">").append(n).append("</td>");
    }
    sb.append("<td class=\"num ").append(x.violations() == 0 ? "defended" : "not-defended").append("\" data-count=\"violations\">")
        .append(x.violations()).append("</td><td class=\"num\">")
        .append(String.format(Locale.ROOT, "%.0f", x.runsPerSecond())).append("</td></tr>\n");
  }

  private void matrix(StringBuilder sb) {
    sb.append("<section id=\"matrix\">\n<h2>Attack matrix</h2>\n");
    for (AttackClass k : catalogue.classes()) {
      sb.append("<section class=\"attack-class\" id=\"class-").append(k.tag()).append("\">\n<h3>").append(esc(k.title()))
          .append(" <span class=\"tag\">@class:").append(k.tag()).append("</span></h3>\n")
          .append("<table class=\"matrix\">\n<thead><tr><th>id</th><th>attack</th><th>invariant</th>");
      for (Backend b : Backend.values()) {
        sb.append("<th>").append(esc(b.title())).append("</th>");
      }
      sb.append("<th>scenarios</th></tr></thead>\n<tbody>\n");
      for (Attack a : catalogue.attacks()) {
        if (!a.attackClass().equals(k)) {
          continue;
        }
        sb.append("<tr class=\"attack\" id=\"attack-").append(a.id()).append("\" data-id=\"").append(a.id()).append("\">")
            .append("<td class=\"id\"><a href=\"#").append(a.id()).append("\">").append(a.id()).append("</a></td><td>")
            .append(esc(a.title())).append("</td><td class=\"invariant\">").append(esc(a.invariant())).append("</td>");
        for (Backend b : Backend.values()) {
          Outcome o = Outcome.of(a, runs.get(b));
          sb.append("<td class=\"outcome ").append(o.css()).append("\" data-backend=\"").append(b.id())
              .append("\" data-outcome=\"").append(o.css()).append("\">").append(o.label()).append("</td>");
        }
        sb.append("<td class=\"links\">");
        for (int i = 0; i < a.scenarios().size(); i++) {
          CatalogueScenario s = a.scenarios().get(i);
          sb.append(i == 0 ? "" : " ").append("<a class=\"scenario-link\" href=\"#").append(s.anchor()).append("\" title=\"")
              .append(esc(s.name())).append("\">").append(esc(s.feature())).append(':').append(s.line()).append("</a>");
        }
        sb.append(a.scenarios().isEmpty() ? "none" : "");
        if (!a.scenarios().isEmpty() && a.scenarios().stream().allMatch(CatalogueScenario::simOnly)) {
          sb.append(" <span class=\"tag\" title=\"the kernel suite leaves these scenarios out\">")
              .append(CatalogueScenario.SIM_ONLY).append("</span>");
        }
        sb.append("</td></tr>\n");
      }
      sb.append("</tbody>\n</table>\n</section>\n");
    }
    sb.append("</section>\n");
  }

  private void scenarios(StringBuilder sb) {
    sb.append("<section id=\"scenarios\">\n<h2>The attacks' scenarios</h2>\n");
    for (Attack a : catalogue.attacks()) {
      sb.append("<article class=\"attack-detail\" id=\"").append(a.id()).append("\">\n<h3>").append(a.id()).append(" — ")
          .append(esc(a.title())).append("</h3>\n<p class=\"invariant\"><strong>Invariant:</strong> ").append(esc(a.invariant()))
          .append("</p>\n<p class=\"where\">").append(esc(a.attackClass().title())).append(" · rule at <code>")
          .append(esc(a.feature())).append(':').append(a.line()).append("</code> · <a href=\"#attack-").append(a.id())
          .append("\">back to the matrix</a></p>\n");
      if (a.scenarios().isEmpty()) {
        sb.append("<p class=\"outcome no-scenario\">No scenario: the catalogue check fails until one is written.</p>\n");
      }
      for (CatalogueScenario s : a.scenarios()) {
        sb.append("<section class=\"scenario\" id=\"").append(s.anchor()).append("\">\n<h4>").append(esc(s.name()))
            .append("</h4>\n<p><code>").append(esc(s.feature())).append(':').append(s.line()).append("</code>");
        for (Backend b : Backend.values()) {
          Outcome o = Outcome.of(s, runs.get(b));
          sb.append(" · ").append(esc(b.title())).append(": <span class=\"outcome ").append(o.css()).append("\">")
              .append(o.label()).append("</span>");
        }
        sb.append("</p>\n<pre>").append(esc(s.source())).append("</pre>\n</section>\n");
      }
      sb.append("</article>\n");
    }
    sb.append("</section>\n");
  }

  static String esc(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  private static final String CSS = """
      body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 86rem; padding: 1rem 2rem; color: #1d1d1f; }
      h1 { margin-bottom: .2rem; } h2 { border-bottom: 1px solid #ccc; margin-top: 2.2rem; }
      table { border-collapse: collapse; width: 100%; margin: .6rem 0 1.2rem; }
      th, td { border: 1px solid #d5d5d5; padding: .3rem .5rem; text-align: left; vertical-align: top; }
      thead th { background: #f1f1f4; }
      td.num, td.count { text-align: right; font-variant-numeric: tabular-nums; }
      td.id, td.links { white-space: nowrap; } td.id { font-weight: 600; }
      td.invariant, p.invariant { color: #333; }
      .outcome, .count { white-space: nowrap; font-weight: 600; }
      .defended { background: #e3f6e5; color: #14532d; }
      .not-defended { background: #fde2e1; color: #7f1d1d; }
      .not-run { background: #f3f3f3; color: #555; }
      .no-scenario { background: #fff3cd; color: #6b4f00; }
      .zero { color: #888; }
      span.outcome { padding: 0 .3rem; border-radius: 3px; }
      .tag { font: 12px ui-monospace, monospace; color: #666; font-weight: normal; }
      .problems { border: 2px solid #b91c1c; padding: .2rem 1rem; background: #fff5f5; }
      article.attack-detail { border-top: 1px solid #e5e5e5; padding-top: .4rem; }
      section.scenario { margin-left: 1rem; }
      pre { background: #f7f7f9; border: 1px solid #e5e5e5; padding: .6rem; overflow-x: auto; font-size: 13px; }
      :target { outline: 3px solid #2563eb; outline-offset: 2px; }
      """;
}
