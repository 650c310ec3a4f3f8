package org.fcproc.features.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.time.Duration;
import java.util.Arrays;
import java.util.OptionalInt;
import org.fcproc.features.driver.Owner;

/** A VM's firecracker process: finding it, stopping it, waiting for it, killing it. */
public final class ProcessSteps {
  private final World world;

  public ProcessSteps(World world) {
    this.world = world;
  }

  @Given("a firecracker serving the API socket {path}")
  public void firecracker(String apiSock) {
    startFirecracker(apiSock, true);
  }

  @Given("a firecracker serving the API socket {path} whose guest ignores Ctrl-Alt-Del")
  public void stubbornFirecracker(String apiSock) {
    startFirecracker(apiSock, false);
  }

  @Given("a firecracker serving the API socket {path} on aarch64")
  public void aarch64Firecracker(String apiSock) {
    world.arrange(h -> {
      int pid = h.firecrackerOnAarch64(apiSock);
      if (h == world.host) {
        world.firecrackers.put(apiSock, pid);
      }
    });
  }

  private void startFirecracker(String apiSock, boolean obeys) {
    world.arrange(h -> {
      int pid = h.firecracker(apiSock, obeys);
      if (h == world.host) {
        world.firecrackers.put(apiSock, pid);
      }
    });
  }

  @Given("a jailed firecracker with id {string} in the chroot {path}")
  public void jailedFirecracker(String id, String chrootRoot) {
    world.arrange(h -> {
      int pid = h.jailedFirecracker(chrootRoot, id);
      if (h == world.host) {
        world.firecrackers.put(chrootRoot + "/run/firecracker.socket", pid);
      }
    });
  }

  @Given("a process {string} started by uid {int}")
  public void process(String commandLine, int uid) {
    world.arrange(h -> h.startProcess(Arrays.asList(commandLine.split(" ")), new Owner(uid, uid)));
  }

  @Given("the firecracker serving {path} exits and its PID is reused by {string}")
  public void pidReused(String apiSock, String commandLine) {
    int pid = world.firecrackerServing(apiSock);
    int reused = world.host.exitAndReusePid(pid, Arrays.asList(commandLine.split(" ")));
    assertThat(reused).as("the new process got the firecracker's pid").isEqualTo(pid);
  }

  @When("fcproc finds the PID for the API socket {path}")
  public void findPid(String apiSock) {
    world.act(f -> f.findPid(apiSock));
  }

  @When("fcproc resolves the PID for the API socket {path} with machine PID {int}")
  public void resolvePid(String apiSock, int machinePid) {
    world.act(f -> f.resolvePid(apiSock, OptionalInt.of(machinePid)));
  }

  @When("fcproc resolves the PID for the API socket {path} with no machine PID")
  public void resolvePidWithoutMachine(String apiSock) {
    world.act(f -> f.resolvePid(apiSock, OptionalInt.empty()));
  }

  @When("fcproc sends Ctrl-Alt-Del through {path}")
  public void ctrlAltDel(String apiSock) {
    world.act(f -> {
      f.sendCtrlAltDel(apiSock);
      return null;
    });
  }

  @When("fcproc waits up to {int} ms for the firecracker serving {path} to exit")
  public void waitForExit(int ms, String apiSock) {
    int pid = world.firecrackerServing(apiSock);
    world.act(f -> {
      f.waitForExit(pid, apiSock, Duration.ofMillis(ms));
      return null;
    });
  }

  @When("fcproc waits up to {int} ms for the process {int} to exit")
  public void waitForPid(int ms, int pid) {
    world.act(f -> {
      f.waitForExit(pid, "", Duration.ofMillis(ms));
      return null;
    });
  }

  @When("fcproc kills the firecracker serving {path}")
  public void kill(String apiSock) {
    killPid(world.firecrackerServing(apiSock));
  }

  @When("fcproc kills the firecracker serving {path}, checking its API socket")
  public void killChecked(String apiSock) {
    int pid = world.firecrackerServing(apiSock);
    world.act(f -> {
      f.kill(pid, apiSock);
      return null;
    });
  }

  @When("fcproc kills the process {int}")
  public void killPid(int pid) {
    world.act(f -> {
      f.kill(pid);
      return null;
    });
  }

  @Then("the PID found is that of the firecracker serving {path}")
  public void pidIsFirecrackers(String apiSock) {
    new OutcomeSteps(world).succeeds();
    int pid = world.firecrackerServing(apiSock);
    assertThat(world.outcome().value()).isEqualTo(pid);
    assertThat(world.host.isRunning(pid)).isTrue();
  }

  /**
   * The operation returned a PID, and not that process's: a lookup that failed would pass a bare
   * "not equal", so a failure fails this check too (use "the operation fails with" for that).
   */
  @Then("the PID found is not that of the firecracker serving {path}")
  public void pidIsNotFirecrackers(String apiSock) {
    new OutcomeSteps(world).succeeds();
    int pid = world.firecrackerServing(apiSock);
    assertThat(world.outcome().value()).as("the PID found").isNotNull().isNotEqualTo(pid);
  }

  @Then("the PID found is {int}")
  public void pidIs(int pid) {
    new OutcomeSteps(world).succeeds();
    assertThat(world.outcome().value()).isEqualTo(pid);
  }

  private boolean receivedCtrlAltDel(String apiSock) {
    return world.host.apiRequests(world.firecrackerServing(apiSock)).stream()
        .anyMatch(r -> r.startsWith("PUT /actions") && r.contains("\"SendCtrlAltDel\""));
  }

  @Then("the firecracker serving {path} received Ctrl-Alt-Del")
  public void received(String apiSock) {
    assertThat(receivedCtrlAltDel(apiSock)).as("firecracker for %s got SendCtrlAltDel", apiSock).isTrue();
  }

  @Then("the firecracker serving {path} did not receive Ctrl-Alt-Del")
  public void notReceived(String apiSock) {
    assertThat(receivedCtrlAltDel(apiSock)).as("firecracker for %s got SendCtrlAltDel", apiSock).isFalse();
    assertThat(world.host.isRunning(world.firecrackerServing(apiSock))).as("it keeps running").isTrue();
  }

  @Then("the firecracker serving {path} is gone")
  public void gone(String apiSock) {
    assertThat(world.host.isRunning(world.firecrackerServing(apiSock))).isFalse();
  }

  @Then("the firecracker serving {path} is still running")
  public void stillRunning(String apiSock) {
    assertThat(world.host.isRunning(world.firecrackerServing(apiSock))).isTrue();
  }

  @Then("the process {string} is still running")
  public void processRunning(String commandLine) {
    assertThat(world.host.processesRunning(commandLine)).isNotEmpty();
  }
}
