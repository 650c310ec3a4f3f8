package example;

import java.util.Optional;
import org.fcproc.ChrootSpec;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.sim.SimHost;

/**
 * What an application embedding fcproc writes (EmbeddingTest compiles and runs it against
 * fcproc-backend-sim's runtime classpath only): a simulated host with the standard layout, a
 * chroot staged and cleaned up through Fcproc with the builders.
 */
public final class Embed {
  public static void main(String[] args) throws Exception {
    SimHost host = SimHost.standardLayout();
    Fcproc fcproc = Fcproc.create(host, Config.builder().firecrackerBin("/usr/bin/firecracker").build());
    ChrootSpec spec = ChrootSpec.builder()
        .chroot("/srv/jail/firecracker/vm1/root")
        .owner(1000, 1000)
        .firecracker("/usr/bin/firecracker")
        .kernel("/var/lib/fcproc/images/vmlinux")
        .initrd(Optional.of("/var/lib/fcproc/images/initrd.img"))
        .drive("rootfs", "/var/lib/fcproc/vms/vm1/rootfs.ext4")
        .vsock(true)
        .build();
    fcproc.prepareJailerChroot(spec);
    if (host.inspect("/srv/jail/firecracker/vm1/root/vmlinux").isEmpty()) throw new AssertionError("not staged");
    fcproc.cleanupJailerChroot(spec.chrootRoot());
    if (host.inspect("/srv/jail/firecracker/vm1/root").isPresent()) throw new AssertionError("not cleaned up");
    System.out.println("OK");
  }
}
