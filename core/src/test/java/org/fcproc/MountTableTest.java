package org.fcproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MountTableTest {
  private static final String TEXT = String.join("\n",
      "21 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
      "40 21 8:1 /srv/jail/fc/vm\\0401/root /srv/jail/fc/vm\\0401/root rw,relatime - ext4 /dev/sda1 rw",
      "41 40 8:1 /usr/lib /srv/jail/fc/vm\\0401/root/usr/lib ro,relatime - ext4 /dev/sda1 rw",
      "42 21 0:50 / /srv/jail/fc/vm1x/root rw - tmpfs tmpfs rw",
      "43 40 0:51 / /srv/jail/fc/vm\\0401/root/new\\012line\\134x rw - tmpfs none rw",
      "");

  @Test
  void decodesTheKernelsOctalEscapes() {
    assertThat(MountTable.decode("a\\040b\\011c\\012d\\134e")).isEqualTo("a b\tc\nd\\e");
    assertThat(MountTable.decode("plain")).isEqualTo("plain");
    assertThat(MountTable.decode("trailing\\04")).isEqualTo("trailing\\04");
  }

  @Test
  void parsesEveryFieldOfALine() throws Exception {
    MountTable t = MountTable.parse(TEXT);
    assertThat(t.entries()).hasSize(5);
    MountTable.Entry lib = t.entries().get(2);
    assertThat(lib.id()).isEqualTo(41);
    assertThat(lib.parentId()).isEqualTo(40);
    assertThat(lib.root()).isEqualTo("/usr/lib");
    assertThat(lib.mountPoint()).isEqualTo("/srv/jail/fc/vm 1/root/usr/lib");
    assertThat(lib.options()).isEqualTo("ro,relatime");
    assertThat(lib.fstype()).isEqualTo("ext4");
    assertThat(lib.source()).isEqualTo("/dev/sda1");
  }

  @Test
  void listsMountsAtOrUnderAPathDeepestFirstAndNotItsPrefixSiblings() throws Exception {
    MountTable t = MountTable.parse(TEXT);
    assertThat(t.atOrUnder("/srv/jail/fc/vm 1/root"))
        .extracting(MountTable.Entry::id)
        .containsExactly(41, 43, 40);
    assertThat(t.atOrUnder("/srv/jail/fc/vm1")).isEmpty();
  }

  @Test
  void refusesALineWithoutTheSeparator() {
    assertThatThrownBy(() -> MountTable.parse("21 1 8:1 / / rw shared:1 ext4 /dev/sda1 rw\n"))
        .isInstanceOf(FcprocException.class)
        .hasMessageContaining("malformed mountinfo line");
  }
}
