package org.fcproc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes the results: JSON for tools, Markdown for README.md. */
final class Report {
  private Report() {}

  static String json(Map<String, String> meta, List<Row> rows) {
    StringBuilder b = new StringBuilder("{\n  \"meta\": {");
    boolean first = true;
    for (Map.Entry<String, String> e : meta.entrySet()) {
      b.append(first ? "\n" : ",\n").append("    ").append(q(e.getKey())).append(": ").append(q(e.getValue()));
      first = false;
    }
    b.append("\n  },\n  \"rows\": [");
    first = true;
    for (Row r : rows) {
      b.append(first ? "\n" : ",\n").append("    {");
      b.append("\"section\": ").append(q(r.section())).append(", \"name\": ").append(q(r.name()));
      b.append(", \"unit\": ").append(q(r.unit()));
      if (r.stats() != null) {
        Stats s = r.stats();
        b.append(String.format(Locale.ROOT, ", \"n\": %d, \"median\": %s, \"p10\": %s, \"p90\": %s, \"p99\": %s, \"min\": %s, \"max\": %s",
            s.n(), num(s.median()), num(s.p10()), num(s.p90()), num(s.p99()), num(s.min()), num(s.max())));
      }
      if (!r.baseline().isEmpty()) {
        b.append(", \"baseline\": ").append(q(r.baseline())).append(", \"ratio\": ").append(num(r.ratio()));
      }
      if (!r.target().isEmpty()) {
        b.append(", \"target\": ").append(q(r.target())).append(", \"verdict\": ").append(q(r.verdict()));
      }
      b.append(", \"note\": ").append(q(r.note())).append('}');
      first = false;
    }
    return b.append("\n  ]\n}\n").toString();
  }

  private static String num(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.6g", v);
  }

  private static String q(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  static String v(double x) {
    if (Double.isNaN(x)) {
      return "";
    }
    double a = Math.abs(x);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", x);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", x);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", x);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.2f", x);
    }
    return String.format(Locale.ROOT, "%.3f", x);
  }

  static String markdown(Map<String, String> meta, List<Row> rows, Path jmhCsv) throws IOException {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> e : meta.entrySet()) {
      b.append("- **").append(e.getKey()).append("**: ").append(e.getValue()).append('\n');
    }
    b.append("\n| item | measurement | unit | median | p10 – p90 | p99 | min – max | n | vs baseline | target | met? | note |\n");
    b.append("|---|---|---|---:|---:|---:|---:|---:|---:|---|---|---|\n");
    for (Row r : rows) {
      Stats s = r.stats();
      String ratio = r.baseline().isEmpty() ? "" : v(r.ratio()) + "× vs " + r.baseline();
      b.append("| ").append(r.section()).append(" | ").append(r.name()).append(" | ").append(r.unit()).append(" | ");
      if (s == null) {
        b.append(" | | | | | ");
      } else {
        b.append("**").append(v(s.median())).append("** | ").append(v(s.p10())).append(" – ").append(v(s.p90())).append(" | ")
            .append(v(s.p99())).append(" | ").append(v(s.min())).append(" – ").append(v(s.max())).append(" | ").append(s.n()).append(" | ");
      }
      b.append(ratio).append(" | ").append(r.target()).append(" | ")
          .append(r.verdict().isEmpty() ? "" : r.verdict().equals("met") ? "✅ met" : "❌ **missed**").append(" | ")
          .append(r.note().replace("|", "\\|")).append(" |\n");
    }
    b.append("\nTargets:\n\n");
    for (Row r : rows) {
      if (!r.target().isEmpty()) {
        b.append("- ").append(r.verdict().equals("met") ? "**met**" : "**MISSED**").append(" — ").append(r.section()).append(", ")
            .append(r.name()).append(": ").append(r.target()).append("; measured median ").append(v(r.stats().median())).append(' ')
            .append(r.unit());
        if (r.unit().equals("ms")) {
          b.append(", p99 ").append(v(r.stats().p99())).append(" ms");
        }
        if (!r.baseline().isEmpty()) {
          b.append(", ").append(v(r.ratio())).append("× vs ").append(r.baseline());
        }
        b.append('\n');
      }
    }
    if (jmhCsv != null && Files.exists(jmhCsv)) {
      b.append("\nJMH (same run, `").append(jmhCsv.getFileName()).append("`; score ± 99.9% error):\n\n");
      b.append("| benchmark | mode | threads | samples | score | error | unit |\n|---|---|---:|---:|---:|---:|---|\n");
      List<String> lines = Files.readAllLines(jmhCsv);
      for (String line : lines.subList(1, lines.size())) {
        List<String> f = csv(line);
        if (f.size() < 7) {
          continue;
        }
        String name = f.get(0).replace("org.fcproc.bench.jmh.", "");
        b.append("| ").append(name).append(" | ").append(f.get(1)).append(" | ").append(f.get(2)).append(" | ").append(f.get(3))
            .append(" | ").append(v(Double.parseDouble(f.get(4)))).append(" | ")
            .append(f.get(5).equals("NaN") ? "" : "± " + v(Double.parseDouble(f.get(5)))).append(" | ").append(f.get(6)).append(" |\n");
      }
    }
    return b.toString();
  }

  static List<String> csv(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (char c : line.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
