package org.fcproc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The whole-process harness: runs every measurement of the bench issue in one JVM, in order, and
 * writes {@code latest.json} and {@code latest.md} (the table {@code bench/run} puts in
 * README.md). Kernel items run only inside {@code bench/run}'s namespaces (see {@link Namespace});
 * elsewhere they are listed as not run, with the reason.
 *
 * <pre>
 * java -jar bench/target/fcproc-bench.jar [--quick] [--only=1,2,3,4,5,6,7] [--out=bench/results]
 * </pre>
 */
public final class Harness {
  private Harness() {}

  public static void main(String[] args) throws Exception {
    Plan plan = Plan.full();
    Set<String> only = new TreeSet<>(List.of("1", "2", "3", "4", "5", "6", "7"));
    String out = "bench/results";
    String jmhCsv = null;
    for (String a : args) {
      if (a.equals("--quick")) {
        plan = Plan.quick();
      } else if (a.startsWith("--only=")) {
        only = new TreeSet<>(List.of(a.substring(7).split(",")));
      } else if (a.startsWith("--out=")) {
        out = a.substring(6);
      } else if (a.startsWith("--jmh=")) {
        jmhCsv = a.substring(6);
      } else {
        System.err.println("usage: Harness [--quick] [--only=1,2,...] [--out=DIR] [--jmh=jmh.csv]");
        System.exit(2);
      }
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("date", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")));
    meta.put("machine", machine());
    meta.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    meta.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    meta.put("plan", plan == null ? "" : (args.length > 0 && List.of(args).contains("--quick") ? "quick (not for the table)" : "full"));
    meta.put("load average at start", loadavg());
    List<Row> rows = new ArrayList<>();
    sectionLoad = new LinkedHashMap<>();
    long t0 = System.nanoTime();

    Optional<String> why = Namespace.whyNot();
    if (why.isEmpty()) {
      LinuxSections linux = new LinuxSections(plan, rows);
      meta.put("mounts in the bench namespace", Integer.toString(linux.mountCount()));
      meta.put("firecracker stand-in copied per VM", (JailWorkspace.FIRECRACKER_BYTES >> 10) + " KiB");
      if (only.contains("1") || only.contains("7")) {
        guarded(rows, LinuxSections.S1, linux::perVm);
      }
      if (only.contains("2")) {
        guarded(rows, LinuxSections.S2, linux::throughput);
      }
      if (only.contains("3")) {
        guarded(rows, LinuxSections.S3, linux::sockets);
      }
      if (only.contains("4")) {
        guarded(rows, LinuxSections.S4, linux::tap);
      }
      if (only.contains("5")) {
        guarded(rows, LinuxSections.S5, linux::cleanupVsMounts);
      }
    } else {
      for (String s : List.of(LinuxSections.S1, LinuxSections.S2, LinuxSections.S3, LinuxSections.S4, LinuxSections.S5, LinuxSections.S7)) {
        rows.add(Row.missing(s, "(kernel measurements)", "not run: " + why.get()));
      }
    }
    if (only.contains("6")) {
      guarded(rows, SimSections.S6, new SimSections(plan, rows)::run);
    }
    meta.putAll(sectionLoad);
    meta.put("load average at end", loadavg());
    meta.put("harness wall time", String.format("%.0f s", (System.nanoTime() - t0) / 1e9));
    String extra = System.getenv("FCPROC_BENCH_LOAD_NOTE");
    if (extra != null && !extra.isBlank()) {
      meta.put("other processes", extra.strip());
    }

    Files.createDirectories(Path.of(out));
    Files.writeString(Path.of(out, "latest.json"), Report.json(meta, rows), StandardCharsets.UTF_8);
    String md = Report.markdown(meta, rows, jmhCsv == null ? null : Path.of(jmhCsv));
    Files.writeString(Path.of(out, "latest.md"), md, StandardCharsets.UTF_8);
    System.out.println(md);
  }

  @FunctionalInterface
  interface Section {
    void run() throws Exception;
  }

  /** A section that fails is reported as a row, never hidden; the others still run. */
  private static Map<String, String> sectionLoad;

  private static void guarded(List<Row> rows, String section, Section s) {
    sectionLoad.put("load average before item " + section, loadavg());
    try {
      s.run();
    } catch (Exception | AssertionError e) {
      e.printStackTrace();
      rows.add(Row.missing(section, "(failed)", "this section failed: " + e));
    }
  }

  static String loadavg() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  static String machine() {
    String model = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          model = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException ignored) {
      // keep "unknown"
    }
    long memKb = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          memKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException ignored) {
      // keep 0
    }
    return String.format(Locale.ROOT, "%s, %d cores, %.0f GiB RAM", model, Runtime.getRuntime().availableProcessors(),
        memKb / 1024.0 / 1024.0);
  }
}
