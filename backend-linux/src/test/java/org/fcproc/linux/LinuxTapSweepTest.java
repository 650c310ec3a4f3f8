package org.fcproc.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.SweepReport;
import org.fcproc.SweepSpec;
import org.fcproc.host.Errno;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link HostOps#linkNames}, {@link HostOps#tapInUse} and the TAP sweep on the real kernel, as
 * root, inside the test JVM's throwaway network namespace ({@link KernelNamespace}): every link
 * made here dies with it. A TAP in use is not made here (attaching needs {@code TUNSETIFF} on a
 * descriptor the test would have to hold; the simulator's tests cover that case).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LinuxTapSweepTest {
  private LinuxContractHost scratch;
  private HostOps host;

  @BeforeAll
  void setUp() throws Exception {
    scratch = new LinuxContractHost(); // assumes root inside the wrapper's namespaces
    host = scratch.host();
  }

  @AfterAll
  void tearDown() throws Exception {
    if (scratch != null) {
      scratch.close();
    }
  }

  private SweepReport sweep(boolean dryRun, String prefix) throws Exception {
    Config c = new Config("/usr/bin/firecracker", "fcbr0", "172.16.0.1", "24", "");
    return Fcproc.create(host, c).sweep(new SweepSpec(scratch.scratch() + "/jail/firecracker", dryRun, prefix));
  }

  private static List<String> taps(List<SweepReport.Item> items) {
    return items.stream().filter(i -> i.kind() == SweepReport.Kind.TAP).map(SweepReport.Item::path).toList();
  }

  @Test
  void aPersistentTapNobodyHasOpenIsNotInUseAndTheSweepDeletesIt() throws Exception {
    host.createTap("fcsw-a", 0, 0);
    host.createTap("fcsw-b", 0, 0);
    // Up, the carrier is in the flags (NO-CARRIER). Down, the descriptors in /proc decide, and
    // where some process's cannot be read (a sandbox's pid 1), the answer is "unsure: in use".
    host.setLinkUp("fcsw-a");
    host.setLinkUp("fcsw-b");
    host.createTap("keep0", 0, 0);
    try {
      assertThat(host.linkNames()).contains("lo", "fcsw-a", "fcsw-b", "keep0");
      assertThat(host.tapInUse("fcsw-a")).isFalse();
      assertThat(host.tapInUse("fcsw-b")).isFalse();
      assertThatThrownBy(() -> host.tapInUse("lo"))
          .isInstanceOfSatisfying(HostException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
      assertThatThrownBy(() -> host.tapInUse("fcsw-none"))
          .isInstanceOfSatisfying(HostException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));

      SweepReport dry = sweep(true, "fcsw-");
      assertThat(taps(dry.reclaimed())).containsExactlyInAnyOrder("fcsw-a", "fcsw-b");
      assertThat(host.linkNames()).contains("fcsw-a", "fcsw-b");

      SweepReport r = sweep(false, "fcsw-");
      assertThat(r.complete()).isTrue();
      assertThat(taps(r.reclaimed())).containsExactlyInAnyOrder("fcsw-a", "fcsw-b");
      assertThat(host.linkNames()).doesNotContain("fcsw-a", "fcsw-b").contains("keep0");

      assertThat(sweep(false, "fcsw-").nothingToDo()).isTrue();
    } finally {
      for (String n : List.of("fcsw-a", "fcsw-b", "keep0")) {
        try {
          host.deleteLink(n);
        } catch (HostException e) {
          // gone already
        }
      }
    }
  }
}
