package org.fcproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The jailer's layout, the only shape of path fcproc stages, cleans up or hands sockets off beneath. */
class JailPathTest {

  @Test
  void theJailersLayoutParses() {
    JailPath p = JailPath.parse("chroot", "/srv/jailer/firecracker/551e7604-e35c-42b3-b825-416853441234/root");
    assertThat(p.jailBase()).isEqualTo("/srv/jailer");
    assertThat(p.execName()).isEqualTo("firecracker");
    assertThat(p.id()).isEqualTo("551e7604-e35c-42b3-b825-416853441234");
    assertThat(p.execDir()).isEqualTo("/srv/jailer/firecracker");
    assertThat(p.vmDir()).isEqualTo("/srv/jailer/firecracker/551e7604-e35c-42b3-b825-416853441234");
    assertThat(p.chrootRoot()).isEqualTo("/srv/jailer/firecracker/551e7604-e35c-42b3-b825-416853441234/root");
  }

  @Test
  void anythingElseIsRefusedWithTheRuleNamed() {
    for (String bad : List.of(
        "/home/alice",                       // not .../root: a cleanup here deleted a home directory
        "/home/alice/.ssh",
        "/firecracker/vm1/root",             // jail base would be /
        "/srv/firecracker/root",             // too short
        "/srv/jailer/firecracker/vm_1/root", // '_' is not in the jailer's id alphabet
        "/srv/jailer/firecracker/vm.1/root",
        "/srv/jailer/firecracker/" + "a".repeat(65) + "/root",
        "/srv/jailer/firecracker/vm1/root/",
        "/srv/jailer/firecracker/../vm1/root",
        "/srv/jailer/firecracker/vm1/rootfs",
        "srv/jailer/firecracker/vm1/root")) {
      assertThatThrownBy(() -> JailPath.parse("chroot root", bad)).as(bad)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("chroot root: ");
    }
    assertThat(JailPath.parse("c", "/srv/jailer/firecracker/" + "a".repeat(64) + "/root").id()).hasSize(64);
  }

  @Test
  void aPathBeneathAChrootFindsIt() {
    assertThat(JailPath.enclosing("/srv/jailer/firecracker/vm1/root/run")).map(JailPath::id).contains("vm1");
    assertThat(JailPath.enclosing("/srv/jailer/firecracker/vm1/root")).map(JailPath::id).contains("vm1");
    assertThat(JailPath.enclosing("/srv/jailer/firecracker/vm1/root/srv/a/b/c/root/run")).map(JailPath::id)
        .contains("c");
    assertThat(JailPath.enclosing("/run/postgresql")).isEmpty();
    assertThat(JailPath.enclosing("/srv/jailer/firecracker/vm1")).isEmpty();
  }

  @Test
  void stagingNeedsTheExecNameOfTheBinary() {
    assertThatThrownBy(() -> new ChrootSpec("/srv/jailer/other/vm1/root", 1000, 1000, "/usr/bin/firecracker",
        "/k/vmlinux", "vmlinux", "", "", List.of(), false))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("exec name \"other\"");
  }

  @Test
  void namesTheJailerCreatesAreReserved() {
    for (String name : List.of("run", "old_root", "firecracker.pid", "dev", "usr", "lib", "lib64")) {
      assertThatThrownBy(() -> new ChrootSpec("/srv/jailer/firecracker/vm1/root", 1000, 1000, "/usr/bin/firecracker",
          "/k/vmlinux", name, "", "", List.of(), false)).as(name)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("reserved");
    }
  }

  @Test
  void textThatCannotNameAFileExactlyIsRefused() {
    // What the JVM makes of argv bytes that are not UTF-8: U+FFFD. Acting on it would act on
    // another path than the caller's.
    assertThatThrownBy(() -> Inputs.absolutePath("chroot root", "/srv/jailer/firecracker/vm\uFFFD/root"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("not valid UTF-8");
    assertThatThrownBy(() -> Inputs.name("kernel name", "vmlinux\uD800"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("not valid UTF-8");
    assertThat(Inputs.absolutePath("p", "/srv/caf\u00e9")).isEqualTo("/srv/caf\u00e9");
  }

  @Test
  void anInterfaceNameMayNotLookLikeAnOption() {
    for (String bad : List.of("-tap0", "--help", "-")) {
      assertThatThrownBy(() -> Inputs.interfaceName("tap name", bad)).as(bad)
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("begins with '-'");
    }
    assertThat(Inputs.interfaceName("tap name", "tap-0")).isEqualTo("tap-0");
  }
}
