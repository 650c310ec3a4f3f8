package org.fcproc.host.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.DirectoryWatch;
import org.fcproc.host.Errno;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.OpenHow;
import org.fcproc.host.RenameMode;
import org.fcproc.host.UmountFlag;
import org.fcproc.host.WatchEvent;
import org.fcproc.host.WatchEvent.Kind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The directory-watch contract ({@link HostOps#watch()}, {@link DirectoryWatch}): the inotify(7)
 * facts core relies on to wait for Firecracker's sockets (docs/DESIGN.md#readiness-and-identity), asserted through the SPI on
 * every backend. Checked first on Linux 6.18 with a C probe, then held here: {@code bind(2)} and
 * {@code mknod(S_IFSOCK)} raise IN_CREATE; rename and exchange into the directory IN_MOVED_TO; the
 * watch is on the inode the handle pins (it survives the directory's rename, with IN_MOVE_SELF,
 * and a new directory at the old path is not watched); a removed directory reports
 * IN_DELETE_SELF and IN_IGNORED once no handle holds it; the same inode gives the same watch
 * descriptor; identical consecutive events merge; a closed handle or watch gives EBADF, a
 * non-directory ENOTDIR; nothing within the timeout gives empty, after that much host time.
 *
 * <p>A backend's test extends this class, gives a {@link ContractHost} and a way to make a change
 * {@link #later} while the test waits (a scheduled event on the simulator, a thread on Linux).
 */
public abstract class WatchContract extends ContractSuite {
  protected WatchContract() {
    super("Watch contract", "watch tests");
  }

  /** A change to make while the test waits in {@link DirectoryWatch#next}. */
  @FunctionalInterface
  public interface Change {
    void run() throws Exception;
  }

  /**
   * Makes {@code change} happen {@code delay} of host time from now, while the calling thread
   * waits on the host (on the simulator: an event of the virtual clock; on Linux: another thread).
   */
  protected abstract void later(Duration delay, Change change) throws Exception;

  private static final Duration QUIET = Duration.ofMillis(150);

  private Handle scratch;
  /** This test's own directory. */
  protected Handle dir;
  protected String dirPath;
  private final List<AutoCloseable> opened = new ArrayList<>();

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
  void closeAll() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    opened.clear();
  }

  protected <T extends AutoCloseable> T track(T c) {
    opened.add(c);
    return c;
  }

  protected String p(String rel) {
    return dirPath + "/" + rel;
  }

  private Handle mkdir(String rel) throws HostException {
    int slash = rel.lastIndexOf('/');
    Handle parent = slash < 0 ? dir : track(host.open(p(rel.substring(0, slash)), OpenHow.directoryNoFollow()));
    host.mkdirAt(parent, rel.substring(slash + 1), 0755);
    return track(host.open(p(rel), OpenHow.directoryNoFollow()));
  }

  private void socketAt(Handle in, String name) throws HostException {
    host.mknodAt(in, name, FileType.SOCKET, 0600, DeviceNumber.NONE);
  }

  private DirectoryWatch watch() throws HostException {
    return track(host.watch());
  }

  private WatchEvent nextEvent(DirectoryWatch w) throws HostException {
    Optional<WatchEvent> e = w.next(Duration.ofSeconds(5));
    assertThat(e).as("an event within 5 s").isPresent();
    return e.get();
  }

  private void assertQuiet(DirectoryWatch w) throws HostException {
    assertThat(w.next(QUIET)).as("no event").isEmpty();
  }

  // ================================================================ entries

  @Test
  @DisplayName("a socket inode made in the watched directory raises IN_CREATE with its name")
  void createRaisesCreate() throws Exception {
    Handle d = mkdir("d");
    DirectoryWatch w = watch();
    int wd = w.add(d);
    assertThat(wd).isPositive();
    socketAt(d, "api.sock");
    assertThat(nextEvent(w)).isEqualTo(new WatchEvent(wd, Kind.CREATE, "api.sock"));
    host.mkdirAt(d, "sub", 0755);
    assertThat(nextEvent(w)).isEqualTo(new WatchEvent(wd, Kind.CREATE, "sub"));
    host.symlinkAt("/etc/shadow", d, "link");
    assertThat(nextEvent(w)).isEqualTo(new WatchEvent(wd, Kind.CREATE, "link"));
    assertQuiet(w);
  }

  @Test
  @DisplayName("what is made in a subdirectory is not an event of the watched directory")
  void onlyTheDirectoryItself() throws Exception {
    Handle d = mkdir("d");
    Handle sub = mkdir("d/sub");
    DirectoryWatch w = watch();
    w.add(d);
    socketAt(sub, "deep.sock");
    assertQuiet(w);
  }

  @Test
  @DisplayName("a rename into the directory raises IN_MOVED_TO; so does RENAME_EXCHANGE")
  void renameIntoRaisesMovedTo() throws Exception {
    Handle d = mkdir("d");
    Handle other = mkdir("other");
    socketAt(other, "a.sock");
    socketAt(other, "b.sock");
    socketAt(d, "x");
    DirectoryWatch w = watch();
    int wd = w.add(d);
    host.renameAt(other, "a.sock", d, "api.sock", RenameMode.REPLACE);
    assertThat(nextEvent(w)).isEqualTo(new WatchEvent(wd, Kind.MOVED_TO, "api.sock"));
    host.renameAt(other, "b.sock", d, "x", RenameMode.EXCHANGE);
    assertThat(nextEvent(w)).isEqualTo(new WatchEvent(wd, Kind.MOVED_TO, "x"));
    assertQuiet(w);
  }

  @Test
  @DisplayName("the watch is on the inode: after the directory's rename it still reports; a new directory at the old path is not watched")
  void watchSurvivesTheDirectorysRename() throws Exception {
    Handle d = mkdir("d");
    DirectoryWatch w = watch();
    int wd = w.add(d);
    d.close(); // the watch holds the inode, not the handle
    host.renameAt(dir, "d", dir, "moved", RenameMode.NOREPLACE);
    assertThat(nextEvent(w)).isEqualTo(new WatchEvent(wd, Kind.MOVE_SELF, ""));
    Handle fresh = mkdir("d");
    socketAt(fresh, "at-old-path.sock");
    assertQuiet(w);
    Handle moved = track(host.open(p("moved"), OpenHow.directoryNoFollow()));
    socketAt(moved, "api.sock");
    assertThat(nextEvent(w)).isEqualTo(new WatchEvent(wd, Kind.CREATE, "api.sock"));
  }

  @Test
  @DisplayName("events made through a bind mount of the directory are reported: the watch is on the inode")
  void eventsThroughABindMount() throws Exception {
    Handle d = mkdir("d");
    Handle at = mkdir("at");
    host.bindMount(d, at, false);
    DirectoryWatch w = watch();
    int wd = w.add(d);
    Handle through = track(host.open(p("at"), OpenHow.directoryNoFollow()));
    socketAt(through, "via-bind.sock");
    assertThat(nextEvent(w)).isEqualTo(new WatchEvent(wd, Kind.CREATE, "via-bind.sock"));
    through.close();
    host.unmount(at, EnumSet.of(UmountFlag.DETACH));
  }

  // ================================================================ descriptors

  @Test
  @DisplayName("the same directory twice gives the same watch descriptor; another directory another one, and events carry it")
  void watchDescriptors() throws Exception {
    Handle a = mkdir("a");
    Handle b = mkdir("b");
    DirectoryWatch w = watch();
    int wa = w.add(a);
    Handle again = track(host.open(p("a"), OpenHow.pathNoFollow()));
    assertThat(w.add(again)).isEqualTo(wa);
    int wb = w.add(b);
    assertThat(wb).isNotEqualTo(wa);
    socketAt(b, "b.sock");
    socketAt(a, "a.sock");
    assertThat(nextEvent(w)).isEqualTo(new WatchEvent(wb, Kind.CREATE, "b.sock"));
    assertThat(nextEvent(w)).isEqualTo(new WatchEvent(wa, Kind.CREATE, "a.sock"));
  }

  @Test
  @DisplayName("an event identical to the last one queued is merged into it")
  void identicalEventsMerge() throws Exception {
    Handle d = mkdir("d");
    DirectoryWatch w = watch();
    int wd = w.add(d);
    socketAt(d, "api.sock");
    host.unlinkAt(d, "api.sock", false); // IN_DELETE is not asked for
    socketAt(d, "api.sock");
    socketAt(d, "other.sock");
    assertThat(nextEvent(w)).isEqualTo(new WatchEvent(wd, Kind.CREATE, "api.sock"));
    assertThat(nextEvent(w)).isEqualTo(new WatchEvent(wd, Kind.CREATE, "other.sock"));
    assertQuiet(w);
  }

  // ================================================================ removal

  @Test
  @DisplayName("a removed directory no handle holds reports IN_DELETE_SELF, then IN_IGNORED")
  void removedDirectory() throws Exception {
    Handle d = mkdir("d");
    DirectoryWatch w = watch();
    int wd = w.add(d);
    d.close();
    host.unlinkAt(dir, "d", true);
    assertThat(nextEvent(w)).isEqualTo(new WatchEvent(wd, Kind.DELETE_SELF, ""));
    assertThat(nextEvent(w)).isEqualTo(new WatchEvent(wd, Kind.IGNORED, ""));
    assertQuiet(w);
  }

  @Test
  @DisplayName("while a handle holds a removed directory its IN_DELETE_SELF waits for the handle's close")
  void removedDirectoryHeldByAHandle() throws Exception {
    Handle d = mkdir("d");
    DirectoryWatch w = watch();
    int wd = w.add(d);
    host.unlinkAt(dir, "d", true);
    assertQuiet(w);
    d.close();
    assertThat(nextEvent(w)).isEqualTo(new WatchEvent(wd, Kind.DELETE_SELF, ""));
    assertThat(nextEvent(w)).isEqualTo(new WatchEvent(wd, Kind.IGNORED, ""));
  }

  // ================================================================ waiting

  @Test
  @DisplayName("nothing within the timeout: empty, after at least that much host time")
  void timeoutGivesEmpty() throws Exception {
    Handle d = mkdir("d");
    DirectoryWatch w = watch();
    w.add(d);
    long t0 = host.nanoTime();
    assertThat(w.next(Duration.ofMillis(300))).isEmpty();
    long waited = host.nanoTime() - t0;
    assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos()).isLessThan(Duration.ofSeconds(3).toNanos());
    assertThat(w.next(Duration.ZERO)).isEmpty();
  }

  @Test
  @DisplayName("a wait ends when the entry is made, not at the timeout")
  void waitEndsAtTheEvent() throws Exception {
    Handle d = mkdir("d");
    DirectoryWatch w = watch();
    int wd = w.add(d);
    long t0 = host.nanoTime();
    later(Duration.ofMillis(300), () -> socketAt(d, "late.sock"));
    Optional<WatchEvent> e = w.next(Duration.ofSeconds(10));
    long waited = host.nanoTime() - t0;
    assertThat(e).contains(new WatchEvent(wd, Kind.CREATE, "late.sock"));
    assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos()).isLessThan(Duration.ofSeconds(5).toNanos());
  }

  // ================================================================ errors

  @Test
  @DisplayName("a closed handle: EBADF")
  void closedHandleIsEbadf() throws Exception {
    Handle d = mkdir("d");
    DirectoryWatch w = watch();
    d.close();
    assertThatThrownBy(() -> w.add(d)).isInstanceOf(HostException.class)
        .satisfies(e -> assertThat(((HostException) e).errno()).isEqualTo(Errno.EBADF));
  }

  @Test
  @DisplayName("a closed watch: EBADF for add and next; close is idempotent")
  void closedWatchIsEbadf() throws Exception {
    Handle d = mkdir("d");
    DirectoryWatch w = watch();
    w.add(d);
    w.close();
    w.close();
    assertThatThrownBy(() -> w.add(d)).isInstanceOf(HostException.class)
        .satisfies(e -> assertThat(((HostException) e).errno()).isEqualTo(Errno.EBADF));
    assertThatThrownBy(() -> w.next(Duration.ZERO)).isInstanceOf(HostException.class)
        .satisfies(e -> assertThat(((HostException) e).errno()).isEqualTo(Errno.EBADF));
  }

  @Test
  @DisplayName("a handle on a socket or on a symlink is not a directory: ENOTDIR (the magic link is not followed further)")
  void notADirectory() throws Exception {
    Handle d = mkdir("d");
    socketAt(d, "s");
    host.symlinkAt(dirPath + "/d", dir, "link");
    Handle sock = track(host.open(p("d/s"), OpenHow.pathNoFollow()));
    Handle link = track(host.open(p("link"), OpenHow.pathNoFollow()));
    DirectoryWatch w = watch();
    assertThatThrownBy(() -> w.add(sock)).isInstanceOf(HostException.class)
        .satisfies(e -> assertThat(((HostException) e).errno()).isEqualTo(Errno.ENOTDIR));
    assertThatThrownBy(() -> w.add(link)).isInstanceOf(HostException.class)
        .satisfies(e -> assertThat(((HostException) e).errno()).isEqualTo(Errno.ENOTDIR));
  }
}
