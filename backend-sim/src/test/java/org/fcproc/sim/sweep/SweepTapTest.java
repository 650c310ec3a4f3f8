package org.fcproc.sim.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fcproc.sim.sweep.SweepFixtures.BASE;
import static org.fcproc.sim.sweep.SweepFixtures.VM;

import java.util.List;
import org.fcproc.Fcproc;
import org.fcproc.InvalidInputException;
import org.fcproc.SweepReport;
import org.fcproc.SweepSpec;
import org.fcproc.host.Errno;
import org.fcproc.host.HostException;
import org.fcproc.host.LinkInfo;
import org.fcproc.sim.SimHost;
import org.junit.jupiter.api.Test;

/** The sweep of TAP devices by name prefix, on the simulated host. */
class SweepTapTest {

  private static SweepReport sweep(SimHost h, boolean dryRun, String prefix) throws Exception {
    return Fcproc.create(h, SweepFixtures.CONFIG).sweep(new SweepSpec(BASE, dryRun, prefix));
  }

  private static List<String> names(SimHost h) {
    return h.links().stream().map(LinkInfo::name).toList();
  }

  private static List<String> of(List<SweepReport.Item> items) {
    return items.stream().filter(i -> i.kind() == SweepReport.Kind.TAP).map(SweepReport.Item::path).toList();
  }

  @Test
  void unusedTapsWithThePrefixAreDeletedOthersAreLeftAlone() throws Exception {
    SimHost h = SweepFixtures.host();
    h.createTap("fc-alive", VM, VM);
    h.createTap("fc-dead", VM, VM);
    h.addLink("fc-veth", LinkInfo.Kind.VETH);
    h.createTap("other0", VM, VM);
    h.attachTap("fc-alive");
    assertThat(h.tapInUse("fc-alive")).isTrue();
    assertThat(h.tapInUse("fc-dead")).isFalse();
    assertThat(h.tapInUse("other0")).isFalse();
    List<String> before = names(h);

    SweepReport dry = sweep(h, true, "fc-");
    assertThat(of(dry.reclaimed())).containsExactly("fc-dead");
    assertThat(dry.reclaimed()).allSatisfy(i -> assertThat(i.reason()).startsWith("would be deleted"));
    assertThat(of(dry.alive())).containsExactly("fc-alive");
    assertThat(of(dry.refused())).containsExactly("fc-veth");
    assertThat(names(h)).isEqualTo(before);

    SweepReport r = sweep(h, false, "fc-");
    assertThat(of(r.reclaimed())).containsExactly("fc-dead");
    assertThat(of(r.alive())).containsExactly("fc-alive");
    assertThat(r.refused()).singleElement().satisfies(i -> {
      assertThat(i.kind()).isEqualTo(SweepReport.Kind.TAP);
      assertThat(i.path()).isEqualTo("fc-veth");
      assertThat(i.reason()).contains("not a TAP");
    });
    assertThat(r.failed()).isEmpty();
    assertThat(names(h)).containsExactlyInAnyOrder("lo", "fc-alive", "fc-veth", "other0");

    List<String> swept = names(h);
    SweepReport again = sweep(h, false, "fc-");
    assertThat(again.reclaimed()).isEmpty();
    assertThat(of(again.alive())).containsExactly("fc-alive");
    assertThat(of(again.refused())).containsExactly("fc-veth");
    assertThat(names(h)).isEqualTo(swept);

    // once its process closes it, the TAP goes at the next sweep
    h.detachTap("fc-alive");
    assertThat(of(sweep(h, false, "fc-").reclaimed())).containsExactly("fc-alive");
    assertThat(names(h)).containsExactlyInAnyOrder("lo", "fc-veth", "other0");
  }

  @Test
  void withoutAPrefixNoLinkIsLookedAt() throws Exception {
    SimHost h = SweepFixtures.host();
    h.createTap("fc-dead", VM, VM);
    SweepReport r = Fcproc.create(h, SweepFixtures.CONFIG).sweep(new SweepSpec(BASE, false));
    assertThat(of(r.reclaimed())).isEmpty();
    assertThat(names(h)).contains("fc-dead");
    assertThat(h.journal()).noneMatch(c -> c.call().equals("linkNames") || c.call().equals("tapInUse"));
  }

  @Test
  void tapInUseAndDeleteOnTheSimulatedLinkTable() throws Exception {
    SimHost h = SweepFixtures.host();
    h.createTap("tap0", VM, VM);
    h.attachTap("tap0");
    assertThatThrownBy(() -> h.deleteLink("tap0"))
        .isInstanceOfSatisfying(HostException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBUSY));
    assertThatThrownBy(() -> h.tapInUse("nope0"))
        .isInstanceOfSatisfying(HostException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
    assertThatThrownBy(() -> h.tapInUse("lo"))
        .isInstanceOfSatisfying(HostException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    assertThat(h.linkNames()).containsExactly("lo", "tap0");
  }

  @Test
  void aPrefixMustFitAnInterfaceName() {
    assertThatThrownBy(() -> new SweepSpec(BASE, false, "a/b")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new SweepSpec(BASE, false, "fc ")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new SweepSpec(BASE, false, "0123456789abcdef")).isInstanceOf(InvalidInputException.class);
    assertThat(new SweepSpec(BASE, false).tapPrefix()).isEmpty();
  }
}
