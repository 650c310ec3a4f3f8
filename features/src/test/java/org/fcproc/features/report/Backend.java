package org.fcproc.features.report;

import java.util.Arrays;

/**
 * A host the scenario catalogue runs on, as the report names it. Each suite writes its results
 * under {@link #id()}; the page shows the backends side by side, in this order.
 */
enum Backend {
  /** {@code SimulatedHostScenarios}: every scenario, no root needed. */
  SIM("sim", "Simulated host", "simulated-host.html"),
  /** {@code KernelScenarios}: every scenario but the {@code @sim-only} ones, as root, in namespaces. */
  KERNEL("kernel", "Real kernel", "kernel.html");

  private final String id;
  private final String title;
  private final String cucumberReport;

  Backend(String id, String title, String cucumberReport) {
    this.id = id;
    this.title = title;
    this.cucumberReport = cucumberReport;
  }

  /** The value of {@code fcproc.scenario.backend} that selects it. */
  String id() {
    return id;
  }

  String title() {
    return title;
  }

  /** Cucumber's own HTML report of the suite, in {@code target/cucumber-reports/}. */
  String cucumberReport() {
    return cucumberReport;
  }

  static Backend byId(String id) {
    return Arrays.stream(values()).filter(b -> b.id.equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown scenario backend \"" + id + "\" (known: sim, kernel)"));
  }
}
