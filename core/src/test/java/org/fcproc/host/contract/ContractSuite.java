package org.fcproc.host.contract;

import java.util.Optional;
import org.fcproc.host.HostOps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * What every contract suite does around its tests: it gets its host from the backend once (the
 * backend may abort, which skips the suite), closes it at the end, and prints one line saying how
 * many of its tests ran on which host — so a CI log shows the facts were checked on the kernel,
 * not skipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ContractSuite {
  private final String suite;
  private final String tests;

  @RegisterExtension final Tally tally = new Tally();

  protected ContractHost contract;
  /** The host, as root. */
  protected HostOps host;
  private String notRun = "";

  /** {@code suite} and {@code tests} name the closing line: "{suite} on sim: 61 {tests} ran". */
  ContractSuite(String suite, String tests) {
    this.suite = suite;
    this.tests = tests;
  }

  /** The scratch area and host for this run; called once, before any test. May abort (skip). */
  protected abstract ContractHost createContractHost() throws Exception;

  @BeforeAll
  void openContractHost() throws Exception {
    try {
      contract = createContractHost();
    } catch (org.opentest4j.TestAbortedException e) {
      notRun = e.getMessage();
      throw e;
    }
    host = contract.host();
  }

  @AfterAll
  void closeContractHost() throws Exception {
    try {
      if (contract != null) {
        contract.close();
      }
    } finally {
      String line = String.format("%s on %s: %d %s ran (%d passed, %d failed, %d aborted/skipped, %d disabled)",
          suite, host == null ? "(no host)" : host.name(), tally.passed + tally.failed, tests, tally.passed,
          tally.failed, tally.aborted, tally.disabled);
      System.out.println(notRun.isEmpty() ? line : line + " -- not run: " + notRun);
    }
  }

  /** Counts the outcomes of a suite's tests for its closing line. */
  static final class Tally implements TestWatcher {
    int passed;
    int failed;
    int aborted;
    int disabled;

    @Override
    public void testSuccessful(ExtensionContext context) {
      passed++;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      failed++;
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
      aborted++;
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
      disabled++;
    }
  }
}
