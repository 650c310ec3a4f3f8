package org.fcproc.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Snapshots and their diff, for the jail invariant. */
class SnapshotTest {
  @Test
  void diffNamesEveryChangeInPathOrder() {
    SimHost host = SimHost.create();
    host.writeFile("/etc/shadow", "s", 0600, 0, 0);
    host.mkdirs("/jail/root");
    Snapshot before = host.snapshot();
    assertThat(before.diff(host.snapshot())).isEmpty();
    host.setMode("/etc/shadow", 0644);
    host.writeFile("/jail/root/kernel", "k");
    host.mountTmpfs("/jail/root");
    Snapshot after = host.snapshot();
    assertThat(after.files()).doesNotContainKey("/jail/root/kernel");
    assertThat(before.diff(after)).containsExactly(
        "~ /etc/shadow: REGULAR 0600 0:0 nlink=1 ino=8:1/12 size=1 sha256=043a718774c572bd"
            + " => REGULAR 0644 0:0 nlink=1 ino=8:1/12 size=1 sha256=043a718774c572bd",
        "~ /jail/root: DIRECTORY 0755 0:0 nlink=2 ino=8:1/14 => DIRECTORY 1777 0:0 nlink=2 ino=0:40/1",
        "+ mount /jail/root root=/ tmpfs rw,relatime PRIVATE");
  }
}
