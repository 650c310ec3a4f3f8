package org.fcproc.linux.sudo;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The closing count line of each sudo-mode end-to-end class, as the other kernel suites print
 * theirs: how many tests ran as the unprivileged caller through the real sudo, and how many
 * passed, failed or were skipped (and why they were skipped: not root, no namespace).
 */
final class Tally implements TestWatcher, AfterAllCallback {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(Tally.class);

  private record Counts(AtomicInteger passed, AtomicInteger failed, AtomicInteger skipped) {
    Counts() {
      this(new AtomicInteger(), new AtomicInteger(), new AtomicInteger());
    }
  }

  private static Counts counts(ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() || classContext.getTestClass().isEmpty()) {
      classContext = classContext.getParent().orElseThrow();
    }
    return classContext.getStore(NS).getOrComputeIfAbsent("counts", k -> new Counts(), Counts.class);
  }

  @Override
  public void testSuccessful(ExtensionContext context) {
    counts(context).passed().incrementAndGet();
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    counts(context).failed().incrementAndGet();
  }

  @Override
  public void testAborted(ExtensionContext context, Throwable cause) {
    counts(context).skipped().incrementAndGet();
  }

  @Override
  public void testDisabled(ExtensionContext context, Optional<String> reason) {
    counts(context).skipped().incrementAndGet();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Counts c = counts(context);
    int ran = c.passed().get() + c.failed().get();
    String name = context.getRequiredTestClass().getSimpleName();
    if (ran == 0) {
      System.out.println("sudo-mode e2e " + name + ": none ran (" + c.skipped().get() + " skipped)");
    } else {
      System.out.println("sudo-mode e2e " + name + ": " + ran + " ran as uid " + SudoSandbox.DEV.uid()
          + " through the real sudo (one sudoers rule) in a throwaway mount+network namespace, "
          + c.passed().get() + " passed, " + c.failed().get() + " failed, " + c.skipped().get() + " skipped");
    }
  }
}
