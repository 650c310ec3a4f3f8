package org.fcproc.sim.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.fcproc.ChrootDriveSpec;
import org.fcproc.ChrootSpec;
import org.fcproc.Fcproc;
import org.fcproc.FcprocException;
import org.fcproc.host.Errno;
import org.fcproc.sim.JournalEntry;
import org.fcproc.sim.SimHost;
import org.fcproc.sim.Snapshot;
import org.junit.jupiter.api.Test;

/**
 * A staging that cannot finish leaves the host as it found it, by itself: every input is opened
 * and checked before the first change, and a failure after the first change undoes what the call
 * made (no sweep needed).
 */
class StagingUndoTest {

  @Test
  void aMissingDriveIsFoundBeforeAnythingChanges() {
    SimHost h = SweepFixtures.host();
    Snapshot before = h.snapshot();
    long first = h.nextCallIndex();
    ChrootSpec spec = new ChrootSpec(SweepFixtures.CHROOT, SweepFixtures.VM, SweepFixtures.VM, "/usr/bin/firecracker",
        SweepFixtures.KERNEL, "vmlinux", "", "",
        List.of(new ChrootDriveSpec("rootfs", SweepFixtures.ROOTFS), new ChrootDriveSpec("data", "/var/lib/fcproc/vms/vm1/missing.ext4")),
        true);
    assertThatThrownBy(() -> Fcproc.create(h, SweepFixtures.CONFIG).prepareJailerChroot(spec))
        .isInstanceOf(FcprocException.class)
        .hasMessageContaining("stage drive data")
        .hasMessageContaining("/var/lib/fcproc/vms/vm1/missing.ext4")
        .hasMessageContaining("ENOENT");
    assertThat(before.diff(h.snapshot())).as("nothing changed").isEmpty();
    List<String> changing = h.journal().stream().filter(e -> e.index() >= first)
        .map(JournalEntry::call)
        .filter(c -> List.of("mkdirAt", "fchmod", "fchown", "linkAt", "mknodAt", "bindMount", "unlinkAt").contains(c))
        .toList();
    assertThat(changing).as("no call that changes the host was even made").isEmpty();
  }

  @Test
  void aFailureAtEveryCallOfStagingIsUndoneByTheStagingItself() {
    SimHost probe = SweepFixtures.host();
    long start = probe.nextCallIndex();
    TreeSet<Integer> calls = new TreeSet<>();
    probe.failWhen(c -> {
      calls.add((int) (c.index() - start + 1));
      return false;
    }, Errno.EIO);
    SweepFixtures.stage(probe, "vm1");
    probe.clearFaults();
    assertThat(calls).hasSizeGreaterThan(50);
    List<String> problems = new ArrayList<>();
    int failed = 0;
    for (Errno errno : List.of(Errno.EIO, Errno.EACCES, Errno.ENOSPC)) {
      for (int call : calls) {
        SimHost h = SweepFixtures.host();
        Snapshot before = h.snapshot();
        long first = h.nextCallIndex();
        h.failOnce(c -> c.index() == first + call - 1, errno);
        try {
          Fcproc.create(h, SweepFixtures.CONFIG).prepareJailerChroot(SweepFixtures.spec("vm1"));
          continue; // the fault was absorbed and staging completed
        } catch (Exception expected) {
          failed++;
        }
        h.clearFaults();
        List<String> diff = before.diff(h.snapshot());
        if (!diff.isEmpty()) {
          problems.add("call " + call + " " + errno + ": " + diff);
        }
      }
    }
    System.out.println("staging undo: " + calls.size() + " faultable calls x 3 errnos; " + failed
        + " failed stagings, each left the host exactly as before");
    assertThat(failed).isGreaterThan(100);
    assertThat(problems).isEmpty();
  }

  @Test
  void modesAndOwnersOfDirectoriesThatExistedArePutBack() {
    SimHost h = SweepFixtures.host();
    h.mkdirs(SweepFixtures.AREA, 0750, 0, 0);
    Snapshot before = h.snapshot();
    long first = h.nextCallIndex();
    // The self-bind fails: by then modes and owners were changed, links made, the binary copied.
    h.failOnce(c -> c.index() >= first && c.call().equals("bindMount"), Errno.EIO);
    assertThatThrownBy(() -> Fcproc.create(h, SweepFixtures.CONFIG).prepareJailerChroot(SweepFixtures.spec("vm1")))
        .isInstanceOf(FcprocException.class).hasMessageContaining("self-bind");
    assertThat(before.diff(h.snapshot())).isEmpty();
  }
}
