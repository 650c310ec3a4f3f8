package org.fcproc;

import java.util.Optional;
import org.fcproc.host.Errno;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.LinkInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host bridge and the VMs' TAP devices.
 *
 * <p>{@link #ensureBridge} goes through {@code ip} as the seed does (it runs once per host, not
 * once per VM). {@link #createTapBySyscalls}, root mode's TAP, diverges from the seed: it uses
 * the host's TAP calls ({@link HostOps#createTap}, {@link HostOps#setLinkMaster},
 * {@link HostOps#setLinkUp}, {@link HostOps#deleteLink}: tun and bridge ioctls on Linux) instead
 * of five {@code ip} processes, for speed — about 0.4 ms instead of about 16 ms per TAP in the
 * bench. {@link #createTapWithIp} keeps the seed's {@code sudo -n ip ...} sequence for a caller
 * that is not root and has no privileged helper. Which one runs is the {@link Privilege}'s choice.
 */
final class Networking {
  private static final Logger log = LoggerFactory.getLogger(Networking.class);

  private final HostOps host;
  /** Commands run as the caller ({@code ip link show}). */
  private final Commands asCaller;
  private final Config config;

  Networking(HostOps host, Commands asCaller, Config config) {
    this.host = host;
    this.asCaller = asCaller;
    this.config = config;
  }

  Config config() {
    return config;
  }

  /** Checks the configured bridge before anything runs: its name, address and prefix length. */
  void validateBridge() {
    Inputs.interfaceName("bridge name", config.bridgeName());
    Inputs.ipv4("bridge IP", config.bridgeIp());
    Inputs.prefixLength("CIDR", config.cidr());
  }

  /** Checks a TAP's arguments (and the bridge's name) before anything runs. */
  void validateTap(String tap, int uid, int gid) {
    Inputs.interfaceName("tap name", tap);
    Inputs.id("uid", uid);
    Inputs.id("gid", gid);
    Inputs.interfaceName("bridge name", config.bridgeName());
  }

  /** The seed's {@code EnsureBridge}: an existing bridge is only brought up (its address is not
   *  added twice, catalogue N2); otherwise it is added, addressed and brought up. {@code asRoot}
   *  runs the {@code ip} commands that change something. */
  void ensureBridge(Commands asRoot) throws FcprocException {
    String bridge = Inputs.interfaceName("bridge name", config.bridgeName());
    if (asCaller.run("ip", "link", "show", bridge).succeeded()) {
      log.debug("bridge {} exists; bringing it up", bridge);
      asRoot.privileged("ip", "link", "set", bridge, "up");
      return;
    }
    String address = Inputs.ipv4("bridge IP", config.bridgeIp()) + "/" + Inputs.prefixLength("CIDR", config.cidr());
    log.debug("adding bridge {} with {}", bridge, address);
    asRoot.privileged("ip", "link", "add", "name", bridge, "type", "bridge");
    asRoot.privileged("ip", "addr", "add", address, "dev", bridge);
    asRoot.privileged("ip", "link", "set", bridge, "up");
  }

  /**
   * The seed's {@code CreateTapOwned}: delete a TAP of that name, add it owned by uid:gid,
   * enslave it to the bridge, bring it and the bridge up.
   *
   * <p>Divergence: a link of that name that is not a TAP (a bridge, a veth, ...) is refused and
   * left alone (catalogue N3); the seed deletes whatever link has the name. As in the seed, a
   * failure to delete the stale TAP is not reported by itself: the add that follows fails with the
   * reason ({@code ip tuntap add}; as root, {@code createTap}'s EEXIST, whose message also carries
   * the delete's errno). Root mode uses ioctls instead: {@link #createTapBySyscalls}.
   */
  void createTapWithIp(Commands asRoot, String tap, int uid, int gid) throws FcprocException {
    validateTap(tap, uid, gid);
    String bridge = config.bridgeName();
    requireBridge(bridge, tap);
    refuseNonTap(tap);
    if (asCaller.run("ip", "link", "show", tap).succeeded()) {
      log.debug("deleting stale TAP {}", tap);
      try {
        asRoot.privileged("ip", "link", "del", tap);
      } catch (CommandFailedException ignored) {
        // As in the seed: the add below reports the real problem.
      }
    }
    log.debug("adding TAP {} owned by {}:{} on bridge {}", tap, uid, gid, bridge);
    asRoot.privileged(
        "ip", "tuntap", "add", "dev", tap, "mode", "tap", "user", Integer.toString(uid), "group", Integer.toString(gid));
    asRoot.privileged("ip", "link", "set", tap, "master", bridge);
    asRoot.privileged("ip", "link", "set", tap, "up");
    asRoot.privileged("ip", "link", "set", bridge, "up");
  }

  /**
   * Root mode's TAP (see the class comment): the same steps as the seed's {@code ip} sequence, by
   * the host's TAP calls. A stale TAP is deleted first ({@code TUNSETPERSIST(0)}); as in the seed a
   * failure there is not reported by itself: the create that follows fails (EEXIST) and its
   * message carries the delete's errno too. Every failure names the ioctl and the errno.
   */
  void createTapBySyscalls(String tap, int uid, int gid) throws FcprocException {
    validateTap(tap, uid, gid);
    String bridge = config.bridgeName();
    // No look-up of the bridge first: on Linux a look-up of a link that exists costs an `ip`
    // process (~8 ms, 20x the whole TAP). A missing bridge is found by the attach, and the TAP
    // made for it is deleted again (below), so none is left behind either way.
    boolean stale = refuseNonTap(tap);
    HostException deleteFailure = null;
    if (stale) {
      log.debug("deleting stale TAP {}", tap);
      try {
        host.deleteLink(tap);
      } catch (HostException e) {
        if (!e.is(Errno.ENODEV)) { // ENODEV: gone meanwhile, which is what was wanted
          deleteFailure = e;
        }
      }
    }
    log.debug("adding TAP {} owned by {}:{} on bridge {} (ioctls)", tap, uid, gid, bridge);
    try {
      host.createTap(tap, uid, gid);
    } catch (HostException e) {
      String what = "add TAP " + tap + " owned by " + uid + ":" + gid;
      if (deleteFailure != null) {
        what += " (the stale TAP could not be deleted: " + deleteFailure.getMessage() + ")";
      }
      throw new FcprocException(what, e);
    }
    try {
      host.setLinkMaster(tap, bridge);
      host.setLinkUp(tap);
      host.setLinkUp(bridge);
    } catch (HostException e) {
      String why = e.is(Errno.ENODEV) ? " (the bridge " + bridge + " does not exist: run bridge ensure first)" : "";
      FcprocException failure = new FcprocException("create TAP " + tap + ": " + e.call() + " on bridge " + bridge + why, e);
      try {
        host.deleteLink(tap); // the TAP this call made: no half-made TAP is left behind
      } catch (HostException undo) {
        failure.addSuppressed(undo);
      }
      throw failure;
    }
  }

  /**
   * The bridge must exist, and be a bridge, before a TAP is made for it: the seed makes the TAP
   * first and then fails to enslave it, leaving a TAP nobody asked for.
   */
  private void requireBridge(String bridge, String tap) throws FcprocException {
    Optional<LinkInfo> b = lookUp(bridge);
    if (b.isEmpty()) {
      throw new FcprocException("create TAP " + tap + ": the bridge " + bridge + " does not exist (run bridge ensure first)");
    }
    if (b.get().kind() != LinkInfo.Kind.BRIDGE) {
      throw new RefusedException("create TAP", tap, "its bridge " + bridge + " is a "
          + b.get().kind().name().toLowerCase() + ", not a bridge");
    }
  }

  /**
   * Divergence: a link of that name that is not a TAP (a bridge, a veth, ...) is refused and left
   * alone (catalogue N3); the seed deletes whatever link has the name.
   *
   * @return whether a TAP of that name exists (a stale one, to delete first)
   */
  private boolean refuseNonTap(String tap) throws FcprocException {
    Optional<LinkInfo> existing = lookUp(tap);
    if (existing.isPresent() && existing.get().kind() != LinkInfo.Kind.TAP) {
      throw new RefusedException(
          "recreate TAP", tap, "a link of that name exists and is a " + existing.get().kind().name().toLowerCase() + ", not a TAP");
    }
    return existing.isPresent();
  }

  private Optional<LinkInfo> lookUp(String name) throws FcprocException {
    try {
      return host.link(name);
    } catch (HostException e) {
      throw new FcprocException("inspect link " + name, e);
    }
  }
}
