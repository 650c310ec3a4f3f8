package org.fcproc.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fcproc.sim.Calls.errno;

import java.util.EnumSet;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.OpenFlag;
import org.fcproc.host.OpenHow;
import org.fcproc.host.RenameMode;
import org.fcproc.host.Resolve;
import org.junit.jupiter.api.Test;

/** The tree-changing calls and their Linux facts. */
class TreeTest {
  private final SimHost host = SimHost.create();

  private Handle dir(String p) throws HostException {
    return host.open(p, OpenHow.directoryNoFollow());
  }

  @Test
  void mknodIsEexistEvenForADanglingSymlinkAndTheUmaskApplies() throws Exception {
    host.mkdirs("/chroot/dev");
    host.symlink("/chroot/dev/kvm", "/nonexistent");
    try (Handle dev = dir("/chroot/dev")) {
      assertThat(errno(() -> host.mknodAt(dev, "kvm", FileType.CHAR_DEVICE, 0666, new DeviceNumber(10, 232))))
          .isEqualTo(Errno.EEXIST);
      host.mknodAt(dev, "vhost-vsock", FileType.CHAR_DEVICE, 0666, new DeviceNumber(10, 241));
      host.mkdirAt(dev, "net", 0777);
    }
    assertThat(host.exists("/nonexistent")).isFalse();
    FileStat node = host.inspect("/chroot/dev/vhost-vsock").orElseThrow();
    assertThat(node.type()).isEqualTo(FileType.CHAR_DEVICE);
    assertThat(node.rdev()).isEqualTo(new DeviceNumber(10, 241));
    assertThat(node.mode()).isEqualTo(0644);
    assertThat(host.inspect("/chroot/dev/net").orElseThrow().mode()).isEqualTo(0755);
  }

  @Test
  void unlinkatNeverFollowsASymlinkAndRmdirIsPrecise() throws Exception {
    host.writeFile("/etc/shadow", "s");
    host.mkdirs("/d/sub/inner");
    host.writeFile("/d/file", "f");
    host.symlink("/d/link", "/etc/shadow");
    try (Handle d = dir("/d")) {
      host.unlinkAt(d, "link", false);
      assertThat(errno(() -> host.unlinkAt(d, "sub", false))).isEqualTo(Errno.EISDIR);
      assertThat(errno(() -> host.unlinkAt(d, "file", true))).isEqualTo(Errno.ENOTDIR);
      assertThat(errno(() -> host.unlinkAt(d, "sub", true))).isEqualTo(Errno.ENOTEMPTY);
      assertThat(errno(() -> host.unlinkAt(d, "gone", false))).isEqualTo(Errno.ENOENT);
    }
    assertThat(host.exists("/etc/shadow")).isTrue();
    assertThat(host.list("/d")).containsExactly("file", "sub");
  }

  @Test
  void renameExchangeSwapsAtomicallyAndNoreplaceIsEexist() throws Exception {
    host.mkdirs("/r/dir/child");
    host.symlink("/r/link", "/etc");
    host.writeFile("/r/a", "a");
    FileStat dirBefore = host.inspect("/r/dir").orElseThrow();
    try (Handle r = dir("/r")) {
      assertThat(errno(() -> host.renameAt(r, "a", r, "link", RenameMode.NOREPLACE))).isEqualTo(Errno.EEXIST);
      host.renameAt(r, "dir", r, "link", RenameMode.EXCHANGE);
    }
    assertThat(host.inspect("/r/link").orElseThrow().sameInode(dirBefore)).isTrue();
    assertThat(host.readlink("/r/dir")).contains("/etc");
    assertThat(host.list("/r/link")).containsExactly("child");
  }

  @Test
  void renameKeepsParentPointersAndRefusesMovingADirectoryIntoItself() throws Exception {
    host.mkdirs("/x/a/b");
    host.mkdirs("/y");
    host.writeFile("/y/marker", "m");
    try (Handle x = dir("/x"); Handle b = dir("/x/a/b"); Handle y = dir("/y")) {
      assertThat(errno(() -> host.renameAt(x, "a", b, "a", RenameMode.REPLACE))).isEqualTo(Errno.EINVAL);
      host.renameAt(x, "a", y, "a", RenameMode.REPLACE);
      assertThat(host.stat("/y/a/b/../../marker").sameInode(host.inspect("/y/marker").orElseThrow())).isTrue();
    }
    assertThat(host.inspect("/x").orElseThrow().nlink()).isEqualTo(2);
    assertThat(host.inspect("/y").orElseThrow().nlink()).isEqualTo(3);
  }

  @Test
  void aHandlePinsItsInodeAcrossRenameAndSwap() throws Exception {
    host.mkdirs("/vm/run");
    host.mkdirs("/etc");
    Handle run = dir("/vm/run");
    host.rename("/vm/run", "/vm/old");
    host.symlink("/vm/run", "/etc");
    host.mkdirAt(run, "made", 0700);
    assertThat(host.list("/vm/old")).containsExactly("made");
    assertThat(host.list("/etc")).isEmpty();
    run.close();
  }

  @Test
  void hardLinksShareBytesAndCountLinks() throws Exception {
    host.writeFile("/k/vmlinux", "kernel");
    try (Handle k = dir("/k")) {
      host.linkAt(k, "vmlinux", k, "copy");
      assertThat(errno(() -> host.linkAt(k, "vmlinux", k, "copy"))).isEqualTo(Errno.EEXIST);
      host.mkdirs("/k/sub");
      assertThat(errno(() -> host.linkAt(k, "sub", k, "sub2"))).isEqualTo(Errno.EPERM);
    }
    host.writeFile("/k/copy", "patched", 0644, 0, 0);
    assertThat(host.readString("/k/vmlinux")).isEqualTo("patched");
    assertThat(host.inspect("/k/vmlinux").orElseThrow().nlink()).isEqualTo(2);
  }

  @Test
  void linkByEmptyNameLinksTheHandlesOwnInode() throws Exception {
    host.writeFile("/k/vmlinux", "kernel");
    host.mkdirs("/chroot");
    try (Handle f = host.open("/k/vmlinux", OpenHow.pathNoFollow()); Handle c = dir("/chroot")) {
      host.rename("/k/vmlinux", "/k/moved");
      host.writeFile("/k/vmlinux", "impostor");
      host.linkAt(f, "", c, "vmlinux");
    }
    assertThat(host.readString("/chroot/vmlinux")).isEqualTo("kernel");
  }

  @Test
  void chmodFollowsLchownDoesNotFchmodOfASymlinkIsEopnotsupp() throws Exception {
    host.writeFile("/t/file", "x", 0600, 0, 0);
    host.symlink("/t/link", "file");
    host.chmod("/t/link", 0640);
    host.lchown("/t/link", 1000, 1000);
    assertThat(host.inspect("/t/file").orElseThrow().mode()).isEqualTo(0640);
    assertThat(host.inspect("/t/file").orElseThrow().uid()).isZero();
    assertThat(host.inspect("/t/link").orElseThrow().uid()).isEqualTo(1000);
    host.chown("/t/link", 7, 7);
    assertThat(host.inspect("/t/file").orElseThrow().uid()).isEqualTo(7);
    try (Handle l = host.open("/t/link", OpenHow.pathNoFollow())) {
      assertThat(errno(() -> host.fchmod(l, 0600))).isEqualTo(Errno.EOPNOTSUPP);
    }
    assertThat(host.inspect("/t/file").orElseThrow().mode()).isEqualTo(0640);
  }

  @Test
  void chownClearsSetuid() throws Exception {
    host.writeFile("/bin/tool", "x", 04755, 0, 0);
    host.chown("/bin/tool", 1000, 1000);
    assertThat(host.inspect("/bin/tool").orElseThrow().mode()).isEqualTo(0755);
  }

  @Test
  void copyNeedsReadAndWriteHandlesAndCopiesBytes() throws Exception {
    host.writeFile("/src/firecracker", "ELF binary");
    host.mkdirs("/dst");
    try (Handle in = host.open("/src/firecracker", OpenHow.readNoFollow());
        Handle path = host.open("/src/firecracker", OpenHow.pathNoFollow());
        Handle d = dir("/dst");
        Handle out = host.openAt(d, "firecracker", OpenHow.createExclusive(0755))) {
      assertThat(errno(() -> host.copy(path, out))).isEqualTo(Errno.EBADF);
      assertThat(errno(() -> host.copy(in, path))).isEqualTo(Errno.EBADF);
      assertThat(host.copy(in, out)).isEqualTo(10);
    }
    assertThat(host.readString("/dst/firecracker")).isEqualTo("ELF binary");
  }

  @Test
  void unlinkedFileStaysReadableThroughAnOpenHandle() throws Exception {
    host.writeFile("/f", "keep");
    host.mkdirs("/out");
    try (Handle in = host.open("/f", OpenHow.readNoFollow())) {
      host.remove("/f");
      try (Handle d = dir("/out");
          Handle out = host.openAt(d, "copy", new OpenHow(EnumSet.of(OpenFlag.WRITE, OpenFlag.CREATE), 0644,
              EnumSet.noneOf(Resolve.class)))) {
        host.copy(in, out);
      }
      assertThat(host.fstat(in).nlink()).isZero();
    }
    assertThat(host.readString("/out/copy")).isEqualTo("keep");
  }
}
