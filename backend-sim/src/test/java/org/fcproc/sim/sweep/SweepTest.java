package org.fcproc.sim.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fcproc.sim.sweep.SweepFixtures.AREA;
import static org.fcproc.sim.sweep.SweepFixtures.BASE;
import static org.fcproc.sim.sweep.SweepFixtures.CHROOT;
import static org.fcproc.sim.sweep.SweepFixtures.RUNTIME;
import static org.fcproc.sim.sweep.SweepFixtures.VM;
import static org.fcproc.sim.sweep.SweepFixtures.paths;

import java.util.List;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.FcprocException;
import org.fcproc.InvalidInputException;
import org.fcproc.SweepReport;
import org.fcproc.SweepSpec;
import org.fcproc.host.Errno;
import org.fcproc.host.FileType;
import org.fcproc.sim.GuestBehaviour;
import org.fcproc.sim.SimHost;
import org.fcproc.sim.Snapshot;
import org.junit.jupiter.api.Test;

/** The orphan sweep's rules, one by one, on the simulated host. */
class SweepTest {

  @Test
  void aDeadVmIsReclaimedAndASecondSweepIsANoOp() {
    SimHost h = SweepFixtures.host();
    Snapshot before = h.snapshot();
    SweepFixtures.stage(h, "vm1");
    assertThat(h.mounts()).hasSizeGreaterThan(1);

    SweepReport r = SweepFixtures.sweep(h, false);
    assertThat(r.complete()).isTrue();
    assertThat(r.dryRun()).isFalse();
    assertThat(r.reclaimed()).anySatisfy(i -> {
      assertThat(i.kind()).isEqualTo(SweepReport.Kind.VM);
      assertThat(i.path()).isEqualTo(AREA);
      assertThat(i.reason()).contains("no live process");
    });
    assertThat(r.reclaimed()).filteredOn(i -> i.kind() == SweepReport.Kind.MOUNT).extracting(SweepReport.Item::path)
        .contains(CHROOT, CHROOT + "/usr/lib", CHROOT + "/usr/lib64");
    assertThat(before.diff(h.snapshot())).isEmpty();

    Snapshot swept = h.snapshot();
    SweepReport again = SweepFixtures.sweep(h, false);
    assertThat(again.nothingToDo()).isTrue();
    assertThat(again.alive()).isEmpty();
    assertThat(swept.diff(h.snapshot())).isEmpty();
  }

  @Test
  void aDryRunListsWhatAndWhyAndChangesNothing() {
    SimHost h = SweepFixtures.host();
    SweepFixtures.stage(h, "vm1");
    h.socket(RUNTIME + "/vm9.sock", VM, VM, 0600);
    Snapshot staged = h.snapshot();

    SweepReport dry = SweepFixtures.sweep(h, true);
    assertThat(staged.diff(h.snapshot())).isEmpty();
    assertThat(dry.dryRun()).isTrue();
    assertThat(dry.reclaimed()).extracting(SweepReport.Item::kind, SweepReport.Item::path)
        .contains(
            org.assertj.core.groups.Tuple.tuple(SweepReport.Kind.VM, AREA),
            org.assertj.core.groups.Tuple.tuple(SweepReport.Kind.MOUNT, CHROOT),
            org.assertj.core.groups.Tuple.tuple(SweepReport.Kind.SOCKET, RUNTIME + "/vm9.sock"));
    assertThat(dry.reclaimed()).allSatisfy(i -> assertThat(i.reason()).startsWith("would be"));
    assertThat(dry.reclaimed()).filteredOn(i -> i.kind() == SweepReport.Kind.SOCKET)
        .allSatisfy(i -> assertThat(i.reason()).contains("ECONNREFUSED"));

    SweepReport real = SweepFixtures.sweep(h, false);
    assertThat(paths(real.reclaimed())).containsExactlyInAnyOrderElementsOf(paths(dry.reclaimed()));
    assertThat(h.exists(AREA)).isFalse();
    assertThat(h.exists(RUNTIME + "/vm9.sock")).isFalse();
  }

  @Test
  void aLiveVmIsNeverTouched() {
    SimHost h = SweepFixtures.host();
    SweepFixtures.stage(h, "vm1");
    h.mkdirs(CHROOT + "/run", 0755, VM, VM);
    int pid = h.spawnFirecracker(SweepFixtures.API_SOCK, GuestBehaviour.OBEYS_CTRL_ALT_DEL, VM, VM);
    Snapshot running = h.snapshot();

    SweepReport r = SweepFixtures.sweep(h, false);
    assertThat(r.reclaimed()).isEmpty();
    assertThat(r.alive()).singleElement().satisfies(i -> {
      assertThat(i.path()).isEqualTo(AREA);
      assertThat(i.reason()).contains("pid " + pid);
    });
    assertThat(running.diff(h.snapshot())).isEmpty();
    assertThat(h.isRunning(pid)).isTrue();

    h.exit(pid); // the VM's process is gone: now it is an orphan
    SweepReport after = SweepFixtures.sweep(h, false);
    assertThat(paths(after.reclaimed())).contains(AREA);
    assertThat(h.exists(AREA)).isFalse();
  }

  @Test
  void eachKindOfEvidenceKeepsAVmAlive() {
    SimHost h = SweepFixtures.host();
    for (String vm : List.of("exe", "id", "listener", "named", "vm1", "vm10")) {
      SweepFixtures.stage(h, vm);
    }
    // a jailed firecracker: argv says nothing of the path, its executable is the chroot's copy
    int exe = h.spawn(List.of("/firecracker", "--api-sock", "/run/firecracker.socket"), BASE + "/exe/root/firecracker", VM, VM);
    // the jailer, before its exec: --id names the VM
    int id = h.spawn(List.of("/usr/bin/jailer", "--id", "id", "--exec-file", "/usr/bin/firecracker"), "/usr/bin/jailer");
    // a firecracker started through a symlinked path: only its listening socket tells
    h.mkdirs(BASE + "/listener/root/run", 0755, VM, VM);
    h.symlink("/tmp/vm-link", BASE + "/listener/root");
    int listener = h.spawnFirecracker("/tmp/vm-link/run/api.sock", GuestBehaviour.OBEYS_CTRL_ALT_DEL, VM, VM);
    // anything naming the VM directory on its command line
    int named = h.spawn(List.of("/bin/sh", "-c", "sleep 100 # " + BASE + "/named/root/log"), "/bin/sh");
    // vm10 is alive; vm1, whose path is a prefix of vm10's, is not
    int vm10 = h.spawn(List.of("/usr/bin/firecracker", "--api-sock", BASE + "/vm10/root/api.sock"), "/usr/bin/firecracker");

    SweepReport r = SweepFixtures.sweep(h, false);
    assertThat(paths(r.alive())).containsExactlyInAnyOrder(
        BASE + "/exe", BASE + "/id", BASE + "/listener", BASE + "/named", BASE + "/vm10");
    assertThat(r.alive()).anySatisfy(i -> assertThat(i.reason()).contains("pid " + exe + " runs"));
    assertThat(r.alive()).anySatisfy(i -> assertThat(i.reason()).contains("pid " + id + "'s command line has --id"));
    assertThat(r.alive()).anySatisfy(i -> assertThat(i.reason()).contains("listens on \"" + BASE + "/listener/root/run/api.sock\""));
    assertThat(r.alive()).anySatisfy(i -> assertThat(i.reason()).contains("pid " + named + "'s command line names"));
    assertThat(r.alive()).anySatisfy(i -> assertThat(i.reason()).contains("pid " + vm10 + "'s command line names"));
    assertThat(paths(r.reclaimed())).contains(BASE + "/vm1");
    for (String vm : List.of("exe", "id", "listener", "named", "vm10")) {
      assertThat(h.exists(BASE + "/" + vm + "/root/firecracker")).as(vm).isTrue();
    }
    assertThat(h.isRunning(listener)).isTrue();
    assertThat(h.exists(BASE + "/vm1")).isFalse();
  }

  @Test
  void anUndetachableMountIsReportedAsRefusedAndNothingIsDeleted() {
    SimHost h = SweepFixtures.host();
    SweepFixtures.stage(h, "vm1");
    Snapshot staged = h.snapshot();
    // every detach "succeeds" without detaching (EINVAL reads as "already gone"): the cleanup's
    // re-inspection still sees the mounts and refuses to delete
    h.failWhen(c -> c.call().equals("unmount"), Errno.EINVAL);
    SweepReport r = SweepFixtures.sweep(h, false);
    assertThat(r.complete()).isFalse();
    assertThat(r.refused()).singleElement().satisfies(i -> {
      assertThat(i.path()).isEqualTo(CHROOT);
      assertThat(i.reason()).contains("guarded cleanup refused", "still has", "mount(s)");
    });
    assertThat(r.reclaimed()).isEmpty();
    assertThat(staged.diff(h.snapshot())).isEmpty();

    // a detach that fails outright is a failure, reported, and still nothing is deleted
    h.clearFaults();
    h.failWhen(c -> c.call().equals("unmount"), Errno.EBUSY);
    SweepReport busy = SweepFixtures.sweep(h, false);
    assertThat(busy.failed()).singleElement().satisfies(i -> assertThat(i.reason()).contains("EBUSY"));
    assertThat(staged.diff(h.snapshot())).isEmpty();

    h.clearFaults();
    assertThat(SweepFixtures.sweep(h, false).complete()).isTrue();
    assertThat(h.exists(AREA)).isFalse();
  }

  @Test
  void whatIsNotAVmOfTheLayoutIsRefusedAndLeftAlone() {
    SimHost h = SweepFixtures.host();
    h.symlink(BASE + "/evil", "/etc");
    h.writeFile(BASE + "/notes", "x\n", 0644, 0, 0);
    SweepFixtures.stage(h, "extra");
    h.writeFile(BASE + "/extra/keep.me", "y\n", 0644, VM, VM);
    Snapshot before = h.snapshot();
    SweepReport r = SweepFixtures.sweep(h, false);
    assertThat(r.refused()).extracting(SweepReport.Item::path)
        .contains(BASE + "/evil", BASE + "/notes", BASE + "/extra");
    assertThat(r.refused()).anySatisfy(i -> assertThat(i.reason()).contains("symlink"));
    assertThat(r.refused()).anySatisfy(i -> assertThat(i.reason()).contains("besides its chroot"));
    assertThat(r.reclaimed()).isEmpty();
    assertThat(before.diff(h.snapshot())).isEmpty();
    assertThat(h.exists("/etc/shadow")).isTrue();
    assertThat(h.exists(BASE + "/extra/root/firecracker")).isTrue();
  }

  @Test
  void aChrootSwappedForASymlinkIsRefused() {
    SimHost h = SweepFixtures.host();
    h.mkdirs(AREA, 0755, VM, VM);
    h.symlink(CHROOT, "/etc");
    Snapshot before = h.snapshot();
    SweepReport dry = SweepFixtures.sweep(h, true);
    SweepReport r = SweepFixtures.sweep(h, false);
    assertThat(dry.refused()).singleElement().satisfies(i -> assertThat(i.reason()).contains("the chroot is a symlink"));
    assertThat(r.refused()).singleElement().satisfies(i -> assertThat(i.path()).isEqualTo(CHROOT));
    assertThat(before.diff(h.snapshot())).isEmpty();
  }

  @Test
  void runtimeDirectorySocketsNobodyListensOnAreUnlinked() {
    SimHost h = SweepFixtures.host();
    h.socket(RUNTIME + "/stale.sock", VM, VM, 0600);
    h.socket("/tmp/other.sock", VM, VM, 0600);
    h.hardlink("/tmp/other.sock", RUNTIME + "/two-links.sock");
    h.symlink(RUNTIME + "/link.sock", "/tmp/other.sock");
    h.writeFile(RUNTIME + "/notes", "x\n", 0644, 0, 0);
    int live = h.spawnFirecracker(RUNTIME + "/live.sock", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);

    SweepReport r = SweepFixtures.sweep(h, false);
    assertThat(paths(r.reclaimed())).containsExactly(RUNTIME + "/stale.sock");
    assertThat(paths(r.alive())).containsExactly(RUNTIME + "/live.sock");
    assertThat(r.refused()).singleElement().satisfies(i -> {
      assertThat(i.path()).isEqualTo(RUNTIME + "/two-links.sock");
      assertThat(i.reason()).contains("2 hard links");
    });
    assertThat(h.exists(RUNTIME + "/stale.sock")).isFalse();
    assertThat(h.inspect("/tmp/other.sock").orElseThrow().nlink()).isEqualTo(2);
    assertThat(h.exists(RUNTIME + "/link.sock")).isTrue();
    assertThat(h.exists(RUNTIME + "/notes")).isTrue();
    assertThat(h.isRunning(live)).isTrue();
    assertThat(h.inspect(RUNTIME + "/live.sock").orElseThrow().type()).isEqualTo(FileType.SOCKET);
  }

  @Test
  void aMissingBaseOrRuntimeDirectoryIsNothingToDo() throws Exception {
    SimHost h = SimHost.create();
    SweepReport r = Fcproc.create(h, SweepFixtures.CONFIG).sweep(new SweepSpec("/srv/jailer/firecracker", false));
    assertThat(r.nothingToDo()).isTrue();
    Config noRuntime = new Config("", "", "", "", "");
    assertThat(Fcproc.create(h, noRuntime).sweep(new SweepSpec("/srv/jailer/firecracker", true)).runtimeDir()).isEmpty();
  }

  @Test
  void inputsAreCheckedAndRootIsNeeded() {
    assertThatThrownBy(() -> new SweepSpec("srv/jail/firecracker", false)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new SweepSpec("/firecracker", false)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new SweepSpec("/srv/jail/../x", false)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new SweepSpec("", false)).isInstanceOf(InvalidInputException.class);
    SimHost h = SweepFixtures.host();
    assertThatThrownBy(() -> Fcproc.create(h.as(VM, VM), SweepFixtures.CONFIG).sweep(new SweepSpec(BASE, true)))
        .isInstanceOf(FcprocException.class).hasMessageContaining("needs root");
  }
}
