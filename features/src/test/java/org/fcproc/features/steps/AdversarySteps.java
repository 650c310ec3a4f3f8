package org.fcproc.features.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.cucumber.java.After;
import io.cucumber.java.Scenario;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import org.fcproc.host.Errno;

/**
 * The adversary acting in the middle of an operation, between two of fcproc's host calls, and
 * host calls that fail. Each driver stops fcproc between two calls its own way (the simulator's
 * choke point; on the kernel, a recording {@code HostOps} around the real one). Call names are
 * {@code HostOps} method names; the reviewer's guide lists them.
 */
public final class AdversarySteps {
  private final World world;
  private World.Outcome otherOutcome;

  public AdversarySteps(World world) {
    this.world = world;
  }

  @Given("the adversary swaps {path} for a symlink to {path}")
  public void swapNow(String path, String target) {
    world.host.adversarySwapsForSymlink(path, target);
  }

  /**
   * Schedules a move just before fcproc's {@code nth} {@code call}: a move that cannot be made, or
   * whose call never comes, fails the scenario (see {@link AdversaryMoves}).
   */
  private void before(String call, int nth, String description, Runnable move) {
    world.host.beforeCall(call, nth, world.moves.schedule(description + " just before fcproc's call " + nth + " of \"" + call + "\"", move));
  }

  @Given("the adversary swaps {path} for a symlink to {path} just before fcproc's {ordinal} {string} call")
  public void swapLater(String path, String target, int nth, String call) {
    before(call, nth, "the adversary swaps " + path + " for a symlink to " + target,
        () -> world.host.adversarySwapsForSymlink(path, target));
  }

  @Given("{path} is bind-mounted at {path} just before fcproc's {ordinal} {string} call")
  public void mountLater(String source, String target, int nth, String call) {
    before(call, nth, source + " is bind-mounted at " + target, () -> world.host.bindMount(source, target));
  }

  @Given("{path} is re-pointed at {path} just before fcproc's {ordinal} {string} call")
  public void repointLater(String link, String target, int nth, String call) {
    before(call, nth, link + " is re-pointed at " + target, () -> {
      world.host.remove(link);
      world.host.symlink(link, target);
    });
  }

  @Given("another cleanup of {path} runs just before fcproc's {ordinal} {string} call")
  public void concurrentCleanup(String chroot, int nth, String call) {
    // The other cleanup's own failure is its outcome, checked by "the other cleanup succeeded";
    // the move itself (starting it) cannot fail.
    before(call, nth, "another cleanup of " + chroot, () -> {
      try {
        world.fcproc().cleanupJailerChroot(chroot);
        otherOutcome = new World.Outcome(null, null);
      } catch (Exception e) {
        otherOutcome = new World.Outcome(null, e);
      }
    });
  }

  @Given("fcproc's first {string} call fails with {errno}")
  public void fault(String call, Errno errno) {
    world.host.failFirstCall(call, errno, world.moves.scheduleFault("fcproc's first \"" + call + "\" call fails with " + errno));
  }

  @Given("the adversary's move is expected to fail")
  public void moveExpectedToFail() {
    world.moves.expectFailure();
  }

  @Then("the adversary's move failed with {string}")
  public void moveFailedWith(String reason) {
    assertThat(world.moves.firstFailure()).as("a move that could not be made").isPresent();
    assertThat(world.moves.firstFailure().get().getMessage()).as("why the move could not be made").contains(reason);
  }

  /** Every scheduled move ran (and an expected failure happened); skipped once the scenario failed, to report its first reason. */
  @After
  public void everyMoveRan(Scenario scenario) {
    if (!scenario.isFailed()) {
      world.moves.checkAllRan();
    }
  }

  @Then("the other cleanup succeeded")
  public void otherSucceeded() {
    assertThat(otherOutcome).as("the other cleanup ran").isNotNull();
    assertThat(otherOutcome.error()).as("the other cleanup's error").isNull();
  }
}
