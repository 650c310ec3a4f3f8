package org.fcproc.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.FcprocException;
import org.fcproc.InvalidInputException;
import org.fcproc.host.LinkInfo;
import org.junit.jupiter.api.Test;

/** A TAP is made only for a bridge that is there, and never left half-made. */
class TapBridgeTest {
  private static final Config CONFIG = new Config("/usr/bin/firecracker", "fcbr0", "172.16.0.1", "24", "/run/fcproc");

  @Test
  void noTapIsMadeForAMissingBridge() {
    SimHost h = SimHost.create();
    assertThatThrownBy(() -> Fcproc.create(h, CONFIG).createTapOwned("tap-vm1", 1000, 1000))
        .isInstanceOf(FcprocException.class)
        .hasMessageContaining("the bridge fcbr0 does not exist");
    assertThat(h.links()).extracting(LinkInfo::name).doesNotContain("tap-vm1");
  }

  @Test
  void aBridgeThatIsNotABridgeFailsAndLeavesNoTap() {
    SimHost h = SimHost.create();
    h.addLink("fcbr0", LinkInfo.Kind.VETH);
    assertThatThrownBy(() -> Fcproc.create(h, CONFIG).createTapOwned("tap-vm1", 1000, 1000))
        .isInstanceOf(FcprocException.class)
        .hasMessageContaining("setLinkMaster")
        .hasRootCauseMessage("setLinkMaster: EOPNOTSUPP (fcbr0 is not a bridge)");
    assertThat(h.links()).extracting(LinkInfo::name).containsExactlyInAnyOrder("fcbr0", "lo");
  }

  @Test
  void aTapMadeButNotAttachedIsDeletedAgain() {
    SimHost h = SimHost.create();
    h.addLink("fcbr0", LinkInfo.Kind.BRIDGE);
    long first = h.nextCallIndex();
    h.failOnce(c -> c.index() >= first && c.call().equals("setLinkMaster"), org.fcproc.host.Errno.EBUSY);
    assertThatThrownBy(() -> Fcproc.create(h, CONFIG).createTapOwned("tap-vm1", 1000, 1000))
        .isInstanceOf(FcprocException.class)
        .hasMessageContaining("setLinkMaster");
    assertThat(h.links()).extracting(LinkInfo::name).containsExactlyInAnyOrder("fcbr0", "lo");
  }

  @Test
  void aNameThatLooksLikeAnOptionIsInvalid() {
    SimHost h = SimHost.create();
    h.addLink("fcbr0", LinkInfo.Kind.BRIDGE);
    assertThatThrownBy(() -> Fcproc.create(h, CONFIG).createTapOwned("--help", 1000, 1000))
        .isInstanceOf(InvalidInputException.class);
    assertThat(h.links()).extracting(LinkInfo::name).containsExactlyInAnyOrder("fcbr0", "lo");
  }
}
