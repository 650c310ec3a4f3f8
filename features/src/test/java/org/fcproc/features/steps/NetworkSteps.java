package org.fcproc.features.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.fcproc.features.driver.Owner;
import org.fcproc.host.LinkInfo;

/** Bridge and TAP steps. Link names decode {@code \n} and {@code \t} as paths do ({@link ParameterTypes#decodePath}). */
public final class NetworkSteps {
  private final World world;

  public NetworkSteps(World world) {
    this.world = world;
  }

  @Given("the host has a bridge {string} that is down with the address {string}")
  public void bridge(String name, String address) {
    world.arrange(h -> h.link(name, LinkInfo.Kind.BRIDGE, false, Optional.empty(), List.of(address)));
  }

  @Given("the host has a TAP {string} owned by {owner} that is down")
  public void tap(String rawName, Owner owner) {
    String name = ParameterTypes.decodePath(rawName);
    world.arrange(h -> h.link(name, LinkInfo.Kind.TAP, false, Optional.of(owner), List.of()));
  }

  @Given("the host has a veth link {string}")
  public void veth(String rawName) {
    String name = ParameterTypes.decodePath(rawName);
    world.arrange(h -> h.link(name, LinkInfo.Kind.VETH, false, Optional.empty(), List.of()));
  }

  @Given("the configured bridge is {string} with the address {string} and prefix length {string}")
  public void configuredBridge(String name, String ip, String cidr) {
    world.bridgeName = ParameterTypes.decodePath(name);
    world.bridgeIp = ip;
    world.cidr = cidr;
  }

  @When("fcproc ensures the bridge")
  public void ensureBridge() {
    world.act(f -> {
      f.ensureBridge();
      return null;
    });
  }

  @When("fcproc creates the TAP {string} owned by {owner}")
  public void createTapOwned(String tap, Owner owner) {
    world.act(f -> {
      f.createTapOwned(ParameterTypes.decodePath(tap), owner.uid(), owner.gid());
      return null;
    });
  }

  @When("fcproc creates the TAP {string}")
  public void createTap(String tap) {
    world.act(f -> {
      f.createTap(ParameterTypes.decodePath(tap));
      return null;
    });
  }

  private LinkInfo link(String name) {
    Optional<LinkInfo> link = world.host.linkState(ParameterTypes.decodePath(name));
    assertThat(link).as("link %s", name).isPresent();
    return link.get();
  }

  @Then("the link {string} is a bridge that is up with the address {string}")
  public void isBridge(String name, String address) {
    LinkInfo l = link(name);
    assertThat(l.kind()).isEqualTo(LinkInfo.Kind.BRIDGE);
    assertThat(l.up()).as("%s is up", name).isTrue();
    assertThat(l.addresses()).contains(address);
  }

  @Then("the link {string} has exactly {int} address(es)")
  public void addressCount(String name, int count) {
    assertThat(link(name).addresses()).hasSize(count);
  }

  @Then("the link {string} is a TAP owned by {owner}, attached to {string} and up")
  public void isTap(String name, Owner owner, String bridge) {
    LinkInfo l = link(name);
    assertThat(l.kind()).isEqualTo(LinkInfo.Kind.TAP);
    assertThat(l.owner()).isEqualTo(OptionalInt.of(owner.uid()));
    assertThat(l.group()).isEqualTo(OptionalInt.of(owner.gid()));
    assertThat(l.master()).isEqualTo(bridge);
    assertThat(l.up()).as("%s is up", name).isTrue();
  }

  @Then("the link {string} does not exist")
  public void noLink(String name) {
    assertThat(world.host.linkState(ParameterTypes.decodePath(name))).as("link %s", name).isEmpty();
  }

  @Then("the link {string} is a veth link")
  public void isVeth(String name) {
    assertThat(link(name).kind()).isEqualTo(LinkInfo.Kind.VETH);
  }
}
