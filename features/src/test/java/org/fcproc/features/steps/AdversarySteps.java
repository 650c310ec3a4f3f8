package org.fcproc.features.steps;

import static org.assertj.core.api.Assertions.assertThat;

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

  @Given("the adversary swaps {path} for a symlink to {path} just before fcproc's first {string} call")
  public void swapLater(String path, String target, String call) {
    world.host.beforeFirstCall(call, () -> world.host.adversarySwapsForSymlink(path, target));
  }

  @Given("{path} is bind-mounted at {path} just before fcproc's first {string} call")
  public void mountLater(String source, String target, String call) {
    world.host.beforeFirstCall(call, () -> world.host.bindMount(source, target));
  }

  @Given("{path} is re-pointed at {path} just before fcproc's first {string} call")
  public void repointLater(String link, String target, String call) {
    world.host.beforeFirstCall(call, () -> {
      world.host.remove(link);
      world.host.symlink(link, target);
    });
  }

  @Given("another cleanup of {path} runs just before fcproc's first {string} call")
  public void concurrentCleanup(String chroot, String call) {
    world.host.beforeFirstCall(call, () -> {
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
    world.host.failFirstCall(call, errno);
  }

  @Then("the other cleanup succeeded")
  public void otherSucceeded() {
    assertThat(otherOutcome).as("the other cleanup ran").isNotNull();
    assertThat(otherOutcome.error()).as("the other cleanup's error").isNull();
  }
}
