package org.fcproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The builders are another spelling of the records' constructors: same values, same refusals. */
class BuildersTest {
  static final String CHROOT = "/srv/jail/firecracker/vm1/root";

  @Test
  void chrootSpecBuilderEqualsThePositionalConstructor() {
    ChrootSpec built = ChrootSpec.builder()
        .chroot(CHROOT)
        .owner(1000, 1001)
        .firecracker("/usr/bin/firecracker")
        .kernel("/var/lib/fcproc/images/vmlinux")
        .initrd(Optional.of("/var/lib/fcproc/images/initrd.img"))
        .drive("rootfs", "/var/lib/fcproc/vms/vm1/rootfs.ext4")
        .vsock(true)
        .build();
    assertThat(built).isEqualTo(new ChrootSpec(CHROOT, 1000, 1001, "/usr/bin/firecracker",
        "/var/lib/fcproc/images/vmlinux", "vmlinux", "/var/lib/fcproc/images/initrd.img", "initrd.img",
        List.of(new ChrootDriveSpec("rootfs", "/var/lib/fcproc/vms/vm1/rootfs.ext4")), true));
  }

  @Test
  void chrootSpecBuilderWithoutInitrdUsesTheEmptyStrings() {
    ChrootSpec built = ChrootSpec.builder().chroot(CHROOT).owner(1000, 1000).firecracker("/usr/bin/firecracker")
        .kernel("/boot/vmlinux-6.1", "vmlinux").build();
    assertThat(built.kernelName()).isEqualTo("vmlinux");
    assertThat(built.initrdHostPath()).isEmpty();
    assertThat(built.initrdName()).isEmpty();
    assertThat(built.drives()).isEmpty();
    assertThat(built.wantVsock()).isFalse();
  }

  @Test
  void chrootSpecBuilderRefusesWhatTheConstructorRefuses() {
    assertThatThrownBy(() -> ChrootSpec.builder().chroot(CHROOT).firecracker("/usr/bin/firecracker")
        .kernel("/boot/vmlinux").build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("uid");
    assertThatThrownBy(() -> ChrootSpec.builder().chroot(CHROOT).owner(1000, 1000).firecracker("/usr/bin/firecracker")
        .build())
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("kernel host path: ");
    assertThatThrownBy(() -> ChrootSpec.builder().chroot("/srv/jail/other/vm1/root").owner(1000, 1000)
        .firecracker("/usr/bin/firecracker").kernel("/boot/vmlinux").build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("exec name");
    assertThatThrownBy(() -> ChrootSpec.builder().chroot(CHROOT).owner(1000, 1000).firecracker("/usr/bin/firecracker")
        .kernel("/boot/vmlinux").initrd("/boot/initrd", "vmlinux").build())
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("initrd name: ");
  }

  @Test
  void configBuilderDefaultsAreTheCommandLines() {
    assertThat(Config.builder().build())
        .isEqualTo(new Config("firecracker", "fcbr0", "172.16.0.1", "24", "/run/fcproc"));
    assertThat(Config.builder().firecrackerBin("/usr/bin/firecracker").bridgeName("br1").bridgeIp("10.0.0.1")
        .cidr(16).runtimeDir("/run/vms").build())
        .isEqualTo(new Config("/usr/bin/firecracker", "br1", "10.0.0.1", "16", "/run/vms"));
    assertThat(Config.builder().cidr(0).build().cidr()).isEqualTo("0");
    assertThat(Config.builder().cidr(32).build().cidr()).isEqualTo("32");
  }

  @Test
  void configBuilderRefusesAPrefixLengthOutside0To32() {
    assertThatThrownBy(() -> Config.builder().cidr(33))
        .isInstanceOf(InvalidInputException.class).hasMessage("cidr: prefix length must be 0 to 32: 33");
    assertThatThrownBy(() -> Config.builder().cidr(-1))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("cidr: ");
  }
}
