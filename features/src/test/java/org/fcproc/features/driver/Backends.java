package org.fcproc.features.driver;

import java.util.Map;

/**
 * Which host the scenarios run on: the system property {@code fcproc.scenario.backend}, set by
 * the Surefire execution that runs a suite ({@code sim} unless said otherwise; {@code kernel}:
 * the real kernel, in the private root of {@code src/test/kernel-root/}).
 */
public final class Backends {
  public static final String PROPERTY = "fcproc.scenario.backend";

  private Backends() {}

  public static ScenarioHost create() {
    String backend = System.getProperty(PROPERTY, "sim");
    if (backend.equals("sim")) {
      return new SimulatedScenarioHost(Map.of("PATH", StandardLayout.PATH));
    }
    if (backend.equals("kernel")) {
      // refuses, saying why, unless this JVM is in the private root the kernel-root wrapper builds
      return KernelScenarioHost.create();
    }
    throw new IllegalStateException("unknown scenario backend " + PROPERTY + "=" + backend + " (known: sim, kernel)");
  }
}
