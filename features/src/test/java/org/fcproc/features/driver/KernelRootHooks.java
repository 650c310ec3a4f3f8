package org.fcproc.features.driver;

import io.cucumber.java.After;
import io.cucumber.java.AfterAll;
import io.cucumber.java.Before;
import io.cucumber.java.Scenario;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.opentest4j.TestAbortedException;

/**
 * Glue for the kernel suite only ({@code KernelScenarios} adds this package to its glue): when
 * this JVM is not in the private kernel root, every scenario is skipped, with the reason printed
 * once — or fails, when {@code FCPROC_REQUIRE_KERNEL_TESTS} is set (a root CI job); at the end,
 * the count of scenarios that ran on the kernel is printed and the last scenario's fake
 * firecrackers are stopped.
 */
public final class KernelRootHooks {
  private static final AtomicInteger ran = new AtomicInteger();
  private static final AtomicInteger passed = new AtomicInteger();
  private static final AtomicInteger skipped = new AtomicInteger();
  private static volatile boolean told;

  @Before(order = 0)
  public void requireKernelRoot() {
    if (!System.getProperty(Backends.PROPERTY, "sim").equals("kernel")) {
      return;
    }
    Optional<String> why = KernelRoot.whyNot();
    if (why.isEmpty()) {
      return;
    }
    skipped.incrementAndGet();
    if (System.getenv("FCPROC_REQUIRE_KERNEL_TESTS") != null) {
      throw new AssertionError("kernel scenarios required (FCPROC_REQUIRE_KERNEL_TESTS) but cannot run: " + why.get());
    }
    if (!told) {
      told = true;
      System.out.println("SKIPPING kernel scenarios: " + why.get());
    }
    throw new TestAbortedException("kernel scenarios skipped: " + why.get());
  }

  @After
  public void count(Scenario scenario) {
    if (!System.getProperty(Backends.PROPERTY, "sim").equals("kernel") || KernelRoot.whyNot().isPresent()) {
      return;
    }
    ran.incrementAndGet();
    if (!scenario.isFailed()) {
      passed.incrementAndGet();
    }
  }

  @AfterAll
  public static void report() {
    if (!System.getProperty(Backends.PROPERTY, "sim").equals("kernel")) {
      return;
    }
    KernelScenarioHost.closeCurrent();
    if (skipped.get() > 0 && ran.get() == 0) {
      System.out.println("kernel scenarios: none ran on the kernel (" + skipped.get() + " skipped)");
    } else {
      System.out.println("kernel scenarios: " + ran.get() + " ran on the real kernel in a private root ("
          + System.getenv("FCPROC_KERNEL_ROOT") + "), " + passed.get() + " passed, " + (ran.get() - passed.get()) + " failed");
    }
  }
}
