package org.fcproc.sim.explore;

import java.util.List;
import org.fcproc.ChrootDriveSpec;
import org.fcproc.ChrootSpec;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.sim.SimHost;

/** The standard host ({@link SimHost#standardLayout()}) and the VM that lives on it. */
final class Fixtures {
  static final int VM = 1000;
  static final String AREA = "/srv/jail/firecracker/vm1";
  static final String CHROOT = AREA + "/root";
  static final String KERNEL = "/var/lib/fcproc/images/vmlinux";
  static final String ROOTFS = "/var/lib/fcproc/vms/vm1/rootfs.ext4";
  static final Config CONFIG = new Config("/usr/bin/firecracker", "fcbr0", "172.16.0.1", "24", "/run/fcproc");
  static final ChrootSpec SPEC = new ChrootSpec(CHROOT, VM, VM, "/usr/bin/firecracker", KERNEL, "vmlinux", "", "",
      List.of(new ChrootDriveSpec("rootfs", ROOTFS)), true);

  private Fixtures() {}

  /** The host before anything of the VM exists: the standard layout and the runtime directory. */
  static SimHost standard() {
    SimHost h = SimHost.standardLayout();
    h.mkdirs("/run/fcproc", 0711, 0, 0);
    return h;
  }

  /** The standard host plus the firecracker base directory (root 0755): staging sets its mode,
   *  a documented in-place change, rather than making it. */
  static SimHost beforeStaging() {
    SimHost h = standard();
    h.mkdirs("/srv/jail/firecracker", 0755, 0, 0);
    return h;
  }

  /** A VM directory left from an earlier run (root-owned, as before staging chowns it) holding a
   *  directory the VM's uid made: the adversary's decoy for an exchange. */
  static SimHost restaging() {
    SimHost h = beforeStaging();
    h.mkdirs(AREA, 0755, 0, 0);
    h.mkdirs(AREA + "/decoy", 0755, VM, VM);
    return h;
  }

  /** The standard host with the VM's chroot staged by fcproc itself (journaled calls, which
   *  the explorer does not count). */
  static SimHost staged() {
    SimHost h = beforeStaging();
    try {
      Fcproc.create(h, CONFIG).prepareJailerChroot(SPEC);
    } catch (Exception e) {
      throw new IllegalStateException("staging the fixture failed", e);
    }
    return h;
  }
}
