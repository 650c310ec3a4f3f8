package org.fcproc.bench;

import java.util.List;
import org.fcproc.ChrootDriveSpec;
import org.fcproc.ChrootSpec;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.FileType;
import org.fcproc.sim.MountView;
import org.fcproc.sim.SimHost;
import org.fcproc.sim.explore.ExploredOperation;
import org.fcproc.sim.explore.Move;
import org.fcproc.sim.explore.Postcondition;
import org.fcproc.sim.explore.Target;

/**
 * The simulated host the benchmarks use: backend-sim's standard layout, and the same VM and cleanup
 * exploration target as backend-sim's explorer tests ({@code backend-sim/src/test/.../explore/Fixtures.java}
 * and {@code ExplorerTest.cleanup}), copied here because test classes are not a dependency.
 */
public final class SimFixtures {
  public static final int VM = 1000;
  public static final String AREA = "/srv/jail/firecracker/vm1";
  public static final String CHROOT = AREA + "/root";
  public static final String KERNEL = "/var/lib/fcproc/images/vmlinux";
  public static final String ROOTFS = "/var/lib/fcproc/vms/vm1/rootfs.ext4";
  public static final Config CONFIG = new Config("/usr/bin/firecracker", "fcbr0", "172.16.0.1", "24", "/run/fcproc");
  public static final ChrootSpec SPEC = new ChrootSpec(CHROOT, VM, VM, "/usr/bin/firecracker", KERNEL, "vmlinux", "", "",
      List.of(new ChrootDriveSpec("rootfs", ROOTFS)), true);

  private SimFixtures() {}

  /** The standard host ({@link SimHost#standardLayout()}) with the runtime directory and the
   *  firecracker base directory, before anything of the VM exists. */
  public static SimHost beforeStaging() {
    SimHost h = SimHost.standardLayout();
    h.mkdirs("/run/fcproc", 0711, 0, 0);
    h.mkdirs("/srv/jail/firecracker", 0755, 0, 0);
    return h;
  }

  /** Staged by fcproc, plus a directory of the VM's uid beside the chroot (the adversary's decoy). */
  public static SimHost stagedWithDecoy() {
    SimHost h = beforeStaging();
    try {
      Fcproc.create(h, CONFIG).prepareJailerChroot(SPEC);
    } catch (Exception e) {
      throw new IllegalStateException("staging the fixture failed", e);
    }
    h.mkdirs(AREA + "/decoy", 0755, VM, VM);
    return h;
  }

  static boolean atOrUnder(String path, String base) {
    return path.equals(base) || path.startsWith(base + "/");
  }

  /** After a successful cleanup: no mount at or under the chroot, and the chroot's path no longer the staged chroot. */
  static final Postcondition CLEANED = (host, before) -> {
    for (MountView m : host.mounts()) {
      if (atOrUnder(m.mountPoint(), CHROOT)) {
        throw new AssertionError("mount " + m.id() + " left at " + m.mountPoint());
      }
    }
    String after = host.snapshot().files().get(CHROOT);
    if (after != null && ino(after).equals(ino(before.files().get(CHROOT)))) {
      throw new AssertionError("the staged chroot is still at its path");
    }
  };

  static String ino(String description) {
    int at = description.indexOf(" ino=") + 5;
    int end = description.indexOf(' ', at);
    return end < 0 ? description.substring(at) : description.substring(at, end);
  }

  static List<Move> cleanupMoves() {
    return List.of(
        new Move.SwapForSymlink(AREA, "/"),
        new Move.SwapForSymlink(CHROOT, "/etc"),
        new Move.SwapForSymlink(CHROOT + "/usr", "/etc"),
        new Move.SwapForSymlink(CHROOT + "/dev", "/dev"),
        new Move.SwapForSymlink(CHROOT + "/usr/lib", "/usr/lib"),
        new Move.PlantSymlink(CHROOT + "/vmlinux", "/etc/shadow"),
        new Move.PlantSymlink(CHROOT + "/x", "/"),
        new Move.PlantHardLink(CHROOT + "/x", "/etc/shadow"),
        new Move.PlantHardLink(CHROOT + "/dev/y", "/usr/lib/libc.so.6"),
        new Move.PlantFifo(CHROOT + "/dev/vhost-vsock"),
        new Move.PlantDevice(CHROOT + "/dev/sda", FileType.BLOCK_DEVICE, new DeviceNumber(8, 0)),
        new Move.PlantFile(CHROOT + "/usr/lib/evil"),
        new Move.BindMount("/etc", CHROOT + "/usr/lib"),
        new Move.BindMount("/", CHROOT + "/dev"),
        new Move.RemoveDirectory(CHROOT + "/usr"),
        new Move.Exchange(CHROOT, AREA + "/decoy"),
        new Move.Exchange(CHROOT + "/dev", AREA + "/decoy"));
  }

  /** ExplorerTest's "cleanup" target: every move in every gap, every call failing in turn. */
  public static Target cleanupTarget() {
    return Target.builder("cleanup")
        .host(SimFixtures::stagedWithDecoy)
        .operation(ExploredOperation.fcproc(CONFIG, f -> f.cleanupJailerChroot(CHROOT)))
        .vmArea(AREA)
        .chroot(CHROOT)
        .documented(KERNEL, ROOTFS)
        .postcondition(CLEANED)
        .moves(cleanupMoves())
        .build();
  }
}
