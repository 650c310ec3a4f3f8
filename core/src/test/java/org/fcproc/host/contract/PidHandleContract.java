package org.fcproc.host.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fcproc.host.Errno;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.OpenHow;
import org.fcproc.host.PidHandle;
import org.fcproc.host.ProcessInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The process-handle contract ({@link HostOps#openPid}, {@link HostOps#signal(PidHandle, int)},
 * {@link HostOps#process(PidHandle)}) and the small read ({@link HostOps#read}) that fcproc's sure
 * kill and the jailer's pid file rely on (docs/DESIGN.md#readiness-and-identity, catalogue P2). Kernel facts held here, on
 * every backend: a pidfd of a live process can be signalled; once its process has exited and
 * been reaped, a signal through the pidfd is ESRCH — it never reaches another process; a pidfd
 * of a pid nobody has is ESRCH, of a pid that is not positive EINVAL; a closed pidfd EBADF.
 *
 * <p>A backend's test extends this class and gives a {@link ContractHost} and live processes of
 * its own to play with ({@link #startProcess}, ended by {@link #endProcess}, waited for and
 * reaped by {@link #awaitGone}).
 */
public abstract class PidHandleContract extends ContractSuite {
  protected PidHandleContract() {
    super("Pid-handle contract", "tests");
  }

  static final int SIGKILL = 9;
  /** Above {@code PID_MAX_LIMIT} (2^22 on 64-bit Linux): no process ever has it. */
  static final int NO_SUCH_PID = 4_194_304;

  /** Starts a process that runs until it is killed ({@code sleep 1000}); returns its pid. */
  protected abstract int startProcess() throws Exception;

  /** Ends a process started by {@link #startProcess} by other means than the SPI, and reaps it. */
  protected abstract void endProcess(int pid) throws Exception;

  /** Waits (at most {@code timeout}) until the process has exited and been reaped; true when it has. */
  protected abstract boolean awaitGone(int pid, Duration timeout) throws Exception;

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

  @Test
  void aPidfdOfALiveProcessNamesItAndTakesSignalZero() throws Exception {
    int pid = live();
    PidHandle h = track(host.openPid(pid));
    assertThat(h.pid()).isEqualTo(pid);
    host.signal(h, 0);
    Optional<ProcessInfo> byHandle = host.process(h);
    Optional<ProcessInfo> byPid = host.process(pid);
    assertThat(byHandle).isPresent();
    assertThat(byPid).isPresent();
    assertThat(byHandle.get().pid()).isEqualTo(pid);
    assertThat(byHandle.get().startTime()).isEqualTo(byPid.get().startTime());
    assertThat(byHandle.get().zombie()).isFalse();
    assertThat(byHandle.get().commandLine()).contains("1000");
  }

  @Test
  void sigkillThroughThePidfdEndsTheProcessThenItIsEsrch() throws Exception {
    int pid = live();
    int bystander = live();
    PidHandle h = track(host.openPid(pid));
    host.signal(h, SIGKILL);
    assertThat(awaitGone(pid, Duration.ofSeconds(10))).as("the process was killed and reaped").isTrue();
    assertThatThrownBy(() -> host.signal(h, SIGKILL)).isInstanceOfSatisfying(HostException.class,
        e -> assertThat(e.errno()).isEqualTo(Errno.ESRCH));
    assertThat(host.process(h)).as("the pidfd's process is gone").isEmpty();
    assertThat(host.process(bystander)).as("nothing else was signalled").isPresent();
  }

  @Test
  void aPidfdTakenBeforeTheExitGivesEsrchAfterAndSignalsNothing() throws Exception {
    int pid = live();
    int bystander = live();
    PidHandle h = track(host.openPid(pid));
    endProcess(pid);
    assertThat(awaitGone(pid, Duration.ofSeconds(10))).isTrue();
    assertThatThrownBy(() -> host.signal(h, SIGKILL)).isInstanceOfSatisfying(HostException.class,
        e -> assertThat(e.errno()).isEqualTo(Errno.ESRCH));
    assertThatThrownBy(() -> host.signal(h, 0)).isInstanceOfSatisfying(HostException.class,
        e -> assertThat(e.errno()).isEqualTo(Errno.ESRCH));
    assertThat(host.process(h)).isEmpty();
    PidHandle other = track(host.openPid(bystander));
    host.signal(other, 0);
    assertThat(host.process(bystander)).isPresent();
  }

  @Test
  void aPidNobodyHasIsEsrchAndANonPositivePidEinval() {
    assertThatThrownBy(() -> host.openPid(NO_SUCH_PID)).isInstanceOfSatisfying(HostException.class,
        e -> assertThat(e.errno()).isEqualTo(Errno.ESRCH));
    assertThatThrownBy(() -> host.openPid(0)).isInstanceOfSatisfying(HostException.class,
        e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    assertThatThrownBy(() -> host.openPid(-1)).isInstanceOfSatisfying(HostException.class,
        e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
  }

  @Test
  void aClosedPidfdIsEbadfAndClosingTwiceIsHarmless() throws Exception {
    int pid = live();
    PidHandle h = host.openPid(pid);
    h.close();
    h.close();
    assertThatThrownBy(() -> host.signal(h, 0)).isInstanceOfSatisfying(HostException.class,
        e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
    assertThat(host.process(pid)).as("the process lives on").isPresent();
  }

  // ---------------------------------------------------------------- read

  @Test
  void readGivesTheBytesUpToTheLimitFromTheHandlesPosition() throws Exception {
    String path = contract.scratch() + "/read-" + System.nanoTime();
    contract.writeFile(path, "12345\n".getBytes(StandardCharsets.US_ASCII));
    try (Handle f = host.open(path, OpenHow.readNoFollow())) {
      assertThat(new String(host.read(f, 3), StandardCharsets.US_ASCII)).isEqualTo("123");
      assertThat(new String(host.read(f, 100), StandardCharsets.US_ASCII)).isEqualTo("45\n");
      assertThat(host.read(f, 100)).isEmpty();
    }
    try (Handle f = host.open(path, OpenHow.readNoFollow())) {
      assertThat(host.read(f, 0)).isEmpty();
    }
  }

  @Test
  void readOfAPathHandleIsEbadfAndOfADirectoryEisdir() throws Exception {
    String path = contract.scratch() + "/read-path-" + System.nanoTime();
    contract.writeFile(path, "x".getBytes(StandardCharsets.US_ASCII));
    try (Handle f = host.open(path, OpenHow.pathNoFollow())) {
      assertThatThrownBy(() -> host.read(f, 10)).isInstanceOfSatisfying(HostException.class,
          e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
    }
    try (Handle d = host.open(contract.scratch(), OpenHow.readNoFollow())) {
      assertThatThrownBy(() -> host.read(d, 10)).isInstanceOfSatisfying(HostException.class,
          e -> assertThat(e.errno()).isEqualTo(Errno.EISDIR));
    }
  }
}
