package org.fcproc.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fcproc.sim.Calls.errno;

import org.fcproc.host.DeviceNumber;
import org.fcproc.host.Errno;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostOps;
import org.fcproc.host.OpenHow;
import org.fcproc.host.RenameMode;
import org.junit.jupiter.api.Test;

/** Non-root callers: search, write, sticky, ownership, protected links. */
class PermissionTest {
  private final SimHost host = SimHost.create();
  private final HostOps user = host.as(1000, 1000);

  @Test
  void searchPermissionIsNeededOnEveryDirectoryWalked() throws Exception {
    host.mkdirs("/root", 0700, 0, 0);
    host.writeFile("/root/secret", "s", 0644, 0, 0);
    assertThat(errno(() -> user.lstat("/root/secret"))).isEqualTo(Errno.EACCES);
    assertThat(host.lstat("/root/secret").size()).isEqualTo(1);
    host.mkdirs("/open", 0711, 0, 0);
    host.writeFile("/open/file", "f", 0644, 0, 0);
    assertThat(user.lstat("/open/file").size()).isEqualTo(1);
    try (Handle open = user.open("/open", OpenHow.directoryNoFollow())) {
      assertThat(errno(() -> user.readDir(open))).isEqualTo(Errno.EACCES);
    }
  }

  @Test
  void writePermissionOnTheParentIsNeededToCreateOrRemove() throws Exception {
    host.mkdirs("/etc", 0755, 0, 0);
    host.writeFile("/etc/passwd", "root", 0666, 0, 0);
    try (Handle etc = user.open("/etc", OpenHow.directoryNoFollow())) {
      assertThat(errno(() -> user.mkdirAt(etc, "x", 0755))).isEqualTo(Errno.EACCES);
      assertThat(errno(() -> user.unlinkAt(etc, "passwd", false))).isEqualTo(Errno.EACCES);
    }
    assertThat(host.list("/etc")).containsExactly("passwd");
  }

  @Test
  void theStickyBitProtectsOtherUsersFiles() throws Exception {
    host.mkdirs("/tmp", 01777, 0, 0);
    host.writeFile("/tmp/roots", "r", 0666, 0, 0);
    host.writeFile("/tmp/mine", "m", 0644, 1000, 1000);
    try (Handle tmp = user.open("/tmp", OpenHow.directoryNoFollow())) {
      assertThat(errno(() -> user.unlinkAt(tmp, "roots", false))).isEqualTo(Errno.EPERM);
      assertThat(errno(() -> user.renameAt(tmp, "roots", tmp, "x", RenameMode.REPLACE))).isEqualTo(Errno.EPERM);
      assertThat(errno(() -> user.renameAt(tmp, "mine", tmp, "roots", RenameMode.REPLACE))).isEqualTo(Errno.EPERM);
      user.unlinkAt(tmp, "mine", false);
    }
    assertThat(host.list("/tmp")).containsExactly("roots");
  }

  @Test
  void onlyRootChownsAndOnlyTheOwnerChmods() throws Exception {
    host.writeFile("/home/u/file", "x", 0644, 1000, 1000);
    host.writeFile("/home/u/roots", "x", 0666, 0, 0);
    assertThat(errno(() -> user.chown("/home/u/file", 0, 0))).isEqualTo(Errno.EPERM);
    assertThat(errno(() -> user.chmod("/home/u/roots", 0777))).isEqualTo(Errno.EPERM);
    user.chmod("/home/u/file", 0600);
    user.chown("/home/u/file", -1, 1000);
    assertThat(host.inspect("/home/u/file").orElseThrow().mode()).isEqualTo(0600);
    assertThat(host.inspect("/home/u/roots").orElseThrow().mode()).isEqualTo(0666);
    assertThat(host.inspect("/home/u/file").orElseThrow().uid()).isEqualTo(1000);
  }

  @Test
  void devicesNeedRootButFifosDoNot() throws Exception {
    host.mkdirs("/home/u", 0755, 1000, 1000);
    try (Handle d = user.open("/home/u", OpenHow.directoryNoFollow())) {
      assertThat(errno(() -> user.mknodAt(d, "sda", FileType.BLOCK_DEVICE, 0600, new DeviceNumber(8, 0))))
          .isEqualTo(Errno.EPERM);
      user.mknodAt(d, "fifo", FileType.FIFO, 0600, DeviceNumber.NONE);
    }
    assertThat(host.list("/home/u")).containsExactly("fifo");
    assertThat(host.inspect("/home/u/fifo").orElseThrow().uid()).isEqualTo(1000);
  }

  @Test
  void protectedHardlinksStopLinkingOthersFiles() throws Exception {
    host.writeFile("/etc/shadow", "s", 0640, 0, 42);
    host.writeFile("/etc/world", "w", 0666, 0, 0);
    host.mkdirs("/home/u", 0755, 1000, 1000);
    try (Handle etc = user.open("/etc", OpenHow.directoryNoFollow());
        Handle home = user.open("/home/u", OpenHow.directoryNoFollow())) {
      assertThat(errno(() -> user.linkAt(etc, "shadow", home, "shadow"))).isEqualTo(Errno.EPERM);
      user.linkAt(etc, "world", home, "world"); // readable and writable: allowed
    }
    assertThat(host.inspect("/etc/shadow").orElseThrow().nlink()).isEqualTo(1);
    assertThat(host.inspect("/etc/world").orElseThrow().nlink()).isEqualTo(2);

    SimHost lax = SimHost.builder().protectedHardlinks(false).build();
    lax.writeFile("/etc/shadow", "s", 0640, 0, 42);
    lax.mkdirs("/home/u", 0755, 1000, 1000);
    HostOps u = lax.as(1000, 1000);
    try (Handle etc = u.open("/etc", OpenHow.directoryNoFollow());
        Handle home = u.open("/home/u", OpenHow.directoryNoFollow())) {
      u.linkAt(etc, "shadow", home, "shadow");
    }
    assertThat(lax.inspect("/home/u/shadow").orElseThrow().nlink()).isEqualTo(2);
  }

  @Test
  void protectedSymlinksStopEvenRootFollowingAStrangersLinkInAStickyWorldWritableDir() throws Exception {
    host.mkdirs("/tmp", 01777, 0, 0);
    host.writeFile("/etc/shadow", "s", 0600, 0, 0);
    host.symlink("/tmp/evil", "/etc/shadow", 1000, 1000);
    host.symlink("/tmp/roots", "/etc/shadow", 0, 0);
    assertThat(errno(() -> host.stat("/tmp/evil"))).isEqualTo(Errno.EACCES);
    assertThat(errno(() -> host.chmod("/tmp/evil", 0666))).isEqualTo(Errno.EACCES);
    assertThat(user.lstat("/tmp/evil").type()).isEqualTo(FileType.SYMLINK);
    assertThat(host.stat("/tmp/roots").type()).isEqualTo(FileType.REGULAR);
    assertThat(host.inspect("/etc/shadow").orElseThrow().mode()).isEqualTo(0600);
  }

  @Test
  void adoptingAnAsViewActsOnTheSameHost() throws Exception {
    host.mkdirs("/shared", 0777, 0, 0);
    try (Handle d = user.open("/shared", OpenHow.directoryNoFollow())) {
      user.symlinkAt("/etc", d, "planted");
    }
    assertThat(host.inspect("/shared/planted").orElseThrow().uid()).isEqualTo(1000);
    assertThat(host.journal()).anySatisfy(e -> {
      assertThat(e.call()).isEqualTo("symlinkAt");
      assertThat(e.actorUid()).isEqualTo(1000);
    });
  }
}
