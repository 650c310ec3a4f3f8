package org.fcproc.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.MountFlag;
import org.fcproc.host.OpenFlag;
import org.fcproc.host.OpenHow;
import org.fcproc.host.Propagation;
import org.fcproc.host.Resolve;
import org.fcproc.host.UmountFlag;
import org.junit.jupiter.api.Test;

/** Mount facts of docs/DESIGN.md#linux-facts. */
class MountTest {
  private final SimHost host = SimHost.create();

  interface ThrowingCall {
    void run() throws HostException;
  }

  private static Errno errno(ThrowingCall c) {
    try {
      c.run();
    } catch (HostException e) {
      return e.errno();
    }
    throw new AssertionError("no error");
  }

  private Handle dir(String p) throws HostException {
    return host.open(p, OpenHow.directoryNoFollow());
  }

  @Test
  void aBindMountShowsTheSameInodesAndDeletingThroughOneDeletesFromTheOther() throws Exception {
    host.writeFile("/src/file", "bytes");
    host.mkdirs("/dst");
    int id = host.bindMount("/src", "/dst");
    FileStat viaDst = host.lstat("/dst/file");
    FileStat viaSrc = host.lstat("/src/file");
    assertThat(viaDst.sameInode(viaSrc)).isTrue();
    assertThat(viaDst.mountId()).isEqualTo(id).isNotEqualTo(viaSrc.mountId());
    try (Handle d = dir("/dst")) {
      host.unlinkAt(d, "file", false);
    }
    assertThat(host.exists("/src/file")).isFalse();
  }

  @Test
  void linkAcrossAMountEdgeIsExdevEvenWithinOneFilesystem() throws Exception {
    host.writeFile("/jail/kernel", "vmlinux");
    host.mkdirs("/jail/root");
    host.bindMount("/jail/root", "/jail/root");
    try (Handle from = dir("/jail"); Handle to = dir("/jail/root")) {
      assertThat(errno(() -> host.linkAt(from, "kernel", to, "kernel"))).isEqualTo(Errno.EXDEV);
    }
    assertThat(host.inspect("/jail/kernel").orElseThrow().nlink()).isEqualTo(1);
    assertThat(host.exists("/jail/root/kernel")).isFalse();
  }

  @Test
  void mountFollowsASymlinkAtTheTarget() throws Exception {
    host.mkdirs("/etc");
    host.mkdirs("/chroot");
    host.symlink("/chroot/usr", "/etc");
    host.mount("tmpfs", "/chroot/usr", "tmpfs", Set.of(), "");
    assertThat(host.mounts()).extracting(MountView::mountPoint).containsExactly("/", "/etc");
    assertThat(host.inspect("/chroot/usr").orElseThrow().type()).isEqualTo(FileType.SYMLINK);
  }

  @Test
  void remountReadOnlyGivesErofsAndABindInheritsNosuid() throws Exception {
    host.mkdirs("/base");
    host.mountTmpfs("/base");
    host.remount("/base", EnumSet.of(MountFlag.NOSUID));
    host.mkdirs("/base/lib");
    host.mkdirs("/chroot/lib");
    host.bindMount("/base/lib", "/chroot/lib");
    MountView bind = host.mounts().get(host.mounts().size() - 1);
    assertThat(bind.flags()).containsExactly(MountFlag.NOSUID);
    assertThat(bind.root()).isEqualTo("/lib");
    try (Handle lib = dir("/chroot/lib")) {
      host.remount(lib, EnumSet.of(MountFlag.READ_ONLY, MountFlag.NOSUID));
      assertThat(errno(() -> host.mkdirAt(lib, "x", 0755))).isEqualTo(Errno.EROFS);
      assertThat(errno(() -> host.openAt(lib, "f", OpenHow.createExclusive(0644)))).isEqualTo(Errno.EROFS);
    }
    host.mkdirAt(dir("/base/lib"), "y", 0755);
    assertThat(host.list("/chroot/lib")).containsExactly("y");
    assertThat(host.mounts().get(host.mounts().size() - 1).flags()).contains(MountFlag.READ_ONLY);
  }

  @Test
  void remountOfANonRootIsEinval() throws Exception {
    host.mkdirs("/plain");
    try (Handle h = dir("/plain")) {
      assertThat(errno(() -> host.remount(h, Set.of(MountFlag.READ_ONLY)))).isEqualTo(Errno.EINVAL);
    }
    assertThat(host.mounts()).hasSize(1);
  }

  @Test
  void umount2Errors() throws Exception {
    host.mkdirs("/m/sub");
    host.mkdirs("/plain");
    host.mountTmpfs("/m");
    host.mkdirs("/m/inner");
    host.symlink("/link-to-m", "/m");
    assertThat(errno(() -> host.umount2("/plain", Set.of()))).isEqualTo(Errno.EINVAL);
    assertThat(errno(() -> host.umount2("/missing", Set.of()))).isEqualTo(Errno.ENOENT);
    assertThat(errno(() -> host.umount2("/link-to-m", EnumSet.of(UmountFlag.NOFOLLOW)))).isEqualTo(Errno.EINVAL);
    host.mountTmpfs("/m/inner");
    assertThat(errno(() -> host.umount2("/m", Set.of()))).isEqualTo(Errno.EBUSY);
    assertThat(host.mounts()).hasSize(3);
    host.umount2("/link-to-m", EnumSet.of(UmountFlag.DETACH));
    assertThat(host.mounts()).hasSize(1);
    assertThat(host.list("/m")).containsExactly("sub");
  }

  @Test
  void anOpenHandleMakesAMountBusyUntilDetachedAndKeepsWorkingAfter() throws Exception {
    host.mkdirs("/m");
    int id = host.mountTmpfs("/m");
    host.writeFile("/m/f", "data");
    Handle f = host.open("/m/f", OpenHow.readNoFollow());
    assertThat(host.openHandles(id)).isEqualTo(1);
    assertThat(errno(() -> host.umount2("/m", Set.of()))).isEqualTo(Errno.EBUSY);
    host.umount2("/m", EnumSet.of(UmountFlag.DETACH));
    assertThat(host.exists("/m/f")).isFalse();
    FileStat st = host.fstat(f);
    assertThat(st.mountId()).isEqualTo(id);
    assertThat(st.size()).isEqualTo(4);
    f.close();
    f.close();
    assertThat(errno(() -> host.fstat(f))).isEqualTo(Errno.EBADF);
  }

  @Test
  void unmountByHandleNeedsDetachBecauseTheHandlePinsTheMount() throws Exception {
    host.mkdirs("/m");
    host.mountTmpfs("/m");
    try (Handle root = dir("/m"); Handle slash = dir("/")) {
      assertThat(errno(() -> host.unmount(root, Set.of()))).isEqualTo(Errno.EBUSY);
      assertThat(errno(() -> host.unmount(slash, EnumSet.of(UmountFlag.DETACH)))).isEqualTo(Errno.EBUSY);
      host.unmount(root, EnumSet.of(UmountFlag.DETACH));
      assertThat(errno(() -> host.unmount(root, EnumSet.of(UmountFlag.DETACH)))).isEqualTo(Errno.EINVAL);
    }
    assertThat(host.mounts()).hasSize(1);
  }

  @Test
  void rmdirUnlinkAndRenameOfAMountpointAreEbusy() throws Exception {
    host.mkdirs("/d/mp");
    host.writeFile("/d/file", "x");
    host.writeFile("/other/file", "y");
    host.mountTmpfs("/d/mp");
    host.bindMount("/other/file", "/d/file");
    try (Handle d = dir("/d")) {
      assertThat(errno(() -> host.unlinkAt(d, "mp", true))).isEqualTo(Errno.EBUSY);
      assertThat(errno(() -> host.unlinkAt(d, "file", false))).isEqualTo(Errno.EBUSY);
      assertThat(errno(() -> host.renameAt(d, "mp", d, "moved", org.fcproc.host.RenameMode.REPLACE)))
          .isEqualTo(Errno.EBUSY);
    }
    assertThat(host.list("/d")).containsExactly("file", "mp");
    assertThat(host.readString("/d/file")).isEqualTo("y");
  }

  @Test
  void statAtCrossesIntoAMountOnTheName() throws Exception {
    host.mkdirs("/c/mp");
    int id = host.mountTmpfs("/c/mp");
    try (Handle c = dir("/c")) {
      FileStat st = host.statAt(c, "mp");
      assertThat(st.mountId()).isEqualTo(id);
      assertThat(st.mode()).isEqualTo(01777);
      assertThat(host.readDir(c)).singleElement().satisfies(e -> assertThat(e.name()).isEqualTo("mp"));
    }
  }

  @Test
  void aHandlePinsItsInodeAcrossAnOvermount() throws Exception {
    host.writeFile("/v/data/file", "under");
    try (Handle data = dir("/v/data")) {
      host.mountTmpfs("/v/data");
      assertThat(host.list("/v/data")).isEmpty();
      FileStat st = host.statAt(data, "file");
      assertThat(st.type()).isEqualTo(FileType.REGULAR);
      assertThat(st.mountId()).isEqualTo(21);
    }
  }

  @Test
  void mountinfoEscapesWhitespaceAndBackslash() throws Exception {
    String weird = "/vm dir/a\tb/c\nd/e\\f";
    host.mkdirs(weird);
    host.mountTmpfs(weird);
    String info = host.mountInfo();
    assertThat(info.split("\n")).hasSize(2);
    assertThat(info).startsWith("21 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n");
    assertThat(info).contains(" / /vm\\040dir/a\\011b/c\\012d/e\\134f rw,relatime - tmpfs tmpfs rw\n");
    assertThat(host.mounts().get(1).mountPoint()).isEqualTo(weird);
  }

  @Test
  void sharedPropagationCopiesMountsToPeersUntilMadePrivate() throws Exception {
    host.setPropagation("/", Propagation.SHARED);
    host.mkdirs("/jail/root/usr/lib");
    host.mkdirs("/usr/lib");
    host.bindMount("/jail/root", "/jail/root");
    assertThat(host.mountInfo()).contains("/jail/root rw,relatime shared:1 -");
    // a bind under the shared self-bind propagates back to "/"
    host.bindMount("/usr/lib", "/jail/root/usr/lib");
    assertThat(host.mounts()).extracting(MountView::mountPoint)
        .containsExactly("/", "/jail/root", "/jail/root/usr/lib", "/jail/root/usr/lib");
    assertThat(host.mounts().get(3).parentId()).isEqualTo(21);
    host.detach("/jail/root/usr/lib");
    assertThat(host.mounts()).hasSize(2);
    // made private first, nothing propagates to "/"; the bind itself is a peer of its
    // shared source, as clone_mnt makes it
    try (Handle self = dir("/jail/root")) {
      host.setPropagation(self, Propagation.PRIVATE);
    }
    host.bindMount("/usr/lib", "/jail/root/usr/lib");
    assertThat(host.mounts()).extracting(MountView::mountPoint)
        .containsExactly("/", "/jail/root", "/jail/root/usr/lib");
    assertThat(host.mounts().get(1).propagation()).isEqualTo(Propagation.PRIVATE);
    assertThat(host.mounts().get(2).propagation()).isEqualTo(Propagation.SHARED);
    assertThat(host.mounts().get(2).peerGroup()).isEqualTo(1);
  }

  @Test
  void recursiveBindCopiesSubmounts() throws Exception {
    host.mkdirs("/a/sub");
    host.mkdirs("/b");
    host.mountTmpfs("/a/sub");
    host.writeFile("/a/sub/in-tmpfs", "t");
    host.bindMount("/a", "/b", true);
    assertThat(host.readString("/b/sub/in-tmpfs")).isEqualTo("t");
    assertThat(host.mounts()).extracting(MountView::mountPoint).containsExactly("/", "/a/sub", "/b", "/b/sub");
  }

  @Test
  void mountingNeedsRoot() throws Exception {
    host.mkdirs("/m", 0777, 0, 0);
    var user = host.as(1000, 1000);
    assertThat(errno(() -> user.mount("tmpfs", "/m", "tmpfs", Set.of(), ""))).isEqualTo(Errno.EPERM);
    try (Handle h = user.open("/m", new OpenHow(EnumSet.of(OpenFlag.PATH), 0, EnumSet.noneOf(Resolve.class)))) {
      assertThat(errno(() -> user.bindMount(h, h, false))).isEqualTo(Errno.EPERM);
    }
    assertThat(host.mounts()).hasSize(1);
  }
}
