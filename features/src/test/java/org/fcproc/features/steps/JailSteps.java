package org.fcproc.features.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.cucumber.datatable.DataTable;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.When;
import java.util.ArrayList;
import java.util.List;
import org.fcproc.ChrootDriveSpec;
import org.fcproc.ChrootSpec;
import org.fcproc.Fcproc;
import org.fcproc.FcprocException;
import org.fcproc.features.driver.Owner;

/**
 * Staging and cleaning up the jailer chroot. What to stage is a table, one row per item:
 * {@code | kernel | host path | name |}, {@code | initrd | host path | name |},
 * {@code | drive | host path | name |} and {@code | vsock | | |}.
 */
public final class JailSteps {
  private final World world;

  public JailSteps(World world) {
    this.world = world;
  }

  static ChrootSpec spec(String chroot, Owner owner, List<List<String>> rows) {
    String kernel = "";
    String kernelName = "";
    String initrd = "";
    String initrdName = "";
    List<ChrootDriveSpec> drives = new ArrayList<>();
    boolean vsock = false;
    for (List<String> row : rows) {
      String kind = row.get(0);
      String path = row.size() > 1 && row.get(1) != null ? ParameterTypes.decodePath(row.get(1)) : "";
      String name = row.size() > 2 && row.get(2) != null ? row.get(2) : "";
      switch (kind) {
        case "kernel" -> {
          kernel = path;
          kernelName = name;
        }
        case "initrd" -> {
          initrd = path;
          initrdName = name;
        }
        case "drive" -> drives.add(new ChrootDriveSpec(name, path));
        case "vsock" -> vsock = true;
        default -> throw new IllegalArgumentException("unknown staging row: " + kind + " (kernel, initrd, drive or vsock)");
      }
    }
    return new ChrootSpec(chroot, owner.uid(), owner.gid(), "/usr/bin/firecracker", kernel, kernelName, initrd, initrdName, drives, vsock);
  }

  @When("fcproc stages the jailer chroot {path} for {owner} with:")
  public void stage(String chroot, Owner owner, DataTable items) {
    world.act(f -> {
      f.prepareJailerChroot(spec(chroot, owner, items.cells()));
      return null;
    });
  }

  /** What "a jailer chroot staged at ..." stages: the standard layout's kernel, initrd, rootfs and vsock. */
  static ChrootSpec standardSpec(String chroot, Owner owner) {
    return spec(chroot, owner, List.of(
        List.of("kernel", "/var/lib/fcproc/images/vmlinux", "vmlinux"),
        List.of("initrd", "/var/lib/fcproc/images/initrd.img", "initrd.img"),
        List.of("drive", "/var/lib/fcproc/vms/vm1/rootfs.ext4", "rootfs"),
        List.of("vsock")));
  }

  @Given("a jailer chroot staged at {path} for {owner}")
  public void staged(String chroot, Owner owner) {
    world.arrange(h -> {
      try {
        Fcproc.create(h.as(world.caller), world.config()).prepareJailerChroot(standardSpec(chroot, owner));
      } catch (FcprocException e) {
        throw new IllegalStateException("arranging the host: staging " + chroot + " failed: " + e.getMessage(), e);
      }
    });
    assertThat(world.host.mounts().stream().filter(m -> m.mountPoint().startsWith(chroot))).hasSize(3);
  }

  @When("fcproc cleans up the jailer chroot {path}")
  public void cleanup(String chroot) {
    world.act(f -> {
      f.cleanupJailerChroot(chroot);
      return null;
    });
  }
}
