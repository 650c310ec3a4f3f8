package org.fcproc.host.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.FsIdentity;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The permission facts of docs/DESIGN.md#linux-facts for non-root callers, asserted through the SPI only on every
 * backend: search on every directory walked, write+search on the parent to create, unlink or
 * rename, the sticky bit, only root chowns (and only the owner chmods), {@code
 * fs.protected_hardlinks}, {@code fs.protected_symlinks}, mounts and device nodes need root —
 * and a few neighbours the kernel showed where the simulator was wrong (see {@code
 * backend-sim/MODEL.md}, "Found by the contract suite"): moving a directory to another parent
 * needs write on it, rename of two names of one inode is checked for nothing, chmod drops setgid
 * outside the caller's group, setgid directories, mkdir's mode mask, {@code linkat(AT_EMPTY_PATH)}.
 *
 * <p>Root ({@link ContractHost#host()}) sets up a tree in the test's own subdirectory of the
 * scratch directory; {@link #user} — {@link ContractHost#asUser} for uid:gid {@value #USER} —
 * then acts on it. {@value #OTHER} is a third party that owns some of the files. The protected
 * link settings are read from the host ({@link ContractHost#protectedHardlinks()}, {@link
 * ContractHost#protectedSymlinks()}) and the matching behaviour is asserted; they are never
 * changed (on Linux they are not namespaced).
 *
 * <p>After the run the suite prints one line: how many permission tests ran on which host.
 */
public abstract class PermissionContract extends ContractSuite {
  protected PermissionContract() {
    super("Permission contract", "permission tests");
  }

  /** The non-root caller: its uid and its gid. */
  protected static final int USER = 1000;
  /** Another non-root user, owner of things the caller must not touch. */
  protected static final int OTHER = 1001;

  private static final Set<MountFlag> NO_MOUNT_FLAGS = EnumSet.noneOf(MountFlag.class);
  private static final Set<UmountFlag> NO_UMOUNT_FLAGS = EnumSet.noneOf(UmountFlag.class);
  private static final Set<UmountFlag> DETACH = EnumSet.of(UmountFlag.DETACH);
  /** {@code O_RDONLY}, symlinks followed. */
  private static final OpenHow READ_FOLLOW =
      new OpenHow(EnumSet.of(OpenFlag.READ, OpenFlag.NONBLOCK), 0, EnumSet.noneOf(Resolve.class));
  /** {@code O_WRONLY|O_CREAT|O_EXCL}. */
  private static final OpenHow CREATE = OpenHow.createExclusive(0644);

  /** Uid {@value #USER}, made fresh for each test. */
  protected HostOps user;
  private Handle scratch;
  /** This test's own directory (root's handle), mode 0755, owned by root. */
  protected Handle dir;
  protected String dirPath;

  private final List<Handle> opened = new ArrayList<>();

  @BeforeAll
  void openScratch() throws Exception {
    host.chmod(contract.scratch(), 0755); // traversable by the non-root caller
    scratch = host.open(contract.scratch(), OpenHow.directoryNoFollow());
  }

  @AfterAll
  void closeScratch() {
    if (scratch != null) {
      scratch.close();
    }
  }

  @BeforeEach
  void makeTestDirectoryAndUser(TestInfo info) throws Exception {
    String name = info.getTestMethod().orElseThrow().getName();
    host.mkdirAt(scratch, name, 0755);
    dirPath = contract.scratch() + "/" + name;
    host.chmod(dirPath, 0755);
    dir = track(host.openAt(scratch, name, OpenHow.directoryNoFollow()));
    user = contract.asUser(USER, USER);
  }

  @AfterEach
  void closeHandlesAndUser() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    opened.clear();
    if (user instanceof AutoCloseable) {
      ((AutoCloseable) user).close();
    }
    user = null;
  }

  // ================================================================ who

  @Test
  @DisplayName("the view acts as uid 1000; the host stays root")
  void theUserViewHasTheUsersCredentials() throws Exception {
    assertThat(user.credentials().euid()).isEqualTo(USER);
    assertThat(user.credentials().uid()).isEqualTo(USER);
    assertThat(user.credentials().gid()).isEqualTo(USER);
    assertThat(host.credentials().isRoot()).isTrue();
    // what it creates is its own
    ownDir("own");
    user.openAt(userDir("own"), "f", CREATE).close();
    FileStat st = host.lstat(p("own/f"));
    assertThat(st.uid()).isEqualTo(USER);
    assertThat(st.gid()).isEqualTo(USER);
  }

  // ================================================================ search

  @Test
  @DisplayName("search (x) on every directory walked: a root 0700 directory hides what is in it (EACCES)")
  void searchPermissionOnEveryDirectoryWalked() throws Exception {
    rootDir("locked", 0700);
    rootFile("locked/f", 0644);
    rootDir("locked/sub", 0755);
    assertErrno(Errno.EACCES, () -> user.lstat(p("locked/f")));
    assertErrno(Errno.EACCES, () -> user.stat(p("locked/f")));
    assertErrno(Errno.EACCES, () -> user.open(p("locked/f"), OpenHow.pathNoFollow()));
    assertErrno(Errno.EACCES, () -> user.open(p("locked/sub"), OpenHow.directoryNoFollow()));
    assertErrno(Errno.EACCES, () -> user.openAt(userDir("."), "locked/f", OpenHow.pathNoFollow()));
    // the directory itself needs search only on its parent
    assertThat(user.lstat(p("locked")).type()).isEqualTo(FileType.DIRECTORY);
    // a handle on it, even one root opened, grants nothing: the walk from it is checked against the caller
    Handle rootsHandle = track(host.open(p("locked"), OpenHow.directoryNoFollow()));
    assertErrno(Errno.EACCES, () -> user.statAt(rootsHandle, "f"));
    assertErrno(Errno.EACCES, () -> user.openAt(rootsHandle, "f", OpenHow.pathNoFollow()));
    Handle ownHandle = track(user.open(p("locked"), OpenHow.directoryNoFollow()));
    assertErrno(Errno.EACCES, () -> user.statAt(ownHandle, "f"));
    // root walks through it
    assertThat(host.lstat(p("locked/f")).type()).isEqualTo(FileType.REGULAR);
  }

  @Test
  @DisplayName("search without read (0711): names inside resolve, the listing is refused (EACCES)")
  void searchWithoutReadResolvesButDoesNotList() throws Exception {
    rootDir("blind", 0711);
    rootFile("blind/f", 0644);
    assertThat(user.lstat(p("blind/f")).type()).isEqualTo(FileType.REGULAR);
    Handle h = track(user.open(p("blind"), OpenHow.directoryNoFollow()));
    assertErrno(Errno.EACCES, () -> user.readDir(h));
    assertThat(host.readDir(h)).hasSize(1);
  }

  // ================================================================ write + search on the parent

  @Test
  @DisplayName("create, unlink, rename in a root 0755 directory: EACCES, nothing changes")
  void changingARootDirectoryIsEacces() throws Exception {
    rootDir("etc", 0755);
    rootFile("etc/passwd", 0666);
    ownDir("home");
    Handle etc = userDir("etc");
    Handle home = userDir("home");
    assertErrno(Errno.EACCES, () -> user.mkdirAt(etc, "d", 0755));
    assertErrno(Errno.EACCES, () -> user.mknodAt(etc, "fifo", FileType.FIFO, 0644, DeviceNumber.NONE));
    assertErrno(Errno.EACCES, () -> user.symlinkAt("/nowhere", etc, "l"));
    assertErrno(Errno.EACCES, () -> user.openAt(etc, "new", CREATE));
    assertErrno(Errno.EACCES, () -> user.unlinkAt(etc, "passwd", false));
    assertErrno(Errno.EACCES, () -> user.renameAt(etc, "passwd", etc, "shadow", RenameMode.REPLACE));
    // out of it into one's own directory, and into it from there: both parents must be writable
    assertErrno(Errno.EACCES, () -> user.renameAt(etc, "passwd", home, "passwd", RenameMode.REPLACE));
    user.openAt(home, "mine", CREATE).close();
    assertErrno(Errno.EACCES, () -> user.renameAt(home, "mine", etc, "mine", RenameMode.REPLACE));
    // a handle root opened carries no right to write either
    Handle rootsEtc = track(host.open(p("etc"), OpenHow.directoryNoFollow()));
    assertErrno(Errno.EACCES, () -> user.mkdirAt(rootsEtc, "d", 0755));
    // two names of one inode: rename(2) returns before any permission check
    host.linkAt(etc, "passwd", etc, "passwd2");
    user.renameAt(etc, "passwd", etc, "passwd2", RenameMode.REPLACE);
    host.unlinkAt(etc, "passwd2", false);
    // an existing name is found before the permission check
    assertErrno(Errno.EEXIST, () -> user.mkdirAt(etc, "passwd", 0755));
    // nothing changed
    assertThat(names(etc)).containsExactly("passwd");
    assertThat(host.lstat(p("home/mine")).uid()).isEqualTo(USER);
  }

  @Test
  @DisplayName("write without search on the parent (0766 for others): still EACCES")
  void writeWithoutSearchIsNotEnough() throws Exception {
    rootDir("nox", 0777);
    rootFile("nox/f", 0666);
    host.chmod(p("nox"), 0766);
    Handle nox = userDir("nox");
    assertErrno(Errno.EACCES, () -> user.mkdirAt(nox, "d", 0755));
    assertErrno(Errno.EACCES, () -> user.unlinkAt(nox, "f", false));
    assertThat(host.lstat(p("nox/f")).type()).isEqualTo(FileType.REGULAR);
  }

  @Test
  @DisplayName("create, rename, unlink in one's own directory: allowed, and owned by the caller")
  void changingOnesOwnDirectoryIsAllowed() throws Exception {
    ownDir("home");
    Handle home = userDir("home");
    user.mkdirAt(home, "d", 0755);
    user.mknodAt(home, "fifo", FileType.FIFO, 0644, DeviceNumber.NONE);
    user.symlinkAt("/nowhere", home, "l");
    user.openAt(home, "f", CREATE).close();
    user.renameAt(home, "f", home, "g", RenameMode.NOREPLACE);
    for (String name : List.of("d", "fifo", "l", "g")) {
      assertThat(host.lstat(p("home/" + name)).uid()).as(name).isEqualTo(USER);
    }
    assertThat(host.lstat(p("home/fifo")).type()).isEqualTo(FileType.FIFO);
    user.unlinkAt(home, "g", false);
    user.unlinkAt(home, "l", false);
    user.unlinkAt(home, "fifo", false);
    user.unlinkAt(home, "d", true);
    assertThat(host.readDir(home)).isEmpty();
    // a file root owns in the caller's directory: the directory's write bit decides, not the file's
    rootFile("home/roots", 0600);
    user.renameAt(home, "roots", home, "moved", RenameMode.NOREPLACE);
    user.unlinkAt(home, "moved", false);
    assertThat(host.readDir(home)).isEmpty();
  }

  @Test
  @DisplayName("moving a directory to another parent needs write on the directory itself (its \"..\" changes)")
  void movingADirectoryToAnotherParentNeedsWriteOnIt() throws Exception {
    ownDir("a");
    ownDir("b");
    rootDir("a/roots", 0755);
    Handle a = userDir("a");
    Handle b = userDir("b");
    assertErrno(Errno.EACCES, () -> user.renameAt(a, "roots", b, "roots", RenameMode.NOREPLACE));
    assertThat(host.lstat(p("a/roots")).type()).isEqualTo(FileType.DIRECTORY);
    // within one parent ".." does not change: the parent's write bit is enough
    user.renameAt(a, "roots", a, "renamed", RenameMode.NOREPLACE);
    // a file, or a directory the caller may write, moves between its directories
    user.mkdirAt(a, "mine", 0755);
    user.renameAt(a, "mine", b, "mine", RenameMode.NOREPLACE);
    user.openAt(a, "f", CREATE).close();
    user.renameAt(a, "f", b, "f", RenameMode.NOREPLACE);
    assertThat(names(b)).containsExactly("f", "mine");
  }

  @Test
  @DisplayName("linkat(AT_EMPTY_PATH) by a non-root caller: ENOENT for a handle root opened; 6.10+ allows its own")
  void linkingAHandleByANonRootCaller() throws Exception {
    ownDir("home");
    Handle home = userDir("home");
    user.openAt(home, "mine", CREATE).close();
    Handle rootsHandle = track(host.openAt(dir, "home/mine", OpenHow.pathNoFollow()));
    assertErrno(Errno.ENOENT, () -> user.linkAt(rootsHandle, "", home, "again"));
    assertThat(host.lstat(p("home/mine")).nlink()).isEqualTo(1);
    Handle usersHandle = track(user.openAt(home, "mine", OpenHow.pathNoFollow()));
    if (contract.linkEmptyPathByOpener()) {
      user.linkAt(usersHandle, "", home, "again");
      assertThat(host.lstat(p("home/again")).sameInode(host.lstat(p("home/mine")))).isTrue();
    } else {
      assertErrno(Errno.ENOENT, () -> user.linkAt(usersHandle, "", home, "again"));
    }
    // root links any handle
    host.linkAt(usersHandle, "", home, "byroot");
    assertThat(host.lstat(p("home/mine")).nlink()).isEqualTo(contract.linkEmptyPathByOpener() ? 3 : 2);
  }

  // ================================================================ sticky

  @Test
  @DisplayName("sticky (root 01777): another user's file cannot be unlinked or renamed (EPERM); one's own can")
  void stickyBitProtectsOtherUsersFiles() throws Exception {
    rootDir("tmp", 01777);
    rootFile("tmp/theirs", 0666);
    host.chown(p("tmp/theirs"), OTHER, OTHER);
    Handle tmp = userDir("tmp");
    user.openAt(tmp, "mine", CREATE).close();
    assertErrno(Errno.EPERM, () -> user.unlinkAt(tmp, "theirs", false));
    assertErrno(Errno.EPERM, () -> user.renameAt(tmp, "theirs", tmp, "gone", RenameMode.REPLACE));
    // replacing it is removing it too
    assertErrno(Errno.EPERM, () -> user.renameAt(tmp, "mine", tmp, "theirs", RenameMode.REPLACE));
    assertErrno(Errno.EPERM, () -> user.renameAt(tmp, "mine", tmp, "theirs", RenameMode.EXCHANGE));
    assertThat(host.lstat(p("tmp/theirs")).uid()).isEqualTo(OTHER);
    user.renameAt(tmp, "mine", tmp, "mine2", RenameMode.NOREPLACE);
    user.unlinkAt(tmp, "mine2", false);
    assertThat(names(tmp)).containsExactly("theirs");
    // root is not bound by it
    host.unlinkAt(tmp, "theirs", false);
  }

  @Test
  @DisplayName("sticky directory the caller owns: the directory's owner may remove anyone's file")
  void stickyBitLetsTheDirectoryOwnerRemove() throws Exception {
    ownDir("mytmp");
    host.chmod(p("mytmp"), 01777);
    rootFile("mytmp/theirs", 0644);
    host.chown(p("mytmp/theirs"), OTHER, OTHER);
    Handle mytmp = userDir("mytmp");
    user.renameAt(mytmp, "theirs", mytmp, "renamed", RenameMode.NOREPLACE);
    user.unlinkAt(mytmp, "renamed", false);
    assertThat(host.readDir(mytmp)).isEmpty();
  }

  // ================================================================ owners and modes

  @Test
  @DisplayName("only root chowns: fchown/lchown/chown of one's own file to another uid is EPERM")
  void onlyRootChowns() throws Exception {
    ownDir("home");
    Handle home = userDir("home");
    user.openAt(home, "f", CREATE).close();
    user.symlinkAt("f", home, "l");
    Handle f = track(user.openAt(home, "f", OpenHow.pathNoFollow()));
    Handle l = track(user.openAt(home, "l", OpenHow.pathNoFollow()));
    assertErrno(Errno.EPERM, () -> user.fchown(f, OTHER, -1));
    assertErrno(Errno.EPERM, () -> user.fchown(l, OTHER, -1));
    assertErrno(Errno.EPERM, () -> user.chown(p("home/f"), OTHER, -1));
    assertErrno(Errno.EPERM, () -> user.lchown(p("home/l"), OTHER, -1));
    assertErrno(Errno.EPERM, () -> user.chown(p("home/f"), 0, 0));
    // nor to a group the caller is not in
    assertErrno(Errno.EPERM, () -> user.fchown(f, -1, OTHER));
    // "changing" to what it already is, and to its own group, is allowed
    user.fchown(f, USER, USER);
    user.chown(p("home/f"), -1, USER);
    FileStat st = host.lstat(p("home/f"));
    assertThat(st.uid()).isEqualTo(USER);
    assertThat(st.gid()).isEqualTo(USER);
    assertThat(host.lstat(p("home/l")).uid()).isEqualTo(USER);
    // root does it
    host.fchown(f, OTHER, OTHER);
    assertThat(host.lstat(p("home/f")).uid()).isEqualTo(OTHER);
  }

  @Test
  @DisplayName("chmod of a file the caller does not own is EPERM, whatever its mode; its own file is fine")
  void onlyTheOwnerChmods() throws Exception {
    ownDir("home");
    Handle home = userDir("home");
    rootFile("home/roots", 0666);
    user.openAt(home, "mine", CREATE).close();
    Handle roots = track(user.openAt(home, "roots", OpenHow.pathNoFollow()));
    assertErrno(Errno.EPERM, () -> user.chmod(p("home/roots"), 0777));
    assertErrno(Errno.EPERM, () -> user.fchmod(roots, 0777));
    assertThat(host.lstat(p("home/roots")).mode()).isEqualTo(0666);
    user.chmod(p("home/mine"), 0600);
    assertThat(host.lstat(p("home/mine")).mode()).isEqualTo(0600);
    Handle mine = track(user.openAt(home, "mine", OpenHow.pathNoFollow()));
    user.fchmod(mine, 0640);
    assertThat(host.lstat(p("home/mine")).mode()).isEqualTo(0640);
  }

  @Test
  @DisplayName("chmod g+s by an owner outside the file's group: the setgid bit is dropped, no error")
  void chmodDropsSetgidOutsideTheCallersGroup() throws Exception {
    ownDir("home");
    Handle home = userDir("home");
    user.openAt(home, "theirgroup", CREATE).close();
    user.openAt(home, "mygroup", CREATE).close();
    host.chown(p("home/theirgroup"), USER, OTHER);
    user.chmod(p("home/theirgroup"), 02755);
    assertThat(host.lstat(p("home/theirgroup")).mode()).isEqualTo(0755);
    user.chmod(p("home/mygroup"), 02755);
    assertThat(host.lstat(p("home/mygroup")).mode()).isEqualTo(02755);
    // root keeps it
    host.chmod(p("home/theirgroup"), 02755);
    assertThat(host.lstat(p("home/theirgroup")).mode()).isEqualTo(02755);
  }

  @Test
  @DisplayName("a setgid directory gives what is created in it its group, and a new directory its setgid bit")
  void setgidDirectoryGivesItsGroup() throws Exception {
    rootDir("shared", 0777);
    host.chown(p("shared"), 0, OTHER);
    host.chmod(p("shared"), 02777);
    Handle shared = userDir("shared");
    user.openAt(shared, "f", CREATE).close();
    user.mkdirAt(shared, "d", 0755);
    FileStat f = host.lstat(p("shared/f"));
    assertThat(f.uid()).isEqualTo(USER);
    assertThat(f.gid()).isEqualTo(OTHER);
    assertThat(f.mode()).isEqualTo(0644 & ~contract.umask());
    FileStat d = host.lstat(p("shared/d"));
    assertThat(d.gid()).isEqualTo(OTHER);
    assertThat(d.mode()).isEqualTo(02000 | (0755 & ~contract.umask()));
    // elsewhere mkdir keeps only the permission and sticky bits of the mode asked for
    ownDir("home");
    user.mkdirAt(userDir("home"), "d", 06755);
    assertThat(host.lstat(p("home/d")).mode()).isEqualTo(0755 & ~contract.umask());
    assertThat(host.lstat(p("home/d")).gid()).isEqualTo(USER);
  }

  // ================================================================ protected links

  @Test
  @DisplayName("fs.protected_hardlinks: on, linking a root 0600 file is EPERM; one's own and a 0666 one link")
  void protectedHardlinks() throws Exception {
    boolean on = contract.protectedHardlinks();
    rootFile("secret", 0600);
    rootFile("world", 0666);
    ownDir("home");
    Handle top = userDir(".");
    Handle home = userDir("home");
    if (on) {
      assertErrno(Errno.EPERM, () -> user.linkAt(top, "secret", home, "secret"));
      assertThat(host.lstat(p("secret")).nlink()).isEqualTo(1);
    } else {
      user.linkAt(top, "secret", home, "secret");
      assertThat(host.lstat(p("secret")).nlink()).isEqualTo(2);
      assertThat(host.lstat(p("home/secret")).sameInode(host.lstat(p("secret")))).isTrue();
    }
    // readable and writable by the caller: a safe source either way
    user.linkAt(top, "world", home, "world");
    assertThat(host.lstat(p("world")).nlink()).isEqualTo(2);
    // its own file, even mode 0000
    user.openAt(home, "mine", CREATE).close();
    user.chmod(p("home/mine"), 0);
    user.linkAt(home, "mine", home, "mine2");
    assertThat(host.lstat(p("home/mine")).nlink()).isEqualTo(2);
    // but never into a directory it cannot write
    assertErrno(Errno.EACCES, () -> user.linkAt(home, "mine", top, "mine"));
  }

  @Test
  @DisplayName("fs.protected_symlinks: on, another user's symlink in a sticky world-writable dir is not followed (EACCES)")
  void protectedSymlinks() throws Exception {
    boolean on = contract.protectedSymlinks();
    rootFile("target", 0644);
    rootDir("tmp", 01777);
    rootDir("open", 0777);
    Handle tmp = userDir("tmp");
    Handle open = userDir("open");
    host.symlinkAt(p("target"), tmp, "theirs");
    host.lchown(p("tmp/theirs"), OTHER, OTHER);
    host.symlinkAt(p("target"), open, "theirs");
    host.lchown(p("open/theirs"), OTHER, OTHER);
    host.symlinkAt(p("target"), tmp, "roots");
    user.symlinkAt(p("target"), tmp, "mine");
    FileStat target = host.lstat(p("target"));
    if (on) {
      assertErrno(Errno.EACCES, () -> user.stat(p("tmp/theirs")));
      assertErrno(Errno.EACCES, () -> user.open(p("tmp/theirs"), READ_FOLLOW));
      // the setting applies to root too: what makes a planted link harmless to a root helper
      assertErrno(Errno.EACCES, () -> host.stat(p("tmp/theirs")));
    } else {
      assertThat(user.stat(p("tmp/theirs")).sameInode(target)).isTrue();
      assertThat(host.fstat(track(user.open(p("tmp/theirs"), READ_FOLLOW))).sameInode(target)).isTrue();
    }
    // the link itself can always be looked at
    assertThat(user.lstat(p("tmp/theirs")).type()).isEqualTo(FileType.SYMLINK);
    // its own link; a link owned by the directory's owner; any link in a non-sticky directory
    assertThat(user.stat(p("tmp/mine")).sameInode(target)).isTrue();
    assertThat(user.stat(p("tmp/roots")).sameInode(target)).isTrue();
    assertThat(user.stat(p("open/theirs")).sameInode(target)).isTrue();
  }

  // ================================================================ root only

  @Test
  @DisplayName("mount, bind mount, remount, propagation and umount2 by a non-root caller: EPERM")
  void mountsNeedRoot() throws Exception {
    ownDir("mnt");
    rootDir("src", 0755);
    rootDir("mounted", 0755);
    contract.mountTmpfs(p("mounted"), NO_MOUNT_FLAGS);
    Handle src = userDir("src");
    Handle mnt = userDir("mnt");
    Handle mounted = userDir("mounted");
    assertErrno(Errno.EPERM, () -> user.mount("tmpfs", p("mnt"), "tmpfs", NO_MOUNT_FLAGS, "mode=0755"));
    assertErrno(Errno.EPERM, () -> user.bindMount(src, mnt, false));
    assertErrno(Errno.EPERM, () -> user.remount(mounted, EnumSet.of(MountFlag.READ_ONLY)));
    assertErrno(Errno.EPERM, () -> user.setPropagation(mounted, Propagation.PRIVATE));
    assertErrno(Errno.EPERM, () -> user.umount2(p("mounted"), NO_UMOUNT_FLAGS));
    assertErrno(Errno.EPERM, () -> user.umount2(p("mounted"), DETACH));
    // can_umount asks for the capability before it asks whether there is a mount at all
    assertErrno(Errno.EPERM, () -> user.umount2(p("mnt"), DETACH));
    assertErrno(Errno.EPERM, () -> user.unmount(mounted, DETACH));
    // the mount is still there; nothing was mounted on mnt
    assertThat(host.statAt(dir, "mounted").mountId()).isNotEqualTo(host.fstat(dir).mountId());
    assertThat(host.statAt(dir, "mnt").mountId()).isEqualTo(host.fstat(dir).mountId());
    mounted.close();
    host.umount2(p("mounted"), DETACH);
  }

  @Test
  @DisplayName("mknod of a device by a non-root caller: EPERM (EACCES first where it cannot write)")
  void deviceNodesNeedRoot() throws Exception {
    ownDir("home");
    rootDir("dev", 0755);
    Handle home = userDir("home");
    Handle dev = userDir("dev");
    assertErrno(Errno.EPERM, () -> user.mknodAt(home, "null", FileType.CHAR_DEVICE, 0666, new DeviceNumber(1, 3)));
    assertErrno(Errno.EPERM, () -> user.mknodAt(home, "sda", FileType.BLOCK_DEVICE, 0600, new DeviceNumber(8, 0)));
    assertErrno(Errno.EACCES, () -> user.mknodAt(dev, "null", FileType.CHAR_DEVICE, 0666, new DeviceNumber(1, 3)));
    assertThat(host.readDir(home)).isEmpty();
    // root makes one
    host.mknodAt(home, "null", FileType.CHAR_DEVICE, 0666, new DeviceNumber(1, 3));
    assertThat(host.lstat(p("home/null")).rdev()).isEqualTo(new DeviceNumber(1, 3));
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

  // ================================================================ openAs: the caller's identity, root's process

  private static final OpenHow READ_NO_SYMLINKS =
      new OpenHow(EnumSet.of(OpenFlag.READ, OpenFlag.NONBLOCK, OpenFlag.NOFOLLOW), 0, EnumSet.of(Resolve.NO_SYMLINKS));

  @Test
  @DisplayName("openAs checks read as the identity: a root-only file is EACCES, a readable one opens")
  void openAsChecksReadAsTheIdentity() throws Exception {
    rootFile("secret", 0600);
    rootFile("public", 0644);
    FsIdentity caller = new FsIdentity(USER, USER, List.of());
    assertErrno(Errno.EACCES, () -> host.openAs(caller, p("secret"), READ_NO_SYMLINKS).close());
    try (Handle h = host.openAs(caller, p("public"), READ_NO_SYMLINKS)) {
      assertThat(host.fstat(h).is(FileType.REGULAR)).isTrue();
    }
    // The same host, as root, opens both: the identity was for that one call only.
    host.open(p("secret"), READ_NO_SYMLINKS).close();
  }

  @Test
  @DisplayName("openAs checks search on every directory walked, as the identity")
  void openAsChecksSearchOnTheWay() throws Exception {
    rootDir("locked", 0700);
    host.open(p("locked/file"), OpenHow.createExclusive(0644)).close();
    host.chmod(p("locked/file"), 0644);
    FsIdentity caller = new FsIdentity(USER, USER, List.of());
    assertErrno(Errno.EACCES, () -> host.openAs(caller, p("locked/file"), READ_NO_SYMLINKS).close());
  }

  @Test
  @DisplayName("openAs of a file the identity owns opens it; a write open of a read-only one is EACCES")
  void openAsOwnerAndWrite() throws Exception {
    rootFile("mine", 0600);
    host.chown(p("mine"), USER, USER);
    rootFile("readonly", 0644);
    FsIdentity caller = new FsIdentity(USER, USER, List.of());
    host.openAs(caller, p("mine"), READ_NO_SYMLINKS).close();
    OpenHow readWrite = new OpenHow(EnumSet.of(OpenFlag.READ, OpenFlag.WRITE, OpenFlag.NONBLOCK, OpenFlag.NOFOLLOW), 0,
        EnumSet.of(Resolve.NO_SYMLINKS));
    assertErrno(Errno.EACCES, () -> host.openAs(caller, p("readonly"), readWrite).close());
    host.openAs(caller, p("mine"), readWrite).close();
  }

  @Test
  @DisplayName("openAs with uid 0 is root's open")
  void openAsRootIsRoot() throws Exception {
    rootFile("secret", 0600);
    host.openAs(new FsIdentity(0, 0, List.of()), p("secret"), READ_NO_SYMLINKS).close();
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
    });
  }

  protected Handle track(Handle h) {
    opened.add(h);
    return h;
  }

  /** The absolute path of {@code rel} in this test's directory. */
  protected String p(String rel) {
    return rel.equals(".") ? dirPath : dirPath + "/" + rel;
  }

  /** A directory made by root, owned by root, with exactly {@code mode} (sticky bit included). */
  protected void rootDir(String rel, int mode) throws HostException {
    int slash = rel.lastIndexOf('/');
    if (slash < 0) {
      host.mkdirAt(dir, rel, 0700);
    } else {
      try (Handle parent = host.open(p(rel.substring(0, slash)), OpenHow.directoryNoFollow())) {
        host.mkdirAt(parent, rel.substring(slash + 1), 0700);
      }
    }
    host.chmod(p(rel), mode);
  }

  /** A directory made by root and given to {@value #USER}, mode 0755. */
  protected void ownDir(String rel) throws HostException {
    rootDir(rel, 0755);
    host.chown(p(rel), USER, USER);
  }

  /** A regular file made by root, owned by root, with exactly {@code mode}. */
  protected void rootFile(String rel, int mode) throws HostException {
    host.open(p(rel), OpenHow.createExclusive(0600)).close();
    host.chmod(p(rel), mode);
  }

  /** The names in a directory, as root lists them. */
  protected List<String> names(Handle h) throws HostException {
    List<String> out = new ArrayList<>();
    host.readDir(h).forEach(e -> out.add(e.name()));
    return out;
  }

  /** The caller's own {@code O_PATH} handle on a directory of this test. */
  protected Handle userDir(String rel) throws HostException {
    return track(user.open(p(rel), OpenHow.directoryNoFollow()));
  }
}
