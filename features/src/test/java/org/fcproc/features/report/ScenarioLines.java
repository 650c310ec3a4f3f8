package org.fcproc.features.report;

import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.TestCaseFinished;
import java.io.PrintStream;

/**
 * A Cucumber plugin that prints one line per finished scenario — outcome, tags, name — so the
 * catalogue's result reads at a glance on the console. Cucumber's {@code summary} plugin adds
 * the counts and the failures in full after it.
 */
public final class ScenarioLines implements ConcurrentEventListener {
  private final PrintStream out = System.out;

  @Override
  public void setEventPublisher(EventPublisher publisher) {
    publisher.registerHandlerFor(TestCaseFinished.class, this::print);
  }

  private synchronized void print(TestCaseFinished event) {
    String status = event.getResult().getStatus().name();
    String tags = String.join(" ", event.getTestCase().getTags());
    out.printf("%-8s %-40s %s%n", status, tags, event.getTestCase().getName());
  }
}
