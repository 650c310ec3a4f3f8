package org.fcproc.host.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.DirEntry;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.MountFlag;
import org.fcproc.host.OpenFlag;
import org.fcproc.host.OpenHow;
import org.fcproc.host.Propagation;
import org.fcproc.host.RenameMode;
import org.fcproc.host.Resolve;
import org.fcproc.host.UmountFlag;
import org.fcproc.host.UnixConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The {@link HostOps} contract: the Linux facts of docs/DESIGN.md#linux-facts (and a few more the kernel showed),
 * asserted through the SPI only, so that every backend is held to the same kernel semantics.
 *
 * <p>A backend's test extends this class and returns a {@link ContractHost}. Each test works in
 * its own subdirectory of the scratch directory, named after the test method; {@link #dir} is a
 * handle on it and {@link #p(String)} makes paths in it. Permission facts for non-root callers
 * are in {@link PermissionContract}.
 *
 * <p>After the run the suite prints one line: how many contract tests ran on which host.
 */
public abstract class HostOpsContract extends ContractSuite {
  protected HostOpsContract() {
    super("HostOps contract", "contract tests");
  }

  private Handle scratch;
  /** This test's own directory. */
  protected Handle dir;
  /** Its absolute path. */
  protected String dirPath;

  private final List<Handle> opened = new ArrayList<>();

  private static final Set<MountFlag> NO_MOUNT_FLAGS = EnumSet.noneOf(MountFlag.class);
  private static final Set<UmountFlag> NO_UMOUNT_FLAGS = EnumSet.noneOf(UmountFlag.class);
  private static final Set<UmountFlag> DETACH = EnumSet.of(UmountFlag.DETACH);

  @BeforeAll
  void openScratch() throws Exception {
    scratch = host.open(contract.scratch(), OpenHow.directoryNoFollow());
  }

  @AfterAll
  void closeScratch() {
    if (scratch != null) {
      scratch.close();
    }
  }

  @BeforeEach
  void makeTestDirectory(TestInfo info) throws Exception {
    String name = info.getTestMethod().orElseThrow().getName();
    host.mkdirAt(scratch, name, 0755);
    dirPath = contract.scratch() + "/" + name;
    dir = track(host.openAt(scratch, name, OpenHow.directoryNoFollow()));
  }

  @AfterEach
  void closeHandles() {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    opened.clear();
  }

  // ================================================================ open and symlinks

  @Test
  @DisplayName("open(O_PATH|O_NOFOLLOW) of a symlink succeeds and the handle is the link itself")
  void pathNoFollowOpensTheSymlinkItself() throws Exception {
    symlink("nowhere", "l");
    Handle h = track(host.open(p("l"), OpenHow.pathNoFollow()));
    FileStat st = host.fstat(h);
    assertThat(st.type()).isEqualTo(FileType.SYMLINK);
    assertThat(st.sameInode(host.lstat(p("l")))).isTrue();
  }

  @Test
  @DisplayName("open(O_RDONLY|O_NOFOLLOW) of a symlink gives ELOOP")
  void readNoFollowOnSymlinkIsEloop() throws Exception {
    touch("f");
    symlink("f", "l");
    assertErrno(Errno.ELOOP, () -> host.open(p("l"), OpenHow.readNoFollow()));
    assertErrno(Errno.ELOOP, () -> host.openAt(dir, "l", OpenHow.readNoFollow()));
  }

  @Test
  @DisplayName("O_NOFOLLOW guards only the last component")
  void noFollowGuardsOnlyTheLastComponent() throws Exception {
    mkdirs("real");
    touch("real/f");
    symlink("real", "ld");
    Handle h = track(host.open(p("ld/f"), OpenHow.readNoFollow()));
    assertThat(host.fstat(h).sameInode(host.lstat(p("real/f")))).isTrue();
  }

  @Test
  @DisplayName("O_DIRECTORY on a file gives ENOTDIR; a missing name ENOENT")
  void openDirectoryOnFileAndMissing() throws Exception {
    touch("f");
    assertErrno(Errno.ENOTDIR, () -> host.open(p("f"), OpenHow.directoryNoFollow()));
    assertErrno(Errno.ENOENT, () -> host.open(p("missing"), OpenHow.pathNoFollow()));
    assertErrno(Errno.ENOENT, () -> host.openAt(dir, "missing", OpenHow.pathNoFollow()));
  }

  @Test
  @DisplayName("O_CREAT|O_EXCL gives EEXIST on an existing name and on a dangling symlink, creating nothing")
  void createExclusiveNeverUsesAnExistingName() throws Exception {
    touch("f");
    symlink("planted", "dangling");
    assertErrno(Errno.EEXIST, () -> host.open(p("f"), OpenHow.createExclusive(0600)));
    assertErrno(Errno.EEXIST, () -> host.openAt(dir, "dangling", OpenHow.createExclusive(0600)));
    assertErrno(Errno.ENOENT, () -> host.lstat(p("planted")));
  }

  @Test
  @DisplayName("O_CREAT applies the umask to the new file's mode")
  void createAppliesUmask() throws Exception {
    host.openAt(dir, "f", OpenHow.createExclusive(0666)).close();
    FileStat st = host.statAt(dir, "f");
    assertThat(st.type()).isEqualTo(FileType.REGULAR);
    assertThat(st.mode()).isEqualTo(0666 & ~contract.umask());
  }

  @Test
  @DisplayName("opening \".\" of a handle reopens the same directory")
  void openDotReopens() throws Exception {
    Handle again = track(host.openAt(dir, ".", OpenHow.directoryNoFollow()));
    assertThat(host.fstat(again).sameInode(host.fstat(dir))).isTrue();
  }

  // ================================================================ openat2 resolve

  @Test
  @DisplayName("RESOLVE_BENEATH: EXDEV for a .. escape; .. that stays inside is fine")
  void beneathRefusesDotDotEscape() throws Exception {
    mkdirs("sub");
    touch("f");
    Handle sub = openDir("sub");
    OpenHow beneath = OpenHow.pathNoFollow().resolving(Resolve.BENEATH);
    assertErrno(Errno.EXDEV, () -> host.openAt(sub, "../f", beneath));
    assertErrno(Errno.EXDEV, () -> host.openAt(sub, "..", beneath));
    Handle ok = track(host.openAt(dir, "sub/../f", beneath));
    assertThat(host.fstat(ok).sameInode(host.lstat(p("f")))).isTrue();
  }

  @Test
  @DisplayName("RESOLVE_BENEATH: EXDEV for an absolute symlink (even one pointing inside) and an absolute path")
  void beneathRefusesAbsoluteSymlink() throws Exception {
    touch("f");
    symlink(p("f"), "abs");
    symlink("f", "rel");
    OpenHow beneath = new OpenHow(EnumSet.of(OpenFlag.READ), 0, EnumSet.of(Resolve.BENEATH));
    assertErrno(Errno.EXDEV, () -> host.openAt(dir, "abs", beneath));
    assertErrno(Errno.EXDEV, () -> host.openAt(dir, p("f"), beneath));
    Handle h = track(host.openAt(dir, "rel", beneath));
    assertThat(host.fstat(h).sameInode(host.lstat(p("f")))).isTrue();
  }

  @Test
  @DisplayName("RESOLVE_NO_SYMLINKS: ELOOP for a symlink anywhere in the path")
  void noSymlinksRefusesAnySymlink() throws Exception {
    mkdirs("real");
    touch("real/f");
    symlink("real", "ld");
    symlink("real/f", "lf");
    assertErrno(Errno.ELOOP, () -> host.openAt(dir, "ld/f", OpenHow.pathNoFollow().resolving(Resolve.NO_SYMLINKS)));
    OpenHow read = new OpenHow(EnumSet.of(OpenFlag.READ), 0, EnumSet.of(Resolve.NO_SYMLINKS));
    assertErrno(Errno.ELOOP, () -> host.openAt(dir, "lf", read));
    Handle ok = track(host.openAt(dir, "real/f", read));
    assertThat(host.fstat(ok).type()).isEqualTo(FileType.REGULAR);
  }

  @Test
  @DisplayName("RESOLVE_NO_SYMLINKS with O_PATH|O_NOFOLLOW opens a final symlink itself (openat2(2))")
  void noSymlinksWithPathNoFollowOpensFinalSymlink() throws Exception {
    touch("f");
    symlink("f", "lf");
    Handle h = track(host.openAt(dir, "lf", OpenHow.pathNoFollow().resolving(Resolve.NO_SYMLINKS)));
    assertThat(host.fstat(h).type()).isEqualTo(FileType.SYMLINK);
  }

  @Test
  @DisplayName("RESOLVE_IN_ROOT treats the handle as /: absolute symlinks, absolute paths and .. stay inside")
  void inRootTreatsHandleAsRoot() throws Exception {
    mkdirs("root/etc");
    touch("root/etc/f");
    symlink("/etc/f", "root/abs");
    symlink("../../../../../etc", "root/up");
    Handle root = openDir("root");
    FileStat inside = host.lstat(p("root/etc/f"));
    OpenHow inRoot = new OpenHow(EnumSet.of(OpenFlag.READ), 0, EnumSet.of(Resolve.IN_ROOT));
    for (String path : List.of("abs", "/etc/f", "../../../etc/f", "up/f", "etc/../../etc/f")) {
      Handle h = track(host.openAt(root, path, inRoot));
      assertThat(host.fstat(h).sameInode(inside)).as(path).isTrue();
    }
  }

  @Test
  @DisplayName("RESOLVE_NO_XDEV: EXDEV when the walk crosses a mount, either way")
  void noXdevRefusesCrossingMounts() throws Exception {
    mkdirs("m");
    mkdirs("plain");
    contract.mountTmpfs(p("m"), NO_MOUNT_FLAGS);
    touch("m/f");
    OpenHow noXdev = OpenHow.pathNoFollow().resolving(Resolve.NO_XDEV);
    assertErrno(Errno.EXDEV, () -> host.openAt(dir, "m/f", noXdev));
    assertErrno(Errno.EXDEV, () -> host.openAt(dir, "m", noXdev));
    Handle m = openDir("m");
    assertErrno(Errno.EXDEV, () -> host.openAt(m, "../plain", noXdev));
    track(host.openAt(dir, "plain", noXdev));
    track(host.openAt(m, "f", noXdev));
  }

  // ================================================================ looking

  @Test
  @DisplayName("lstat sees the link, stat follows it; a symlink's size is its text's length")
  void lstatAndStat() throws Exception {
    touch("f");
    symlink("f", "l");
    FileStat l = host.lstat(p("l"));
    assertThat(l.type()).isEqualTo(FileType.SYMLINK);
    assertThat(l.size()).isEqualTo(1);
    assertThat(host.stat(p("l")).type()).isEqualTo(FileType.REGULAR);
    assertThat(host.stat(p("l")).sameInode(host.lstat(p("f")))).isTrue();
    assertThat(host.statAt(dir, "l").type()).isEqualTo(FileType.SYMLINK);
  }

  @Test
  @DisplayName("readlinkat returns the text; EINVAL when the name is not a symlink")
  void readlinkAt() throws Exception {
    touch("f");
    symlink("some/where else", "l");
    assertThat(host.readlinkAt(dir, "l")).isEqualTo("some/where else");
    assertErrno(Errno.EINVAL, () -> host.readlinkAt(dir, "f"));
    assertErrno(Errno.ENOENT, () -> host.readlinkAt(dir, "missing"));
  }

  @Test
  @DisplayName("readDir lists names and types in name order, without . and ..")
  void readDirListsEntries() throws Exception {
    mkdirs("b");
    touch("a");
    symlink("a", "c");
    host.mknodAt(dir, "d", FileType.FIFO, 0600, DeviceNumber.NONE);
    host.mknodAt(dir, "e", FileType.SOCKET, 0600, DeviceNumber.NONE);
    Handle h = track(host.open(dirPath, OpenHow.directoryNoFollow()));
    List<DirEntry> entries = host.readDir(h);
    assertThat(entries).extracting(DirEntry::name).containsExactly("a", "b", "c", "d", "e");
    assertThat(entries).extracting(DirEntry::type).containsExactly(
        FileType.REGULAR, FileType.DIRECTORY, FileType.SYMLINK, FileType.FIFO, FileType.SOCKET);
    assertThat(entries.get(0).ino()).isEqualTo(host.statAt(dir, "a").ino());
  }

  // ================================================================ links

  @Test
  @DisplayName("linkat with an empty name links exactly the inode the handle pins")
  void linkAtEmptyNameLinksPinnedInode() throws Exception {
    touch("f");
    Handle f = track(host.open(p("f"), OpenHow.pathNoFollow()));
    host.linkAt(f, "", dir, "g");
    FileStat g = host.statAt(dir, "g");
    assertThat(g.sameInode(host.fstat(f))).isTrue();
    assertThat(g.nlink()).isEqualTo(2);
  }

  @Test
  @DisplayName("linkat does not follow a symlink at the source; EEXIST when the new name exists")
  void linkAtDoesNotFollowSymlink() throws Exception {
    touch("f");
    symlink("f", "l");
    host.linkAt(dir, "l", dir, "l2");
    FileStat l2 = host.lstat(p("l2"));
    assertThat(l2.type()).isEqualTo(FileType.SYMLINK);
    assertThat(l2.sameInode(host.lstat(p("l")))).isTrue();
    assertThat(host.lstat(p("f")).nlink()).isEqualTo(1);
    assertErrno(Errno.EEXIST, () -> host.linkAt(dir, "f", dir, "l"));
  }

  @Test
  @DisplayName("link(2) across a bind-mount edge gives EXDEV, though it is one filesystem")
  void linkAcrossBindMountIsExdev() throws Exception {
    mkdirs("a");
    mkdirs("b");
    touch("a/f");
    Handle a = openDir("a");
    host.bindMount(a, openDir("b"), false);
    Handle b = openDir("b");
    assertThat(host.fstat(b).dev()).isEqualTo(host.fstat(a).dev());
    assertErrno(Errno.EXDEV, () -> host.linkAt(a, "f", b, "g"));
    assertErrno(Errno.EXDEV, () -> host.linkAt(b, "f", a, "g"));
    Handle f = track(host.openAt(a, "f", OpenHow.pathNoFollow()));
    assertErrno(Errno.EXDEV, () -> host.linkAt(f, "", b, "g"));
    host.linkAt(a, "f", a, "g"); // within one mount: fine
  }

  // ================================================================ unlink, rename

  @Test
  @DisplayName("unlinkat never follows a symlink; AT_REMOVEDIR on a symlink to a directory gives ENOTDIR")
  void unlinkAtNeverFollows() throws Exception {
    touch("f");
    symlink("f", "l");
    mkdirs("d");
    symlink("d", "ld");
    host.unlinkAt(dir, "l", false);
    assertErrno(Errno.ENOENT, () -> host.lstat(p("l")));
    assertThat(host.lstat(p("f")).type()).isEqualTo(FileType.REGULAR);
    assertErrno(Errno.ENOTDIR, () -> host.unlinkAt(dir, "ld", true));
    host.unlinkAt(dir, "ld", false);
    assertThat(host.lstat(p("d")).type()).isEqualTo(FileType.DIRECTORY);
    assertErrno(Errno.EISDIR, () -> host.unlinkAt(dir, "d", false));
  }

  @Test
  @DisplayName("rmdir of a mount point gives EBUSY; of a non-empty directory ENOTEMPTY")
  void rmdirOfMountPointIsEbusy() throws Exception {
    mkdirs("m");
    mkdirs("full/x");
    contract.mountTmpfs(p("m"), NO_MOUNT_FLAGS);
    assertErrno(Errno.EBUSY, () -> host.unlinkAt(dir, "m", true));
    assertErrno(Errno.ENOTEMPTY, () -> host.unlinkAt(dir, "full", true));
  }

  @Test
  @DisplayName("renameat2(RENAME_EXCHANGE) swaps two names atomically")
  void renameExchangeSwaps() throws Exception {
    touch("a");
    mkdirs("b");
    FileStat a = host.lstat(p("a"));
    FileStat b = host.lstat(p("b"));
    host.renameAt(dir, "a", dir, "b", RenameMode.EXCHANGE);
    assertThat(host.lstat(p("a")).sameInode(b)).isTrue();
    assertThat(host.lstat(p("b")).sameInode(a)).isTrue();
    assertErrno(Errno.ENOENT, () -> host.renameAt(dir, "a", dir, "missing", RenameMode.EXCHANGE));
  }

  @Test
  @DisplayName("renameat2(RENAME_NOREPLACE) gives EEXIST when the target exists, even as a dangling symlink")
  void renameNoReplace() throws Exception {
    touch("a");
    touch("b");
    symlink("nowhere", "dangling");
    assertErrno(Errno.EEXIST, () -> host.renameAt(dir, "a", dir, "b", RenameMode.NOREPLACE));
    assertErrno(Errno.EEXIST, () -> host.renameAt(dir, "a", dir, "dangling", RenameMode.NOREPLACE));
    FileStat a = host.lstat(p("a"));
    host.renameAt(dir, "a", dir, "c", RenameMode.NOREPLACE);
    assertThat(host.lstat(p("c")).sameInode(a)).isTrue();
  }

  @Test
  @DisplayName("plain rename replaces the target")
  void renameReplaces() throws Exception {
    touch("a");
    touch("b");
    FileStat a = host.lstat(p("a"));
    host.renameAt(dir, "a", dir, "b", RenameMode.REPLACE);
    assertThat(host.lstat(p("b")).sameInode(a)).isTrue();
    assertErrno(Errno.ENOENT, () -> host.lstat(p("a")));
  }

  // ================================================================ mknod, mkdir, umask

  @Test
  @DisplayName("mknod and mkdir give EEXIST when the name exists, also as a dangling symlink, and create nothing")
  void mknodOnDanglingSymlinkIsEexist() throws Exception {
    symlink("planted", "dangling");
    touch("f");
    assertErrno(Errno.EEXIST, () -> host.mknodAt(dir, "dangling", FileType.CHAR_DEVICE, 0600, new DeviceNumber(1, 3)));
    assertErrno(Errno.EEXIST, () -> host.mknodAt(dir, "f", FileType.FIFO, 0600, DeviceNumber.NONE));
    assertErrno(Errno.EEXIST, () -> host.mkdirAt(dir, "dangling", 0700));
    assertErrno(Errno.ENOENT, () -> host.lstat(p("planted")));
  }

  @Test
  @DisplayName("mknod(S_IFSOCK) makes a socket inode; S_IFIFO a FIFO")
  void mknodSocketAndFifo() throws Exception {
    host.mknodAt(dir, "s", FileType.SOCKET, 0600, DeviceNumber.NONE);
    host.mknodAt(dir, "p", FileType.FIFO, 0600, DeviceNumber.NONE);
    assertThat(host.statAt(dir, "s").type()).isEqualTo(FileType.SOCKET);
    assertThat(host.statAt(dir, "p").type()).isEqualTo(FileType.FIFO);
    Handle s = track(host.openAt(dir, "s", OpenHow.pathNoFollow()));
    assertThat(host.fstat(s).type()).isEqualTo(FileType.SOCKET);
  }

  @Test
  @DisplayName("device nodes carry major:minor")
  void deviceNodesCarryMajorMinor() throws Exception {
    host.mknodAt(dir, "null", FileType.CHAR_DEVICE, 0666, new DeviceNumber(1, 3));
    host.mknodAt(dir, "big", FileType.BLOCK_DEVICE, 0600, new DeviceNumber(259, 0x12345));
    FileStat c = host.statAt(dir, "null");
    FileStat b = host.statAt(dir, "big");
    assertThat(c.type()).isEqualTo(FileType.CHAR_DEVICE);
    assertThat(c.rdev()).isEqualTo(new DeviceNumber(1, 3));
    assertThat(b.type()).isEqualTo(FileType.BLOCK_DEVICE);
    assertThat(b.rdev()).isEqualTo(new DeviceNumber(259, 0x12345));
    touch("plain");
    assertThat(host.statAt(dir, "plain").rdev()).isEqualTo(DeviceNumber.NONE);
  }

  @Test
  @DisplayName("the umask applies to mkdir and mknod modes")
  void umaskAppliesToMkdirAndMknod() throws Exception {
    int umask = contract.umask();
    host.mkdirAt(dir, "d", 0777);
    host.mknodAt(dir, "p", FileType.FIFO, 0666, DeviceNumber.NONE);
    Handle d = track(host.openAt(dir, "d", OpenHow.directoryNoFollow()));
    assertThat(host.fstat(d).mode()).isEqualTo(0777 & ~umask);
    assertThat(host.statAt(dir, "p").mode()).isEqualTo(0666 & ~umask);
  }

  // ================================================================ owners and modes

  @Test
  @DisplayName("chmod follows symlinks: the target changes, the link does not")
  void chmodFollowsSymlinks() throws Exception {
    touch("f");
    symlink("f", "l");
    int linkMode = host.lstat(p("l")).mode();
    host.chmod(p("l"), 0640);
    assertThat(host.lstat(p("f")).mode()).isEqualTo(0640);
    assertThat(host.lstat(p("l")).mode()).isEqualTo(linkMode);
  }

  @Test
  @DisplayName("lchown changes the link itself; chown follows it")
  void lchownChangesTheLink() throws Exception {
    touch("f");
    symlink("f", "l");
    host.lchown(p("l"), 1234, 5678);
    FileStat l = host.lstat(p("l"));
    assertThat(l.uid()).isEqualTo(1234);
    assertThat(l.gid()).isEqualTo(5678);
    assertThat(host.lstat(p("f")).uid()).isEqualTo(0);
    host.chown(p("l"), 4321, 8765);
    assertThat(host.lstat(p("f")).uid()).isEqualTo(4321);
    assertThat(host.lstat(p("f")).gid()).isEqualTo(8765);
    assertThat(host.lstat(p("l")).uid()).isEqualTo(1234);
  }

  @Test
  @DisplayName("fchownat(AT_EMPTY_PATH) through a symlink handle changes the link, not its target")
  void fchownThroughSymlinkHandleChangesTheLink() throws Exception {
    touch("f");
    symlink("f", "l");
    Handle l = track(host.open(p("l"), OpenHow.pathNoFollow()));
    host.fchown(l, 1000, 1001);
    assertThat(host.lstat(p("l")).uid()).isEqualTo(1000);
    assertThat(host.lstat(p("l")).gid()).isEqualTo(1001);
    assertThat(host.lstat(p("f")).uid()).isEqualTo(0);
  }

  @Test
  @DisplayName("fchmod of a symlink handle gives EOPNOTSUPP (Linux has no lchmod); of a file handle it works")
  void fchmodOfSymlinkHandleIsEopnotsupp() throws Exception {
    touch("f");
    host.chmod(p("f"), 0644);
    symlink("f", "l");
    Handle l = track(host.open(p("l"), OpenHow.pathNoFollow()));
    assertErrno(Errno.EOPNOTSUPP, () -> host.fchmod(l, 0600));
    assertThat(host.lstat(p("f")).mode()).isEqualTo(0644);
    Handle f = track(host.open(p("f"), OpenHow.pathNoFollow()));
    host.fchmod(f, 0600);
    assertThat(host.lstat(p("f")).mode()).isEqualTo(0600);
  }

  @Test
  @DisplayName("fchown and fchmod through an O_PATH handle on a socket inode change that inode")
  void socketInodeOwnerAndModeByHandle() throws Exception {
    host.mknodAt(dir, "s", FileType.SOCKET, 0666, DeviceNumber.NONE);
    Handle s = track(host.openAt(dir, "s", OpenHow.pathNoFollow()));
    host.fchown(s, 1000, 1000);
    host.fchmod(s, 0600);
    FileStat st = host.statAt(dir, "s");
    assertThat(st.type()).isEqualTo(FileType.SOCKET);
    assertThat(st.uid()).isEqualTo(1000);
    assertThat(st.mode()).isEqualTo(0600);
  }

  @Test
  @DisplayName("a handle's fchmod/fchown reach the pinned inode after its name was swapped")
  void ownerChangesByHandleFollowTheInodeNotTheName() throws Exception {
    touch("f");
    touch("other");
    Handle f = track(host.open(p("f"), OpenHow.pathNoFollow()));
    FileStat pinned = host.fstat(f);
    host.renameAt(dir, "f", dir, "other", RenameMode.EXCHANGE);
    host.fchown(f, 2000, 2000);
    host.fchmod(f, 0604);
    assertThat(host.lstat(p("other")).sameInode(pinned)).isTrue();
    assertThat(host.lstat(p("other")).uid()).isEqualTo(2000);
    assertThat(host.lstat(p("other")).mode()).isEqualTo(0604);
    assertThat(host.lstat(p("f")).uid()).isEqualTo(0);
  }

  // ================================================================ copy

  @Test
  @DisplayName("copy moves every byte from one handle to another")
  void copyCopiesBytes() throws Exception {
    byte[] content = "firecracker binary, or something like it\n".repeat(3000).getBytes(StandardCharsets.UTF_8);
    contract.writeFile(p("src"), content);
    Handle from = track(host.open(p("src"), OpenHow.readNoFollow()));
    Handle to = track(host.openAt(dir, "dst", OpenHow.createExclusive(0700)));
    assertThat(host.copy(from, to)).isEqualTo(content.length);
    assertThat(contract.readFile(p("dst"))).isEqualTo(content);
    assertThat(host.statAt(dir, "dst").size()).isEqualTo(content.length);
  }

  // ================================================================ mounts

  @Test
  @DisplayName("a bind mount shows the same inodes: what is deleted through one is gone from the other")
  void bindMountSharesInodes() throws Exception {
    mkdirs("a");
    mkdirs("b");
    touch("a/f");
    Handle a = openDir("a");
    host.bindMount(a, openDir("b"), false);
    Handle b = openDir("b");
    assertThat(host.statAt(b, "f").sameInode(host.statAt(a, "f"))).isTrue();
    assertThat(host.fstat(b).mountId()).isNotEqualTo(host.fstat(a).mountId());
    host.mkdirAt(b, "made-in-b", 0755);
    assertThat(host.statAt(a, "made-in-b").type()).isEqualTo(FileType.DIRECTORY);
    host.unlinkAt(b, "f", false);
    assertErrno(Errno.ENOENT, () -> host.statAt(a, "f"));
  }

  @Test
  @DisplayName("remount bind,ro: writes through the bind get EROFS, the source stays writable")
  void remountBindReadOnly() throws Exception {
    mkdirs("a");
    mkdirs("b");
    Handle a = openDir("a");
    host.bindMount(a, openDir("b"), false);
    Handle b = openDir("b");
    host.remount(b, EnumSet.of(MountFlag.READ_ONLY));
    assertErrno(Errno.EROFS, () -> host.mkdirAt(b, "x", 0755));
    assertErrno(Errno.EROFS, () -> host.openAt(b, "f", OpenHow.createExclusive(0600)));
    host.mkdirAt(a, "x", 0755);
    assertThat(host.statAt(b, "x").type()).isEqualTo(FileType.DIRECTORY);
    assertThat(MountTable.at(host.mountInfo(), p("b")).orElseThrow().mountOptions()).contains("ro");
  }

  @Test
  @DisplayName("remount of a handle that is not a mount root gives EINVAL")
  void remountOfNonMountRootIsEinval() throws Exception {
    mkdirs("plain");
    assertErrno(Errno.EINVAL, () -> host.remount(openDir("plain"), EnumSet.of(MountFlag.READ_ONLY)));
  }

  @Test
  @DisplayName("remount through a handle opened on the directory before the mount gives EINVAL")
  void remountThroughHandleOpenedBeforeMountIsEinval() throws Exception {
    mkdirs("m");
    Handle under = openDir("m");
    contract.mountTmpfs(p("m"), NO_MOUNT_FLAGS);
    assertErrno(Errno.EINVAL, () -> host.remount(under, EnumSet.of(MountFlag.READ_ONLY)));
    host.remount(openDir("m"), EnumSet.of(MountFlag.READ_ONLY));
  }

  @Test
  @DisplayName("a bind mount inherits nosuid from its source mount")
  void bindInheritsNosuid() throws Exception {
    mkdirs("m");
    mkdirs("b");
    contract.mountTmpfs(p("m"), EnumSet.of(MountFlag.NOSUID));
    mkdirs("m/a");
    host.bindMount(openDir("m/a"), openDir("b"), false);
    MountTable.Entry e = MountTable.at(host.mountInfo(), p("b")).orElseThrow();
    assertThat(e.mountOptions()).contains("nosuid");
    assertThat(e.root()).isEqualTo("/a");
  }

  @Test
  @DisplayName("propagation: shared shows a peer group in mountinfo, private none")
  void propagationSharedAndPrivate() throws Exception {
    mkdirs("m");
    contract.mountTmpfs(p("m"), NO_MOUNT_FLAGS);
    Handle m = openDir("m");
    host.setPropagation(m, Propagation.SHARED);
    assertThat(MountTable.at(host.mountInfo(), p("m")).orElseThrow().optional()).anyMatch(f -> f.startsWith("shared:"));
    host.setPropagation(m, Propagation.PRIVATE);
    assertThat(MountTable.at(host.mountInfo(), p("m")).orElseThrow().optional()).noneMatch(f -> f.startsWith("shared:"));
  }

  @Test
  @DisplayName("mount(2) follows a symlink at the target")
  void mountFollowsSymlinkAtTarget() throws Exception {
    mkdirs("real");
    symlink("real", "ln");
    contract.mountTmpfs(p("ln"), NO_MOUNT_FLAGS);
    assertThat(host.lstat(p("ln")).type()).isEqualTo(FileType.SYMLINK);
    assertThat(host.lstat(p("real")).mountId()).isNotEqualTo(host.fstat(dir).mountId());
    assertThat(MountTable.at(host.mountInfo(), p("real"))).isPresent();
    assertThat(MountTable.at(host.mountInfo(), p("ln"))).isEmpty();
  }

  @Test
  @DisplayName("umount2: not a mount point gives EINVAL, a missing path ENOENT")
  void umount2NotAMountPointAndMissing() throws Exception {
    mkdirs("plain");
    assertErrno(Errno.EINVAL, () -> host.umount2(p("plain"), NO_UMOUNT_FLAGS));
    assertErrno(Errno.ENOENT, () -> host.umount2(p("missing"), NO_UMOUNT_FLAGS));
    assertErrno(Errno.ENOENT, () -> host.umount2(p("missing"), DETACH));
  }

  @Test
  @DisplayName("umount2(UMOUNT_NOFOLLOW) of a symlink to a mount point gives EINVAL; without it the mount goes")
  void umount2NoFollowOnSymlink() throws Exception {
    mkdirs("m");
    symlink(p("m"), "ln");
    contract.mountTmpfs(p("m"), NO_MOUNT_FLAGS);
    assertErrno(Errno.EINVAL, () -> host.umount2(p("ln"), EnumSet.of(UmountFlag.NOFOLLOW, UmountFlag.DETACH)));
    assertThat(MountTable.at(host.mountInfo(), p("m"))).isPresent();
    host.umount2(p("ln"), NO_UMOUNT_FLAGS);
    assertThat(MountTable.at(host.mountInfo(), p("m"))).isEmpty();
  }

  @Test
  @DisplayName("umount2 of a mount with a child mount gives EBUSY; MNT_DETACH takes both")
  void umount2BusyAndDetach() throws Exception {
    mkdirs("m");
    contract.mountTmpfs(p("m"), NO_MOUNT_FLAGS);
    mkdirs("m/child");
    contract.mountTmpfs(p("m/child"), NO_MOUNT_FLAGS);
    assertErrno(Errno.EBUSY, () -> host.umount2(p("m"), NO_UMOUNT_FLAGS));
    host.umount2(p("m"), DETACH);
    assertThat(MountTable.at(host.mountInfo(), p("m"))).isEmpty();
    assertThat(MountTable.at(host.mountInfo(), p("m/child"))).isEmpty();
    assertThat(host.statAt(dir, "m").mountId()).isEqualTo(host.fstat(dir).mountId());
  }

  @Test
  @DisplayName("umount2 of a mount kept busy by an open handle gives EBUSY; MNT_DETACH detaches it, the handle still works")
  void umount2BusyByOpenHandle() throws Exception {
    mkdirs("m");
    contract.mountTmpfs(p("m"), NO_MOUNT_FLAGS);
    touch("m/f");
    Handle inside = openDir("m");
    assertErrno(Errno.EBUSY, () -> host.umount2(p("m"), NO_UMOUNT_FLAGS));
    host.umount2(p("m"), DETACH);
    assertThat(MountTable.at(host.mountInfo(), p("m"))).isEmpty();
    assertThat(host.statAt(inside, "f").type()).isEqualTo(FileType.REGULAR);
  }

  @Test
  @DisplayName("unmount(handle, DETACH) detaches the mount whose root the handle pins")
  void unmountByHandleDetaches() throws Exception {
    mkdirs("m");
    contract.mountTmpfs(p("m"), NO_MOUNT_FLAGS);
    Handle m = openDir("m");
    host.unmount(m, DETACH);
    assertThat(MountTable.at(host.mountInfo(), p("m"))).isEmpty();
    assertThat(host.statAt(dir, "m").mountId()).isEqualTo(host.fstat(dir).mountId());
  }

  @Test
  @DisplayName("unmount(handle) without DETACH gives EBUSY: the handle itself keeps its mount busy")
  void unmountByHandleWithoutDetachIsEbusy() throws Exception {
    mkdirs("m");
    contract.mountTmpfs(p("m"), NO_MOUNT_FLAGS);
    Handle m = openDir("m");
    assertErrno(Errno.EBUSY, () -> host.unmount(m, NO_UMOUNT_FLAGS));
    assertThat(MountTable.at(host.mountInfo(), p("m"))).isPresent();
  }

  @Test
  @DisplayName("unmount(handle) of a directory that is neither a mount root nor covered gives EINVAL")
  void unmountByHandleOfPlainDirectoryIsEinval() throws Exception {
    mkdirs("plain");
    assertErrno(Errno.EINVAL, () -> host.unmount(openDir("plain"), DETACH));
    assertErrno(Errno.EINVAL, () -> host.unmount(openDir("plain"), EnumSet.of(UmountFlag.DETACH, UmountFlag.NOFOLLOW)));
  }

  @Test
  @DisplayName("unmount(handle) through a handle opened before the mount detaches the mount on top of it")
  void unmountByHandleOpenedBeforeMountDetachesTheMountOnTop() throws Exception {
    mkdirs("m");
    Handle under = openDir("m");
    contract.mountTmpfs(p("m"), NO_MOUNT_FLAGS);
    assertThat(MountTable.at(host.mountInfo(), p("m"))).isPresent();
    host.unmount(under, DETACH);
    assertThat(MountTable.at(host.mountInfo(), p("m"))).isEmpty();
  }

  @Test
  @DisplayName("unmount(handle) on the root of a mount that was mounted over detaches the mount on top, not its own")
  void unmountByHandleOfOvermountedRootDetachesTheTopMount() throws Exception {
    mkdirs("m");
    contract.mountTmpfs(p("m"), NO_MOUNT_FLAGS);
    touch("m/lower");
    Handle lower = openDir("m");
    contract.mountTmpfs(p("m"), NO_MOUNT_FLAGS);
    touch("m/upper");
    host.unmount(lower, DETACH);
    assertThat(host.lstat(p("m/lower")).type()).isEqualTo(FileType.REGULAR);
    assertErrno(Errno.ENOENT, () -> host.lstat(p("m/upper")));
    assertThat(MountTable.at(host.mountInfo(), p("m")).orElseThrow().id()).isEqualTo(host.fstat(lower).mountId());
  }

  @Test
  @DisplayName("unmount(handle) a second time, after the detach, gives EINVAL")
  void unmountByHandleTwiceIsEinval() throws Exception {
    mkdirs("m");
    contract.mountTmpfs(p("m"), NO_MOUNT_FLAGS);
    Handle m = openDir("m");
    host.unmount(m, DETACH);
    assertErrno(Errno.EINVAL, () -> host.unmount(m, DETACH));
  }

  @Test
  @DisplayName("mountinfo escapes space, tab, newline and backslash in mount points; the statx mount id is its first field")
  void mountinfoEscapesAndMountIds() throws Exception {
    String name = "a b\tc\nd\\e";
    host.mkdirAt(dir, name, 0755);
    contract.mountTmpfs(p(name), NO_MOUNT_FLAGS);
    String info = host.mountInfo();
    MountTable.Entry e = MountTable.at(info, p(name)).orElseThrow();
    assertThat(e.rawMountPoint()).contains("\\040").contains("\\011").contains("\\012").contains("\\134");
    assertThat(e.rawMountPoint()).doesNotContain(" ").doesNotContain("\n").doesNotContain("\t");
    assertThat(e.fstype()).isEqualTo("tmpfs");
    Handle m = track(host.open(p(name), OpenHow.directoryNoFollow()));
    assertThat(host.fstat(m).mountId()).isEqualTo(e.id());
    assertThat(host.lstat(p(name)).mountId()).isEqualTo(e.id());
  }

  @Test
  @DisplayName("the scratch mount's statx mount id equals mountinfo's first field, and the tree's parent ids")
  void scratchMountIdMatchesMountinfo() throws Exception {
    MountTable.Entry e = MountTable.at(host.mountInfo(), contract.scratch()).orElseThrow();
    assertThat(host.fstat(scratch).mountId()).isEqualTo(e.id());
    assertThat(host.fstat(dir).mountId()).isEqualTo(e.id());
    mkdirs("m");
    contract.mountTmpfs(p("m"), NO_MOUNT_FLAGS);
    MountTable.Entry child = MountTable.at(host.mountInfo(), p("m")).orElseThrow();
    assertThat(child.parentId()).isEqualTo(e.id());
  }

  @Test
  @DisplayName("statAt of a mount point reports the root of the mount on top, with that mount's id")
  void statAtOfMountPointSeesMountedRoot() throws Exception {
    mkdirs("m");
    FileStat before = host.statAt(dir, "m");
    contract.mountTmpfs(p("m"), NO_MOUNT_FLAGS);
    FileStat after = host.statAt(dir, "m");
    Handle m = openDir("m");
    assertThat(after.mountId()).isEqualTo(host.fstat(m).mountId());
    assertThat(after.mountId()).isNotEqualTo(host.fstat(dir).mountId());
    assertThat(after.sameInode(before)).isFalse();
    assertThat(after.sameInode(host.fstat(m))).isTrue();
  }

  @Test
  @DisplayName("a handle pins its inode across a rename")
  void handlePinsAcrossRename() throws Exception {
    mkdirs("d");
    touch("d/f");
    Handle d = openDir("d");
    FileStat pinned = host.fstat(d);
    host.renameAt(dir, "d", dir, "e", RenameMode.NOREPLACE);
    mkdirs("d");
    assertThat(host.fstat(d).sameInode(pinned)).isTrue();
    host.mkdirAt(d, "made", 0755);
    assertThat(host.lstat(p("e/made")).type()).isEqualTo(FileType.DIRECTORY);
    assertErrno(Errno.ENOENT, () -> host.lstat(p("d/made")));
    assertThat(host.statAt(d, "f").type()).isEqualTo(FileType.REGULAR);
  }

  @Test
  @DisplayName("a handle pins its inode across an overmount: it still sees what the mount hides")
  void handlePinsAcrossOvermount() throws Exception {
    mkdirs("d");
    touch("d/f");
    Handle d = openDir("d");
    contract.mountTmpfs(p("d"), NO_MOUNT_FLAGS);
    assertThat(host.statAt(d, "f").type()).isEqualTo(FileType.REGULAR);
    assertThat(host.readDir(d)).extracting(DirEntry::name).containsExactly("f");
    assertErrno(Errno.ENOENT, () -> host.lstat(p("d/f")));
    Handle top = openDir("d");
    assertThat(host.readDir(top)).isEmpty();
    host.mkdirAt(d, "under", 0755);
    assertErrno(Errno.ENOENT, () -> host.lstat(p("d/under")));
  }

  @Test
  @DisplayName("bind mount then rmdir of the source's name: the bind keeps the inode")
  void bindKeepsInodeAfterSourceRemoved() throws Exception {
    mkdirs("a");
    mkdirs("b");
    Handle a = openDir("a");
    FileStat pinned = host.fstat(a);
    host.bindMount(a, openDir("b"), false);
    host.unlinkAt(dir, "a", true);
    assertThat(host.lstat(p("b")).sameInode(pinned)).isTrue();
  }

  @Test
  @DisplayName("recursive bind carries child mounts; a plain bind does not")
  void recursiveBindCarriesChildMounts() throws Exception {
    mkdirs("a/child");
    mkdirs("plain");
    mkdirs("rec");
    contract.mountTmpfs(p("a/child"), NO_MOUNT_FLAGS);
    touch("a/child/marker");
    Handle a = openDir("a");
    host.bindMount(a, openDir("plain"), false);
    host.bindMount(a, openDir("rec"), true);
    assertErrno(Errno.ENOENT, () -> host.lstat(p("plain/child/marker")));
    assertThat(host.lstat(p("rec/child/marker")).type()).isEqualTo(FileType.REGULAR);
  }

  // ================================================================ sockets

  @Test
  @DisplayName("connect through a handle on a socket inode nobody listens on gives ECONNREFUSED")
  void connectToUnboundSocketInodeIsRefused() throws Exception {
    host.mknodAt(dir, "s", FileType.SOCKET, 0600, DeviceNumber.NONE);
    Handle s = track(host.openAt(dir, "s", OpenHow.pathNoFollow()));
    assertErrno(Errno.ECONNREFUSED, () -> host.connect(s));
  }

  @Test
  @DisplayName("connect through a handle on a regular file gives ECONNREFUSED or ENOTSOCK")
  void connectToRegularFileIsRefused() throws Exception {
    touch("f");
    Handle f = track(host.openAt(dir, "f", OpenHow.pathNoFollow()));
    try {
      host.connect(f).close();
      fail("connect to a regular file succeeded");
    } catch (HostException e) {
      assertThat(e.errno()).as(e.getMessage()).isIn(Errno.ECONNREFUSED, Errno.ENOTSOCK);
    }
  }

  // ================================================================ helpers

  /** A call that is expected to fail. */
  @FunctionalInterface
  protected interface HostCall {
    void call() throws Exception;
  }

  /** A call with a result that is expected to fail. */
  @FunctionalInterface
  protected interface HostQuery {
    Object call() throws Exception;
  }

  /** Asserts that {@code call} fails with a {@link HostException} carrying {@code expected}. */
  protected void assertErrno(Errno expected, HostCall call) {
    assertErrno(expected, (HostQuery) () -> {
      call.call();
      return null;
    });
  }

  /** Asserts that {@code call} fails with a {@link HostException} carrying {@code expected}. */
  protected void assertErrno(Errno expected, HostQuery call) {
    Expect.errno(expected, call::call, result -> {
      if (result instanceof Handle) {
        track((Handle) result);
      }
      if (result instanceof UnixConnection) {
        ((UnixConnection) result).close();
      }
    });
  }

  /** Closed after the test, in reverse order. */
  protected Handle track(Handle h) {
    opened.add(h);
    return h;
  }

  /** The absolute path of {@code rel} in this test's directory. */
  protected String p(String rel) {
    return dirPath + "/" + rel;
  }

  protected Handle openDir(String rel) throws HostException {
    return track(host.open(p(rel), OpenHow.directoryNoFollow()));
  }

  /**
   * Creates every missing directory of {@code rel} (mode 0755), walking by handles; it leaves no
   * handle open (an open handle keeps its mount busy).
   */
  protected void mkdirs(String rel) throws HostException {
    Handle at = dir;
    try {
      for (String part : rel.split("/")) {
        try {
          host.mkdirAt(at, part, 0755);
        } catch (HostException e) {
          if (!e.is(Errno.EEXIST)) {
            throw e;
          }
        }
        Handle next = host.openAt(at, part, OpenHow.directoryNoFollow());
        if (at != dir) {
          at.close();
        }
        at = next;
      }
    } finally {
      if (at != dir) {
        at.close();
      }
    }
  }

  /** An empty regular file at {@code rel} (its parent must exist). */
  protected void touch(String rel) throws HostException {
    host.open(p(rel), OpenHow.createExclusive(0644)).close();
  }

  /** A symlink {@code rel} whose text is {@code target}. */
  protected void symlink(String target, String rel) throws HostException {
    int slash = rel.lastIndexOf('/');
    if (slash < 0) {
      host.symlinkAt(target, dir, rel);
      return;
    }
    try (Handle parent = host.open(p(rel.substring(0, slash)), OpenHow.directoryNoFollow())) {
      host.symlinkAt(target, parent, rel.substring(slash + 1));
    }
  }

  /** Counts outcomes for the one-line report. */

  /** Names of the entries of a directory handle, for messages. */
  protected String names(Handle h) throws HostException {
    return host.readDir(h).stream().map(DirEntry::name).collect(Collectors.joining(", "));
  }
}
