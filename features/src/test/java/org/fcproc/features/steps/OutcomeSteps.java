package org.fcproc.features.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.cucumber.java.en.Then;
import org.fcproc.InvalidInputException;
import org.fcproc.RefusedException;

/** What the last operation returned or threw. */
public final class OutcomeSteps {
  private final World world;

  public OutcomeSteps(World world) {
    this.world = world;
  }

  @Then("the operation succeeds")
  public void succeeds() {
    Throwable error = world.outcome().error();
    assertThat(error).as("the operation should have succeeded, but: %s", error == null ? "" : error.getMessage()).isNull();
  }

  @Then("the operation fails with {string}")
  public void failsWith(String message) {
    assertThat(world.outcome().error()).as("the operation should have failed").isNotNull();
    assertThat(world.outcome().error().getMessage()).contains(ParameterTypes.decodePath(message));
  }

  @Then("the operation is refused because {string}")
  public void refused(String reason) {
    Throwable error = world.outcome().error();
    assertThat(error).as("the operation should have been refused").isInstanceOf(RefusedException.class);
    assertThat(error.getMessage()).contains(reason);
  }

  @Then("the input is rejected with {string}")
  public void rejected(String message) {
    Throwable error = world.outcome().error();
    assertThat(error).as("the input should have been rejected").isInstanceOf(InvalidInputException.class);
    assertThat(error.getMessage()).contains(message);
  }

  /**
   * For whoever writes a scenario: prints what the operation returned or threw (with its causes)
   * and the host's changes since the first When. Checks nothing, so it never belongs in a
   * scenario that is committed without other checks.
   */
  @Then("show the outcome")
  public void show() {
    World.Outcome o = world.outcome();
    StringBuilder sb = new StringBuilder("---- outcome\n");
    if (o.error() == null) {
      sb.append("value: ").append(o.value()).append('\n');
    } else {
      for (Throwable t = o.error(); t != null; t = t.getCause()) {
        sb.append(t == o.error() ? "error: " : "cause: ").append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append('\n');
      }
    }
    sb.append("---- host changes since the first When\n");
    world.before().diff(world.host.state()).forEach(l -> sb.append(l).append('\n'));
    System.out.print(sb);
  }

  @Then("the error says {string}")
  public void errorSays(String text) {
    assertThat(world.outcome().error()).isNotNull();
    assertThat(world.outcome().error().getMessage()).contains(text);
  }

  @Then("the error names {path}")
  public void errorNames(String path) {
    assertThat(world.outcome().error()).isNotNull();
    assertThat(world.outcome().error().getMessage()).contains(path);
  }
}
