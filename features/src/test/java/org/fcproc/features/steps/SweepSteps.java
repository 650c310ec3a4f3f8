package org.fcproc.features.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.util.List;
import org.fcproc.SweepReport;
import org.fcproc.SweepSpec;

/**
 * The orphan sweep ({@code Fcproc#sweep}) and its report. The report's checks find an item by
 * path; each says which list it must be in, so a VM reclaimed when it should have been refused
 * fails both "refused" and a "reclaimed nothing".
 */
public final class SweepSteps {
  private final World world;

  public SweepSteps(World world) {
    this.world = world;
  }

  @When("fcproc sweeps the firecracker base {path}")
  public void sweep(String base) {
    world.act(f -> f.sweep(new SweepSpec(base, false)));
  }

  @When("fcproc sweeps the firecracker base {path} as a dry run")
  public void dryRun(String base) {
    world.act(f -> f.sweep(new SweepSpec(base, true)));
  }

  private SweepReport report() {
    new OutcomeSteps(world).succeeds();
    assertThat(world.outcome().value()).as("the operation's result").isInstanceOf(SweepReport.class);
    return (SweepReport) world.outcome().value();
  }

  private static List<String> paths(List<SweepReport.Item> items) {
    return items.stream().map(SweepReport.Item::path).toList();
  }

  private static SweepReport.Item find(List<SweepReport.Item> items, String path, String list, SweepReport report) {
    return items.stream().filter(i -> i.path().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError(path + " is not among the " + list + " items of the sweep's report: " + report));
  }

  @Then("the sweep reclaimed {path}")
  public void reclaimed(String path) {
    SweepReport r = report();
    find(r.reclaimed(), path, "reclaimed", r);
  }

  @Then("the sweep refused {path} because {string}")
  public void refused(String path, String reason) {
    SweepReport r = report();
    assertThat(find(r.refused(), path, "refused", r).reason()).as("why the sweep refused %s", path).contains(reason);
    assertThat(paths(r.reclaimed())).as("reclaimed").doesNotContain(path);
  }

  @Then("the sweep left {path} alone as alive")
  public void alive(String path) {
    SweepReport r = report();
    find(r.alive(), path, "alive", r);
    assertThat(paths(r.reclaimed())).as("reclaimed").doesNotContain(path);
  }

  @Then("the sweep reclaimed nothing")
  public void reclaimedNothing() {
    assertThat(report().reclaimed()).as("reclaimed items").isEmpty();
  }
}
