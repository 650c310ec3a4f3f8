package org.fcproc.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathResource;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * A scenario cannot pass without testing anything: one whose adversary's move cannot be made, or
 * whose move or fault waits for a call that never comes, fails — reported as such, not as the
 * operation's outcome. Each runs a small feature under {@code src/test/resources/vacuous/} (not
 * part of the catalogue) through Cucumber's JUnit Platform engine on the simulated host, as the
 * catalogue's suite would, and checks its result and the reason given.
 */
class VacuousScenariosTest {

  /** One scenario's result: whether it passed, and the message of what failed it. */
  private record Result(TestExecutionResult.Status status, String message) {}

  private static Result run(String feature) {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClasspathResource("vacuous/" + feature))
        .configurationParameter("cucumber.glue", "org.fcproc.features.steps")
        .configurationParameter("cucumber.publish.quiet", "true")
        .build();
    List<Result> scenarios = new ArrayList<>();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(request, new TestExecutionListener() {
      @Override
      public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (id.isTest()) {
          scenarios.add(new Result(result.getStatus(), result.getThrowable().map(Throwable::getMessage).orElse("")));
        }
      }
    });
    assertThat(scenarios).as("scenarios run from vacuous/%s", feature).hasSize(1);
    return scenarios.get(0);
  }

  @Test
  void aMoveThatCannotBeMadeFailsTheScenario() {
    Result r = run("move-cannot-be-made.feature");
    assertThat(r.status()).isEqualTo(TestExecutionResult.Status.FAILED);
    assertThat(r.message())
        .contains("the adversary's move \"the adversary swaps /etc/passwd for a symlink to /etc/shadow")
        .contains("could not be made")
        .contains("EACCES");
  }

  @Test
  void aMoveWhoseCallNeverComesFailsTheScenario() {
    Result r = run("move-never-made.feature");
    assertThat(r.status()).isEqualTo(TestExecutionResult.Status.FAILED);
    assertThat(r.message()).contains("never made").contains("/etc is bind-mounted at /run/fcproc");
  }

  @Test
  void aFaultWhoseCallNeverComesFailsTheScenario() {
    Result r = run("fault-never-injected.feature");
    assertThat(r.status()).isEqualTo(TestExecutionResult.Status.FAILED);
    assertThat(r.message()).contains("never made").contains("fcproc's first \"unmount\" call fails with EIO");
  }

  @Test
  void aMoveTheScenarioExpectsToFailLetsItPass() {
    Result r = run("move-expected-to-fail.feature");
    assertThat(r.status()).as("result, failure: %s", r.message()).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
  }

  @Test
  void anExpectedFailureThatDidNotHappenFailsTheScenario() {
    Result r = run("expected-failure-that-did-not-happen.feature");
    assertThat(r.status()).isEqualTo(TestExecutionResult.Status.FAILED);
    assertThat(r.message()).contains("expects the adversary's move to fail, but every move was made");
  }
}
