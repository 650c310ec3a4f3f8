package org.fcproc.features.steps;

import io.cucumber.java.en.Given;
import io.cucumber.java.en.When;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.fcproc.features.driver.Owner;

/** The runtime directory and the socket hand-off. */
public final class SocketSteps {
  /** Firecracker binds its sockets with the umask of a root service: 0755. */
  private static final int FIRECRACKER_SOCKET_MODE = 0755;

  private final World world;

  public SocketSteps(World world) {
    this.world = world;
  }

  @Given("a firecracker socket at {path}")
  public void socket(String path) {
    world.arrange(h -> h.socket(path, Owner.ROOT, FIRECRACKER_SOCKET_MODE));
  }

  @Given("a firecracker socket will appear at {path} after {int} ms")
  public void socketLater(String path, int ms) {
    world.arrange(h -> h.later(Duration.ofMillis(ms), () -> h.socket(path, Owner.ROOT, FIRECRACKER_SOCKET_MODE)));
  }

  @When("fcproc ensures the socket directory")
  public void ensureSocketDir() {
    world.act(f -> {
      f.ensureSocketDir();
      return null;
    });
  }

  @When("fcproc hands the socket {path} to {owner}")
  public void handOff(String path, Owner owner) {
    world.act(f -> {
      f.ensureSocketAccessFor(path, "firecracker socket", owner.uid(), owner.gid());
      return null;
    });
  }

  @When("fcproc hands the socket {path} to itself")
  public void handOffToSelf(String path) {
    world.act(f -> {
      f.ensureSocketAccess(path, "firecracker socket");
      return null;
    });
  }

  @When("fcproc hands these sockets to {owner} in the background:")
  public void handOffAll(Owner owner, List<String> paths) {
    List<String> decoded = new ArrayList<>();
    for (String p : paths) {
      decoded.add(p == null ? "" : ParameterTypes.decodePath(p));
    }
    world.act(f -> {
      try {
        return f.ensureSocketAccessForAsync(decoded, owner.uid(), owner.gid()).join();
      } catch (java.util.concurrent.CompletionException e) {
        throw (Exception) e.getCause();
      }
    });
  }
}
