package org.fcproc.host.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.OpenHow;
import org.fcproc.host.PidHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The process-identity contract ({@link HostOps#processRoot}, {@link HostOps#processStartTime},
 * {@link HostOps#modificationTime}), by which core recognises a jailed VM's firecracker. Kernel facts
 * held here, on every backend:
 * <ul>
 *   <li>a process's root directory, looked at through its pidfd, is the inode at {@code /} for an
 *       ordinary process and the chroot directory's inode (same {@code dev} and {@code ino} as a
 *       {@code stat} of the chroot's path) for a process whose root is the chroot;
 *   <li>a process's start and a file's modification time are on one clock: a process started
 *       before a file was written has a start no later than the file's time, one started after a
 *       later one;
 *   <li>once the process has been reaped both process calls are ESRCH; a closed pidfd is EBADF.
 * </ul>
 *
 * <p>A backend's test extends this class and gives a {@link ContractHost} and live processes of its
 * own ({@link #startProcess}, {@link #startProcessRootedIn}, ended by {@link #endProcess}, waited
 * for and reaped by {@link #awaitGone}).
 */
public abstract class ProcessIdentityContract extends ContractSuite {
  protected ProcessIdentityContract() {
    super("Process-identity contract", "tests");
  }

  /** Starts an ordinary process that runs until it is killed; returns its pid. */
  protected abstract int startProcess() throws Exception;

  /**
   * Starts a process whose root directory is {@code dir} (an empty directory in the scratch area
   * that the backend may fill with what the process needs), as {@code chroot(2)} or the jailer's
   * {@code pivot_root} leaves it; it runs until it is killed. Returns its pid.
   */
  protected abstract int startProcessRootedIn(String dir) throws Exception;

  /** Ends a process started here by other means than the SPI, and reaps it. */
  protected abstract void endProcess(int pid) throws Exception;

  /** Waits (at most {@code timeout}) until the process has exited and been reaped. */
  protected abstract boolean awaitGone(int pid, Duration timeout) throws Exception;

  /** Between a process start and a file write, so that the two are far apart on both clocks. */
  static final Duration GAP = Duration.ofMillis(150);

  private final List<Integer> started = new ArrayList<>();
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    opened.clear();
    for (int pid : started) {
      endProcess(pid);
    }
    started.clear();
  }

  private int live() throws Exception {
    int pid = startProcess();
    started.add(pid);
    return pid;
  }

  private <T extends AutoCloseable> T track(T c) {
    opened.add(c);
    return c;
  }

  private String freshDir(String name) throws Exception {
    String dir = contract.scratch() + "/" + name + "-" + System.nanoTime();
    try (Handle scratch = host.open(contract.scratch(), OpenHow.directoryNoFollow())) {
      host.mkdirAt(scratch, dir.substring(dir.lastIndexOf('/') + 1), 0755);
    }
    return dir;
  }

  @Test
  void theRootOfAnOrdinaryProcessIsTheHostsRoot() throws Exception {
    PidHandle h = track(host.openPid(live()));
    FileStat root = host.processRoot(h);
    assertThat(root.sameInode(host.stat("/"))).isTrue();
  }

  @Test
  void theRootOfAProcessRootedInADirectoryIsThatDirectory() throws Exception {
    String dir = freshDir("jail");
    int pid = startProcessRootedIn(dir);
    started.add(pid);
    PidHandle h = track(host.openPid(pid));
    FileStat root = host.processRoot(h);
    assertThat(root.sameInode(host.stat(dir))).as("the inode at " + dir).isTrue();
    assertThat(root.sameInode(host.stat("/"))).isFalse();
    assertThat(root.type()).isEqualTo(org.fcproc.host.FileType.DIRECTORY);
  }

  @Test
  void aProcessStartedBeforeAFileWasWrittenStartedNoLaterThanItsTimeAndOneStartedAfterLater() throws Exception {
    PidHandle before = track(host.openPid(live()));
    host.sleep(GAP);
    String file = contract.scratch() + "/written-" + System.nanoTime();
    contract.writeFile(file, "4242\n".getBytes(StandardCharsets.US_ASCII));
    Instant written;
    try (Handle f = host.open(file, OpenHow.pathNoFollow())) {
      written = host.modificationTime(f);
    }
    host.sleep(GAP);
    PidHandle after = track(host.openPid(live()));

    Instant startBefore = host.processStartTime(before);
    Instant startAfter = host.processStartTime(after);
    assertThat(startBefore).as("started before the write").isBeforeOrEqualTo(written);
    assertThat(startAfter).as("started after the write").isAfter(written);
    // The boot time on the wall clock is read anew each time (a clock step must move it), from two
    // clocks read one after the other: the same answer, give or take a millisecond.
    assertThat(Duration.between(startBefore, host.processStartTime(before)).abs()).as("the same answer twice")
        .isLessThan(Duration.ofMillis(1));
  }

  @Test
  void aFileWrittenAgainLaterHasALaterTimeAndAnyHandleWillDo() throws Exception {
    String file = contract.scratch() + "/rewritten-" + System.nanoTime();
    contract.writeFile(file, "1".getBytes(StandardCharsets.US_ASCII));
    Instant first;
    try (Handle f = host.open(file, OpenHow.readNoFollow())) {
      first = host.modificationTime(f);
    }
    host.sleep(GAP);
    contract.writeFile(file, "2".getBytes(StandardCharsets.US_ASCII));
    try (Handle f = host.open(file, OpenHow.pathNoFollow())) {
      assertThat(host.modificationTime(f)).isAfter(first);
    }
  }

  @Test
  void aReapedProcessIsEsrchAndAClosedPidfdEbadf() throws Exception {
    int pid = live();
    PidHandle h = track(host.openPid(pid));
    endProcess(pid);
    assertThat(awaitGone(pid, Duration.ofSeconds(10))).isTrue();
    assertThatThrownBy(() -> host.processRoot(h)).isInstanceOfSatisfying(HostException.class,
        e -> assertThat(e.errno()).isEqualTo(Errno.ESRCH));
    assertThatThrownBy(() -> host.processStartTime(h)).isInstanceOfSatisfying(HostException.class,
        e -> assertThat(e.errno()).isEqualTo(Errno.ESRCH));

    PidHandle closed = host.openPid(live());
    closed.close();
    assertThatThrownBy(() -> host.processRoot(closed)).isInstanceOfSatisfying(HostException.class,
        e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
    assertThatThrownBy(() -> host.processStartTime(closed)).isInstanceOfSatisfying(HostException.class,
        e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
  }
}
