package org.fcproc;

import java.util.Optional;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.LinkInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host bridge and the VMs' TAP devices, through {@code ip} as the seed does (the syscall
 * path is the bench issue's business).
 */
final class Networking {
  private static final Logger log = LoggerFactory.getLogger(Networking.class);

  private final HostOps host;
  private final Commands commands;
  private final Config config;

  Networking(HostOps host, Commands commands, Config config) {
    this.host = host;
    this.commands = commands;
    this.config = config;
  }

  /** The seed's {@code EnsureBridge}: an existing bridge is only brought up (its address is not
   *  added twice, ATTACKS N2); otherwise it is added, addressed and brought up. */
  void ensureBridge() throws FcprocException {
    String bridge = Inputs.interfaceName("bridge name", config.bridgeName());
    if (commands.run("ip", "link", "show", bridge).succeeded()) {
      log.info("bridge {} exists; bringing it up", bridge);
      commands.privileged("ip", "link", "set", bridge, "up");
      return;
    }
    String address = Inputs.ipv4("bridge IP", config.bridgeIp()) + "/" + Inputs.prefixLength("CIDR", config.cidr());
    log.info("adding bridge {} with {}", bridge, address);
    commands.privileged("ip", "link", "add", "name", bridge, "type", "bridge");
    commands.privileged("ip", "addr", "add", address, "dev", bridge);
    commands.privileged("ip", "link", "set", bridge, "up");
  }

  /**
   * The seed's {@code CreateTapOwned}: delete a TAP of that name, add it owned by uid:gid,
   * enslave it to the bridge, bring it and the bridge up.
   *
   * <p>Divergence: a link of that name that is not a TAP (a bridge, a veth, ...) is refused and
   * left alone (ATTACKS N3); the seed deletes whatever link has the name. As in the seed, a
   * failure to delete the stale TAP is not reported here: the {@code tuntap add} that follows
   * fails with the reason.
   */
  void createTapOwned(String tap, int uid, int gid) throws FcprocException {
    Inputs.interfaceName("tap name", tap);
    Inputs.id("uid", uid);
    Inputs.id("gid", gid);
    String bridge = Inputs.interfaceName("bridge name", config.bridgeName());
    Optional<LinkInfo> existing = lookUp(tap);
    if (existing.isPresent() && existing.get().kind() != LinkInfo.Kind.TAP) {
      throw new RefusedException(
          "recreate TAP", tap, "a link of that name exists and is a " + existing.get().kind().name().toLowerCase() + ", not a TAP");
    }
    if (commands.run("ip", "link", "show", tap).succeeded()) {
      log.info("deleting stale TAP {}", tap);
      try {
        commands.privileged("ip", "link", "del", tap);
      } catch (CommandFailedException ignored) {
        // As in the seed: the add below reports the real problem.
      }
    }
    log.info("adding TAP {} owned by {}:{} on bridge {}", tap, uid, gid, bridge);
    commands.privileged(
        "ip", "tuntap", "add", "dev", tap, "mode", "tap", "user", Integer.toString(uid), "group", Integer.toString(gid));
    commands.privileged("ip", "link", "set", tap, "master", bridge);
    commands.privileged("ip", "link", "set", tap, "up");
    commands.privileged("ip", "link", "set", bridge, "up");
  }

  private Optional<LinkInfo> lookUp(String name) throws FcprocException {
    try {
      return host.link(name);
    } catch (HostException e) {
      throw new FcprocException("inspect link " + name, e);
    }
  }
}
