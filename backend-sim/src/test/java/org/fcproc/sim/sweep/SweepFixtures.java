package org.fcproc.sim.sweep;

import java.util.List;
import org.fcproc.ChrootDriveSpec;
import org.fcproc.ChrootSpec;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.SweepReport;
import org.fcproc.SweepSpec;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.FileType;
import org.fcproc.sim.SimHost;

/**
 * A host on which staging leaves nothing behind by design once its VM is reclaimed: the jail
 * base and firecracker base already have the mode staging sets (0711), and the kernel and rootfs
 * are world-readable (so staging never chowns them). Then "the host as before staging" is an
 * exact snapshot comparison.
 */
final class SweepFixtures {
  static final int VM = 1000;
  static final String BASE = "/srv/jail/firecracker";
  static final String AREA = BASE + "/vm1";
  static final String CHROOT = AREA + "/root";
  static final String API_SOCK = CHROOT + "/run/firecracker.socket";
  static final String KERNEL = "/var/lib/fcproc/images/vmlinux";
  static final String ROOTFS = "/var/lib/fcproc/vms/vm1/rootfs.ext4";
  static final String RUNTIME = "/run/fcproc";
  static final Config CONFIG = new Config("/usr/bin/firecracker", "fcbr0", "172.16.0.1", "24", RUNTIME);

  private SweepFixtures() {}

  static ChrootSpec spec(String vmDir) {
    return new ChrootSpec(BASE + "/" + vmDir + "/root", VM, VM, "/usr/bin/firecracker", KERNEL, "vmlinux", "", "",
        List.of(new ChrootDriveSpec("rootfs", ROOTFS)), true);
  }

  static SimHost host() {
    SimHost h = SimHost.create();
    h.mkdirs("/etc");
    h.writeFile("/etc/shadow", "root:$6$not-a-real-hash:19000:0:99999:7:::\n", 0640, 0, 42);
    h.writeFile("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n", 0644, 0, 0);
    h.mkdirs("/dev");
    h.mknod("/dev/vhost-vsock", FileType.CHAR_DEVICE, 0666, new DeviceNumber(10, 241), 0, 0);
    h.mkdirs("/usr/bin");
    h.writeFile("/usr/bin/firecracker", "\u007fELF fake firecracker\n", 0755, 0, 0);
    h.mkdirs("/usr/lib");
    h.writeFile("/usr/lib/libc.so.6", "\u007fELF libc\n", 0755, 0, 0);
    h.mkdirs("/usr/lib64");
    h.writeFile("/usr/lib64/ld-linux-x86-64.so.2", "\u007fELF ld.so\n", 0755, 0, 0);
    h.symlink("/lib", "usr/lib");
    h.symlink("/lib64", "usr/lib64");
    h.mkdirs("/var/lib/fcproc/images");
    h.writeFile(KERNEL, "fake kernel image\n", 0644, 0, 0);
    h.mkdirs("/var/lib/fcproc/vms/vm1");
    h.writeFile(ROOTFS, "fake rootfs\n", 0644, 0, 0);
    h.mkdirs(RUNTIME, 0711, 0, 0);
    h.mkdirs("/srv/jail", 0711, 0, 0);
    h.mkdirs(BASE, 0711, 0, 0);
    h.mkdirs("/tmp", 01777, 0, 0);
    return h;
  }

  static void stage(SimHost h, String vmDir) {
    try {
      Fcproc.create(h, CONFIG).prepareJailerChroot(spec(vmDir));
    } catch (Exception e) {
      throw new IllegalStateException("staging failed", e);
    }
  }

  static SweepReport sweep(SimHost h, boolean dryRun) {
    try {
      return Fcproc.create(h, CONFIG).sweep(new SweepSpec(BASE, dryRun));
    } catch (Exception e) {
      throw new IllegalStateException("sweep failed", e);
    }
  }

  static List<String> paths(List<SweepReport.Item> items) {
    return items.stream().map(SweepReport.Item::path).toList();
  }
}
