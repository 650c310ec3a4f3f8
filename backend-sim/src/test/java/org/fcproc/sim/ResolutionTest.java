package org.fcproc.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.OpenFlag;
import org.fcproc.host.OpenHow;
import org.fcproc.host.Resolve;
import org.junit.jupiter.api.Test;

/** Path resolution: docs/DESIGN.md#linux-facts's open and openat2 facts. */
class ResolutionTest {
  private final SimHost host = SimHost.create();

  private static OpenHow how(Set<OpenFlag> flags) {
    return new OpenHow(flags, 0, EnumSet.noneOf(Resolve.class));
  }

  private static Errno errno(ThrowingCall c) {
    try {
      c.run();
    } catch (HostException e) {
      return e.errno();
    }
    throw new AssertionError("no error");
  }

  interface ThrowingCall {
    void run() throws HostException;
  }

  @Test
  void pathNoFollowOpensTheSymlinkItself() throws Exception {
    host.writeFile("/etc/shadow", "secret", 0600, 0, 0);
    host.symlink("/run/sock", "/etc/shadow");
    try (Handle h = host.open("/run/sock", OpenHow.pathNoFollow())) {
      FileStat st = host.fstat(h);
      assertThat(st.type()).isEqualTo(FileType.SYMLINK);
      assertThat(st.sameInode(host.inspect("/run/sock").orElseThrow())).isTrue();
      host.fchown(h, 1000, 1000);
    }
    assertThat(host.inspect("/run/sock").orElseThrow().uid()).isEqualTo(1000);
    assertThat(host.inspect("/etc/shadow").orElseThrow().uid()).isZero();
  }

  @Test
  void readNoFollowOnSymlinkIsEloopAndNoFollowGuardsOnlyTheLastComponent() throws Exception {
    host.writeFile("/data/real/file", "x");
    host.symlink("/data/link", "/data/real");
    host.symlink("/data/file-link", "/data/real/file");
    assertThat(errno(() -> host.open("/data/file-link", OpenHow.readNoFollow()))).isEqualTo(Errno.ELOOP);
    try (Handle h = host.open("/data/link/file", OpenHow.readNoFollow())) {
      assertThat(host.fstat(h).type()).isEqualTo(FileType.REGULAR);
    }
  }

  @Test
  void directoryFlagOnAFileIsEnotdirAndMissingIsEnoent() {
    host.writeFile("/f", "x");
    assertThat(errno(() -> host.open("/f", OpenHow.directoryNoFollow()))).isEqualTo(Errno.ENOTDIR);
    assertThat(errno(() -> host.open("/f/x", OpenHow.pathNoFollow()))).isEqualTo(Errno.ENOTDIR);
    assertThat(errno(() -> host.open("/nope", OpenHow.pathNoFollow()))).isEqualTo(Errno.ENOENT);
    assertThat(host.exists("/nope")).isFalse();
  }

  @Test
  void symlinkLoopGivesEloopAfterForty() {
    host.mkdirs("/l");
    host.symlink("/l/a", "b");
    host.symlink("/l/b", "a");
    assertThat(errno(() -> host.stat("/l/a"))).isEqualTo(Errno.ELOOP);
    // a chain of 40 links resolves, 41 does not
    host.writeFile("/c/target", "t");
    for (int i = 0; i < 41; i++) {
      host.symlink("/c/s" + i, i == 0 ? "target" : "s" + (i - 1));
    }
    assertThat(errno(() -> host.stat("/c/s40"))).isEqualTo(Errno.ELOOP);
    assertThat(catchStat("/c/s39").type()).isEqualTo(FileType.REGULAR);
  }

  private FileStat catchStat(String p) {
    try {
      return host.stat(p);
    } catch (HostException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void createExclusiveRefusesADanglingSymlinkAndCreateAppliesTheUmask() throws Exception {
    host.mkdirs("/d");
    host.symlink("/d/planted", "/etc/new-file");
    assertThat(errno(() -> host.open("/d/planted", OpenHow.createExclusive(0644)))).isEqualTo(Errno.EEXIST);
    assertThat(host.exists("/etc/new-file")).isFalse();
    host.open("/d/fresh", OpenHow.createExclusive(0666)).close();
    assertThat(host.inspect("/d/fresh").orElseThrow().mode()).isEqualTo(0644);
  }

  @Test
  void beneathRefusesEveryEscape() throws Exception {
    host.mkdirs("/jail/root/sub");
    host.writeFile("/etc/passwd", "root");
    host.symlink("/jail/root/abs", "/etc/passwd");
    host.symlink("/jail/root/up", "../../../etc/passwd");
    host.symlink("/jail/root/inside", "sub");
    try (Handle root = host.open("/jail/root", OpenHow.directoryNoFollow())) {
      OpenHow beneath = OpenHow.pathNoFollow().resolving(Resolve.BENEATH);
      assertThat(errno(() -> host.openAt(root, "..", beneath))).isEqualTo(Errno.EXDEV);
      assertThat(errno(() -> host.openAt(root, "sub/../..", beneath))).isEqualTo(Errno.EXDEV);
      assertThat(errno(() -> host.openAt(root, "/etc/passwd", beneath))).isEqualTo(Errno.EXDEV);
      OpenHow follow = how(EnumSet.of(OpenFlag.PATH)).resolving(Resolve.BENEATH);
      assertThat(errno(() -> host.openAt(root, "abs", follow))).isEqualTo(Errno.EXDEV);
      assertThat(errno(() -> host.openAt(root, "up", follow))).isEqualTo(Errno.EXDEV);
      try (Handle h = host.openAt(root, "inside/../sub", follow)) {
        assertThat(host.fstat(h).sameInode(host.inspect("/jail/root/sub").orElseThrow())).isTrue();
      }
    }
  }

  @Test
  void inRootTreatsTheHandleAsSlash() throws Exception {
    host.mkdirs("/jail/root/etc");
    host.writeFile("/jail/root/etc/passwd", "jailed");
    host.writeFile("/etc/passwd", "host");
    host.symlink("/jail/root/abs", "/etc/passwd");
    try (Handle root = host.open("/jail/root", OpenHow.directoryNoFollow())) {
      OpenHow inRoot = new OpenHow(EnumSet.of(OpenFlag.READ), 0, EnumSet.of(Resolve.IN_ROOT));
      try (Handle h = host.openAt(root, "abs", inRoot)) {
        assertThat(host.fstat(h).sameInode(host.inspect("/jail/root/etc/passwd").orElseThrow())).isTrue();
      }
      try (Handle h = host.openAt(root, "../../../etc/passwd", inRoot)) {
        assertThat(host.fstat(h).sameInode(host.inspect("/jail/root/etc/passwd").orElseThrow())).isTrue();
      }
    }
  }

  @Test
  void noSymlinksRefusesEveryFollowedLink() throws Exception {
    host.mkdirs("/a/real");
    host.symlink("/a/link", "real");
    try (Handle a = host.open("/a", OpenHow.directoryNoFollow())) {
      OpenHow noLinks = how(EnumSet.of(OpenFlag.PATH)).resolving(Resolve.NO_SYMLINKS);
      assertThat(errno(() -> host.openAt(a, "link", noLinks))).isEqualTo(Errno.ELOOP);
      OpenHow readNoFollow = OpenHow.readNoFollow().resolving(Resolve.NO_SYMLINKS);
      assertThat(errno(() -> host.openAt(a, "link", readNoFollow))).isEqualTo(Errno.ELOOP);
      host.mkdirs("/a/real/x");
      assertThat(errno(() -> host.openAt(a, "link/x", OpenHow.pathNoFollow().resolving(Resolve.NO_SYMLINKS))))
          .isEqualTo(Errno.ELOOP);
      // openat2(2): a trailing symlink with O_PATH|O_NOFOLLOW is returned, not followed
      try (Handle h = host.openAt(a, "link", OpenHow.pathNoFollow().resolving(Resolve.NO_SYMLINKS))) {
        assertThat(host.fstat(h).type()).isEqualTo(FileType.SYMLINK);
      }
    }
  }

  @Test
  void noXdevRefusesCrossingAMountEitherWay() throws Exception {
    host.mkdirs("/srv/mnt");
    host.mountTmpfs("/srv/mnt");
    host.mkdirs("/srv/mnt/inner");
    try (Handle srv = host.open("/srv", OpenHow.directoryNoFollow());
        Handle inner = host.open("/srv/mnt/inner", OpenHow.directoryNoFollow())) {
      OpenHow noXdev = OpenHow.pathNoFollow().resolving(Resolve.NO_XDEV);
      assertThat(errno(() -> host.openAt(srv, "mnt", noXdev))).isEqualTo(Errno.EXDEV);
      assertThat(errno(() -> host.openAt(inner, "../..", noXdev))).isEqualTo(Errno.EXDEV);
      host.openAt(inner, "..", noXdev).close();
    }
  }

  @Test
  void dotDotAtAMountRootClimbsToTheParentMount() throws Exception {
    host.mkdirs("/srv/mnt");
    host.writeFile("/srv/marker", "m");
    host.mountTmpfs("/srv/mnt");
    FileStat st = host.stat("/srv/mnt/../marker");
    assertThat(st.sameInode(host.inspect("/srv/marker").orElseThrow())).isTrue();
    assertThat(host.stat("/..").sameInode(host.stat("/"))).isTrue();
  }

  @Test
  void socketsOpenOnlyWithPathAndFifosDoNotBlock() throws Exception {
    host.socket("/run/s.sock", 0, 0, 0600);
    host.mknod("/run/fifo", FileType.FIFO, 0600, org.fcproc.host.DeviceNumber.NONE, 0, 0);
    assertThat(errno(() -> host.open("/run/s.sock", OpenHow.readNoFollow()))).isEqualTo(Errno.ENXIO);
    host.open("/run/s.sock", OpenHow.pathNoFollow()).close();
    try (Handle f = host.open("/run/fifo", OpenHow.readNoFollow())) {
      assertThat(host.fstat(f).type()).isEqualTo(FileType.FIFO);
    }
  }

  @Test
  void relativePathsAreRefused() {
    assertThat(errno(() -> host.lstat("etc"))).isEqualTo(Errno.EINVAL);
    assertThatThrownBy(() -> host.lstat("")).isInstanceOf(HostException.class);
  }
}
