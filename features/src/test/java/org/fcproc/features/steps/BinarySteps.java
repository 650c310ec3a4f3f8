package org.fcproc.features.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

/** Resolving the firecracker binary. */
public final class BinarySteps {
  private final World world;

  public BinarySteps(World world) {
    this.world = world;
  }

  @When("fcproc resolves the firecracker binary")
  public void resolve() {
    world.act(f -> f.resolveBinary());
  }

  @Then("the resolved binary is {path}")
  public void resolved(String path) {
    new OutcomeSteps(world).succeeds();
    assertThat(world.outcome().value()).isEqualTo(path);
    assertThat(world.host.inspect(path)).as("the resolved binary exists on the host").isPresent();
  }
}
