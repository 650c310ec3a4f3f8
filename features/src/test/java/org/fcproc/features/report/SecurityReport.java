package org.fcproc.features.report;

import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.Status;
import io.cucumber.plugin.event.TestCaseFinished;
import io.cucumber.plugin.event.TestRunFinished;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The security report: a Cucumber plugin that, when the run ends, prints the attack matrix (id,
 * title, defended or not) with the exploration counts, and writes
 * {@code target/security-report/summary.json}:
 * <pre>{"attacks":[{"id","title","outcome"}], "exploration":{"runs","schedules","violations"}}</pre>
 *
 * <p>An attack is <em>defended</em> when every scenario tagged with its id passed, <em>not
 * defended</em> when one failed, and has <em>no scenario</em> when the catalogue lists it and no
 * scenario carries its tag. The catalogue is read from {@code ../../shared/ATTACKS.md} (the
 * shared folder beside the checkout) when it is there; its row text is the title. Without it,
 * the ids seen in the run are reported with their first scenario's name.
 */
public final class SecurityReport implements ConcurrentEventListener {
  private static final Pattern ID = Pattern.compile("@([A-Z][0-9]+)");
  private static final Pattern ROW = Pattern.compile("^\\| ([A-Z][0-9]+) \\| (.*?) \\| .*\\|\\s*$");

  private final Path out;
  private final Map<String, String> firstScenario = new TreeMap<>(SecurityReport::byId);
  private final Map<String, Boolean> passed = new TreeMap<>(SecurityReport::byId);

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
    boolean ok = e.getResult().getStatus() == Status.PASSED;
    for (String tag : e.getTestCase().getTags()) {
      Matcher m = ID.matcher(tag);
      if (m.matches()) {
        firstScenario.putIfAbsent(m.group(1), e.getTestCase().getName());
        passed.merge(m.group(1), ok, Boolean::logicalAnd);
      }
    }
  }

  /** Attack ids sort by letter, then number: S2 before S10. */
  private static int byId(String a, String b) {
    int c = Character.compare(a.charAt(0), b.charAt(0));
    return c != 0 ? c : Integer.compare(Integer.parseInt(a.substring(1)), Integer.parseInt(b.substring(1)));
  }

  private synchronized void write() {
    Map<String, String> titles = catalogue();
    boolean withCatalogue = !titles.isEmpty();
    if (!withCatalogue) {
      titles.putAll(firstScenario);
    }
    List<String[]> rows = new ArrayList<>();
    for (Map.Entry<String, String> t : titles.entrySet()) {
      Boolean ok = passed.get(t.getKey());
      String outcome = ok == null ? "no scenario" : ok ? "defended" : "not defended";
      rows.add(new String[] {t.getKey(), t.getValue(), outcome});
    }
    ExplorationTally.Totals x = ExplorationTally.totals();
    print(rows, x, System.out);
    if (!withCatalogue) {
      System.out.println("(../../shared/ATTACKS.md was not found: only the ids that scenarios carry are listed.)");
    }
    try {
      Files.createDirectories(out);
      Files.writeString(out.resolve("summary.json"), json(rows, x), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the security report to " + out, e);
    }
  }

  private static Map<String, String> catalogue() {
    Map<String, String> titles = new TreeMap<>(SecurityReport::byId);
    for (Path p : List.of(Path.of("../../shared/ATTACKS.md"), Path.of("../shared/ATTACKS.md"))) {
      if (!Files.isReadable(p)) {
        continue;
      }
      try {
        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
          Matcher m = ROW.matcher(line);
          if (m.matches()) {
            titles.put(m.group(1), m.group(2).replace("`", "").replace("**", "").strip());
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the attack catalogue " + p, e);
      }
      break;
    }
    return titles;
  }

  private static void print(List<String[]> rows, ExplorationTally.Totals x, PrintStream ps) {
    ps.println();
    ps.println("Security report: the attack catalogue");
    ps.printf("%-4s %-13s %s%n", "id", "outcome", "attack");
    for (String[] r : rows) {
      ps.printf("%-4s %-13s %s%n", r[0], r[2], r[1]);
    }
    long defended = rows.stream().filter(r -> r[2].equals("defended")).count();
    ps.printf("%d of %d attacks defended.%n", defended, rows.size());
    ps.printf("Exploration: %d runs, %d distinct schedules, %d violations.%n", x.runs(), x.schedules(), x.violations());
    ps.println();
  }

  private static String json(List<String[]> rows, ExplorationTally.Totals x) {
    StringBuilder sb = new StringBuilder("{\"attacks\":[");
    for (int i = 0; i < rows.size(); i++) {
      String[] r = rows.get(i);
      sb.append(i == 0 ? "" : ",").append("\n  {\"id\":").append(quote(r[0]))
          .append(",\"title\":").append(quote(r[1]))
          .append(",\"outcome\":").append(quote(r[2])).append('}');
    }
    Map<String, Long> e = new LinkedHashMap<>();
    e.put("runs", x.runs());
    e.put("schedules", x.schedules());
    e.put("violations", x.violations());
    sb.append("\n],\n\"exploration\":{");
    int i = 0;
    for (Map.Entry<String, Long> en : e.entrySet()) {
      sb.append(i++ == 0 ? "" : ",").append(quote(en.getKey())).append(':').append(en.getValue());
    }
    return sb.append("}}\n").toString();
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
