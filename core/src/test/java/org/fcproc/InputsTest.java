package org.fcproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class InputsTest {
  @ParameterizedTest
  @ValueSource(strings = {"", "relative/path", "/a//b", "/a/./b", "/a/../b", "/a/b/", "/a\0b"})
  void refusesPathsThatAreNotAbsoluteAndClean(String path) {
    assertThatThrownBy(() -> Inputs.absolutePath("chroot root", path))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("chroot root: ");
  }

  @Test
  void acceptsSpacesAndNewlinesInsidePaths() {
    assertThat(Inputs.absolutePath("p", "/srv/vm 1/new\nline")).isEqualTo("/srv/vm 1/new\nline");
    assertThat(Inputs.absolutePath("p", "/")).isEqualTo("/");
  }

  @Test
  void socketPathsAreLimitedTo107Bytes() {
    String ok = "/" + "a".repeat(106);
    assertThat(Inputs.socketPath("s", ok)).isEqualTo(ok);
    assertThatThrownBy(() -> Inputs.socketPath("s", ok + "b"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("108 bytes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "a/b", "new\nline", "nul\0"})
  void refusesBadNames(String name) {
    assertThatThrownBy(() -> Inputs.name("kernel name", name)).isInstanceOf(InvalidInputException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "sixteen-bytes-xx", "a b", "a/b", "a:b", "."})
  void refusesBadInterfaceNames(String name) {
    assertThatThrownBy(() -> Inputs.interfaceName("tap name", name)).isInstanceOf(InvalidInputException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1.2.3", "1.2.3.256", "01.2.3.4", "a.b.c.d", "1.2.3.4.5"})
  void refusesBadAddresses(String ip) {
    assertThatThrownBy(() -> Inputs.ipv4("bridge IP", ip)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void refusesNegativeIdsNonPositivePidsAndDurations() {
    assertThatThrownBy(() -> Inputs.id("uid", -1)).hasMessage("uid: id is negative: -1");
    assertThatThrownBy(() -> Inputs.pid("pid", 0)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Inputs.pid("pid", -1)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Inputs.positive("timeout", Duration.ZERO)).isInstanceOf(InvalidInputException.class);
    assertThat(Inputs.prefixLength("cidr", "24")).isEqualTo("24");
    assertThatThrownBy(() -> Inputs.prefixLength("cidr", "33")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void aChrootMustHaveAJailBaseOtherThanRoot() {
    assertThatThrownBy(() -> new ChrootSpec("/fc/vm1/root", 1000, 1000, "/usr/bin/firecracker", "/k/vmlinux", "vmlinux",
            "", "", java.util.List.of(), false))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("jail base");
  }

  @Test
  void chrootNamesMustBeDistinct() {
    assertThatThrownBy(() -> new ChrootSpec("/srv/jail/firecracker/vm1/root", 1000, 1000, "/usr/bin/firecracker",
            "/k/vmlinux", "firecracker", "", "", java.util.List.of(), false))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("already used");
  }
}
