package org.fcproc.host.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.fcproc.host.CommandResult;
import org.fcproc.host.Errno;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.LinkInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The TAP contract ({@link HostOps#createTap}, {@link HostOps#deleteLink},
 * {@link HostOps#setLinkMaster}, {@link HostOps#setLinkUp}) that fcproc's {@code createTapOwned}
 * relies on when it runs as root, held against {@link HostOps#link}. Kernel facts held here, on
 * every backend: a new TAP is persistent, owned as asked, down and a port of nothing; a second
 * create of a taken name is EEXIST (whatever the link is); {@code SIOCBRADDIF} makes the bridge its
 * master and a second one is EBUSY; {@code SIOCSIFFLAGS(IFF_UP)} brings it up; delete removes it,
 * and a second delete is ENODEV; a bridge is not deleted this way (EOPNOTSUPP); without
 * {@code CAP_NET_ADMIN} every call is EPERM (the tun calls may be EACCES first, from the open of
 * {@code /dev/net/tun} where its mode is 0600), except that a TAP's owner may delete it.
 *
 * <p>The bridge is made with {@code ip link add NAME type bridge} through {@link HostOps#run}: on
 * Linux inside the test JVM's own network namespace, on the simulator in its link table.
 */
public abstract class LinkContract extends ContractSuite {
  protected LinkContract() {
    super("Link contract", "tests");
  }

  private final List<String> made = new ArrayList<>();
  private int serial;

  /** Deletes what the test made, ports before bridges, through {@code ip} (any kind). */
  @AfterEach
  void cleanUp() throws Exception {
    for (int i = made.size() - 1; i >= 0; i--) {
      if (host.link(made.get(i)).isPresent()) {
        host.run(List.of("ip", "link", "del", made.get(i)));
      }
    }
    made.clear();
  }

  private String name(String prefix) {
    String n = prefix + "c" + (serial++);
    made.add(n);
    return n;
  }

  private String bridge() throws HostException {
    String br = name("lcbr");
    CommandResult r = host.run(List.of("ip", "link", "add", "name", br, "type", "bridge"));
    assertThat(r.succeeded()).as("ip link add %s type bridge: %s", br, r.stderr()).isTrue();
    return br;
  }

  private LinkInfo link(String name) throws HostException {
    return host.link(name).orElseThrow(() -> new AssertionError("no link " + name));
  }

  private static Errno errnoOf(ThrowingCall c) {
    try {
      c.run();
    } catch (HostException e) {
      return e.errno();
    } catch (Exception e) {
      throw new AssertionError("not a HostException: " + e, e);
    }
    throw new AssertionError("no failure");
  }

  @FunctionalInterface
  private interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  void aNewTapIsOwnedAsAskedDownAndAPortOfNothing() throws Exception {
    String tap = name("lct");
    host.createTap(tap, 1000, 1000);
    LinkInfo l = link(tap);
    assertThat(l.kind()).isEqualTo(LinkInfo.Kind.TAP);
    assertThat(l.owner()).isEqualTo(OptionalInt.of(1000));
    assertThat(l.group()).isEqualTo(OptionalInt.of(1000));
    assertThat(l.up()).isFalse();
    assertThat(l.master()).isEmpty();
  }

  @Test
  void aTakenNameIsEexistWhateverTheLinkIs() throws Exception {
    String tap = name("lct");
    host.createTap(tap, 1000, 1000);
    assertThat(errnoOf(() -> host.createTap(tap, 2000, 2000))).isEqualTo(Errno.EEXIST);
    assertThat(link(tap).owner()).as("the first TAP is left as it was").isEqualTo(OptionalInt.of(1000));
    String br = bridge();
    assertThat(errnoOf(() -> host.createTap(br, 1000, 1000))).isEqualTo(Errno.EEXIST);
    assertThat(link(br).kind()).isEqualTo(LinkInfo.Kind.BRIDGE);
  }

  @Test
  void siocbraddifMakesTheBridgeItsMasterOnce() throws Exception {
    String tap = name("lct");
    String br = bridge();
    host.createTap(tap, 1000, 1000);
    host.setLinkMaster(tap, br);
    assertThat(link(tap).master()).isEqualTo(br);
    assertThat(errnoOf(() -> host.setLinkMaster(tap, br))).isEqualTo(Errno.EBUSY);
    assertThat(errnoOf(() -> host.setLinkMaster("lcnone" + serial, br))).isEqualTo(Errno.ENODEV);
    assertThat(errnoOf(() -> host.setLinkMaster(tap, "lcnone" + serial))).isEqualTo(Errno.ENODEV);
  }

  @Test
  void aBridgeCannotBeAPortAndATapCannotBeAMaster() throws Exception {
    String tap = name("lct");
    String other = name("lct");
    host.createTap(tap, 1000, 1000);
    host.createTap(other, 1000, 1000);
    // Linux 6.x says EOPNOTSUPP for a master that is not a bridge; older kernels said EINVAL.
    assertThat(errnoOf(() -> host.setLinkMaster(tap, other))).isIn(Errno.EOPNOTSUPP, Errno.EINVAL);
    assertThat(link(tap).master()).isEmpty();
  }

  @Test
  void siocsifflagsBringsItUp() throws Exception {
    String tap = name("lct");
    String br = bridge();
    host.createTap(tap, 1000, 1000);
    host.setLinkMaster(tap, br);
    host.setLinkUp(tap);
    host.setLinkUp(br);
    assertThat(link(tap).up()).isTrue();
    assertThat(link(br).up()).isTrue();
    host.setLinkUp(tap); // already up: a no-op
    assertThat(link(tap).up()).isTrue();
    assertThat(errnoOf(() -> host.setLinkUp("lcnone" + serial))).isEqualTo(Errno.ENODEV);
  }

  @Test
  void deleteRemovesItAndASecondDeleteIsEnodev() throws Exception {
    String tap = name("lct");
    String br = bridge();
    host.createTap(tap, 1000, 1000);
    host.setLinkMaster(tap, br);
    host.setLinkUp(tap);
    host.deleteLink(tap);
    assertThat(host.link(tap)).isEmpty();
    assertThat(errnoOf(() -> host.deleteLink(tap))).isEqualTo(Errno.ENODEV);
    host.createTap(tap, 2000, 2000); // the name is free again
    assertThat(link(tap).owner()).isEqualTo(OptionalInt.of(2000));
    assertThat(link(tap).master()).isEmpty();
  }

  @Test
  void aBridgeIsNotDeletedThisWay() throws Exception {
    String br = bridge();
    assertThat(errnoOf(() -> host.deleteLink(br))).isEqualTo(Errno.EOPNOTSUPP);
    assertThat(link(br).kind()).isEqualTo(LinkInfo.Kind.BRIDGE);
  }

  @Test
  void badNamesAreEinval() {
    assertThat(errnoOf(() -> host.createTap("a-name-that-is-long", 1000, 1000))).isEqualTo(Errno.EINVAL);
    assertThat(errnoOf(() -> host.createTap("tap 1", 1000, 1000))).isEqualTo(Errno.EINVAL);
    assertThat(errnoOf(() -> host.createTap("lcneg", -1, 1000))).isEqualTo(Errno.EINVAL);
  }

  @Test
  void withoutCapNetAdminEveryCallIsEperm() throws Exception {
    String tap = name("lct");
    String br = bridge();
    host.createTap(tap, 1000, 1000);
    HostOps stranger = contract.asUser(2000, 2000);
    try {
      // The tun calls open /dev/net/tun first: EACCES where its mode keeps the caller out (0600
      // on some hosts), else the driver's EPERM.
      assertThat(errnoOf(() -> stranger.createTap(name("lct"), 2000, 2000))).isIn(Errno.EPERM, Errno.EACCES);
      assertThat(errnoOf(() -> stranger.setLinkMaster(tap, br))).isEqualTo(Errno.EPERM);
      assertThat(errnoOf(() -> stranger.setLinkUp(tap))).isEqualTo(Errno.EPERM);
      assertThat(errnoOf(() -> stranger.deleteLink(tap))).isIn(Errno.EPERM, Errno.EACCES);
      // Names are looked up before the capability is checked.
      assertThat(errnoOf(() -> stranger.createTap(tap, 2000, 2000))).isEqualTo(Errno.EEXIST);
      assertThat(errnoOf(() -> stranger.setLinkUp("lcnone" + serial))).isEqualTo(Errno.ENODEV);
    } finally {
      close(stranger);
    }
    LinkInfo l = link(tap);
    assertThat(l.up()).isFalse();
    assertThat(l.master()).isEmpty();
  }

  /** {@code tun_not_capable}: the TAP's owner may attach to it, so may clear its persist flag. */
  @Test
  void theOwnerMayDeleteItsTap() throws Exception {
    String tap = name("lct");
    host.createTap(tap, 1000, 1000);
    HostOps owner = contract.asUser(1000, 1000);
    try {
      owner.deleteLink(tap);
    } catch (HostException e) {
      assertThat(host.link(tap)).isPresent();
      org.junit.jupiter.api.Assumptions.assumeFalse(e.is(Errno.EACCES),
          "/dev/net/tun is not open to uid 1000 on this host (" + e.getMessage() + ")");
      throw e;
    } finally {
      close(owner);
    }
    assertThat(host.link(tap)).isEmpty();
  }

  private static void close(HostOps view) throws Exception {
    if (view instanceof AutoCloseable c) {
      c.close();
    }
  }
}
