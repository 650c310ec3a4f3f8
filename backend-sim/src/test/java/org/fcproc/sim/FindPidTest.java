package org.fcproc.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fcproc.sim.Calls.errno;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.FcprocException;
import org.fcproc.RefusedException;
import org.fcproc.host.Credentials;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.Handle;
import org.fcproc.host.OpenHow;
import org.fcproc.host.UnixConnection;
import org.junit.jupiter.api.Test;

/**
 * catalogue P1: a VM's firecracker is found by asking the kernel who listens on its API socket
 * ({@code SO_PEERCRED}), so a newer process that names the socket on its command line is not
 * taken for it; the seed's {@code pgrep -n -f} runs only when the socket cannot be connected.
 */
class FindPidTest {
  private static final Config CONFIG = new Config("/usr/bin/firecracker", "fcbr0", "172.16.0.1", "24", "/run/fcproc");
  private static final String SOCK = "/run/fcproc/vm1.sock";
  private static final String OTHER = "/run/fcproc/vm2.sock";

  private static int adversary(SimHost host, String sock) {
    return host.spawn(List.of("/usr/bin/sleep", "1000", sock), "/usr/bin/sleep", 1000, 1000);
  }

  private static boolean ran(SimHost host, String command) {
    return host.journal().stream().anyMatch(e -> e.call().equals("run") && e.args().startsWith(command + " "));
  }

  private static int pgrepNewest(SimHost host, String sock) throws Exception {
    return Integer.parseInt(host.run(List.of("pgrep", "-n", "-f", sock)).stdout().strip());
  }

  // ================================================================ as root

  private final SimHost host = SimHost.create();
  private final Fcproc fcproc = Fcproc.create(host, CONFIG);

  FindPidTest() throws Exception {
    fcproc.ensureSocketDir();
  }

  @Test
  void aNewerAdversaryNamingTheSocketIsNotTakenForFirecracker() throws Exception {
    int fc = host.spawnFirecracker(SOCK, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    int adv = adversary(host, SOCK);
    assertThat(adv).isGreaterThan(fc);
    assertThat(pgrepNewest(host, SOCK)).as("the seed's pgrep -n -f picks the adversary").isEqualTo(adv);
    FileStat before = host.inspect(SOCK).orElseThrow();
    long from = host.nextCallIndex();

    assertThat(fcproc.findPid(SOCK)).isEqualTo(fc);
    assertThat(fcproc.resolvePid(SOCK, OptionalInt.empty())).isEqualTo(fc);
    assertThat(fcproc.resolvePid(SOCK, OptionalInt.of(4242))).isEqualTo(fc);

    assertThat(host.journal().stream().filter(e -> e.index() >= from))
        .anySatisfy(e -> assertThat(e.call() + " " + e.outcome()).isEqualTo("getsockopt ok"))
        .noneSatisfy(e -> assertThat(e.call()).isEqualTo("run"));
    // Finding the pid hands nothing off, sends no request, and leaves both processes running.
    FileStat after = host.inspect(SOCK).orElseThrow();
    assertThat(after.uid()).isEqualTo(before.uid());
    assertThat(after.mode()).isEqualTo(before.mode());
    assertThat(host.apiRequests(fc)).isEmpty();
    assertThat(host.isRunning(fc)).isTrue();
    assertThat(host.isRunning(adv)).isTrue();
  }

  @Test
  void theWaitAndTheKillThenReachFirecrackerOnly() throws Exception {
    int fc = host.spawnFirecracker(SOCK, GuestBehaviour.IGNORES_CTRL_ALT_DEL, 0, 0);
    int adv = adversary(host, SOCK);
    int pid = fcproc.resolvePid(SOCK, OptionalInt.empty());
    fcproc.sendCtrlAltDel(SOCK);
    assertThatThrownBy(() -> fcproc.waitForExit(pid, SOCK, Duration.ofSeconds(1)))
        .isInstanceOf(org.fcproc.ExitTimeoutException.class);
    fcproc.kill(pid);
    assertThat(host.isRunning(fc)).isFalse();
    assertThat(host.isRunning(adv)).isTrue();
  }

  @Test
  void aSocketNobodyListensOnFallsBackToPgrepWithItsWeakness() throws Exception {
    host.socket(SOCK, 0, 0, 0600);
    int adv = adversary(host, SOCK);
    long from = host.nextCallIndex();
    // The fallback is the seed's: the newest command line naming the path (P1 stays open here).
    assertThat(fcproc.findPid(SOCK)).isEqualTo(adv);
    assertThat(host.journal().stream().filter(e -> e.index() >= from))
        .anySatisfy(e -> assertThat(e.call() + " " + e.outcome()).isEqualTo("connect ECONNREFUSED"));
    assertThat(ran(host, "pgrep -n -f")).isTrue();
  }

  @Test
  void firecrackerGoneLeavesItsSocketAndTheMachinePidDecides() throws Exception {
    int fc = host.spawnFirecracker(SOCK, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    host.exit(fc);
    assertThat(host.exists(SOCK)).isTrue();
    assertThatThrownBy(() -> fcproc.findPid(SOCK)).isInstanceOf(FcprocException.class);
    assertThat(fcproc.resolvePid(SOCK, OptionalInt.of(4242))).isEqualTo(4242);
    assertThat(fcproc.resolvePid(SOCK, OptionalInt.empty())).isZero();
  }

  @Test
  void noSocketYetFallsBackToPgrep() throws Exception {
    int starting = host.spawn(List.of("/usr/bin/firecracker", "--api-sock", SOCK), "/usr/bin/firecracker");
    assertThat(fcproc.findPid(SOCK)).isEqualTo(starting);
    assertThat(ran(host, "pgrep -n -f")).isTrue();
  }

  @Test
  void aSymlinkToAnotherVmsSocketIsRefusedWithoutFallback() throws Exception {
    host.spawnFirecracker(OTHER, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    host.symlink(SOCK, OTHER);
    adversary(host, SOCK);
    assertThatThrownBy(() -> fcproc.findPid(SOCK)).isInstanceOf(RefusedException.class).hasMessageContaining(SOCK);
    assertThat(ran(host, "pgrep")).isFalse();
    assertThat(fcproc.resolvePid(SOCK, OptionalInt.empty())).isZero();
  }

  @Test
  void aHardLinkToAnotherVmsSocketIsRefused() throws Exception {
    host.spawnFirecracker(OTHER, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    host.hardlink(OTHER, SOCK);
    assertThatThrownBy(() -> fcproc.findPid(SOCK)).isInstanceOf(RefusedException.class).hasMessageContaining("hard links");
    assertThat(ran(host, "pgrep")).isFalse();
  }

  @Test
  void aSymlinkedSocketDirectoryIsRefused() throws Exception {
    host.mkdirs("/run/real");
    host.spawnFirecracker("/run/real/vm1.sock", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    host.symlink("/run/link", "/run/real");
    assertThatThrownBy(() -> fcproc.findPid("/run/link/vm1.sock")).isInstanceOf(RefusedException.class);
  }

  // ================================================================ not root (sudo mode)

  @Test
  void notRootBeforeTheHandOffTheSocketCannotBeConnectedSoPgrepRunsAfterItTheKernelAnswers() throws Exception {
    SimHost host = SimHost.builder().credentials(new Credentials(1000, 1000, 1000)).build();
    Fcproc fcproc = Fcproc.create(host, CONFIG);
    host.mkdirs("/run/fcproc", 0711, 0, 0);
    int fc = host.spawnFirecracker(SOCK, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    int adv = adversary(host, SOCK);
    assertThat(fcproc.findPid(SOCK)).as("EACCES: the seed's pgrep, and its weakness").isEqualTo(adv);
    fcproc.ensureSocketAccess(SOCK, "firecracker api socket");
    assertThat(fcproc.findPid(SOCK)).isEqualTo(fc);
  }

  // ================================================================ the fake firecracker's connection

  @Test
  void peerPidIsTheServingProcessEvenAfterItExits() throws Exception {
    int fc = host.spawnFirecracker("/run/api.sock", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    host.spawn(List.of("/usr/bin/sleep", "1000", "/run/api.sock"), "/usr/bin/sleep");
    try (Handle h = host.open("/run/api.sock", OpenHow.pathNoFollow()); UnixConnection c = host.connect(h)) {
      assertThat(c.peerPid()).isEqualTo(fc);
      host.exit(fc);
      assertThat(c.peerPid()).isEqualTo(fc);
      UnixConnection closed = c;
      closed.close();
      assertThat(errno(closed::peerPid)).isEqualTo(Errno.EBADF);
    }
  }

  @Test
  void afterShutdownOutputTheServerHangsUpAndWritesFail() throws Exception {
    int fc = host.spawnFirecracker("/run/api.sock", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    try (Handle h = host.open("/run/api.sock", OpenHow.pathNoFollow()); UnixConnection c = host.connect(h)) {
      c.shutdownOutput();
      long before = host.nanoTime();
      assertThat(c.read(new byte[16], Duration.ofSeconds(5))).isEqualTo(-1);
      assertThat(host.nanoTime()).isEqualTo(before);
      assertThat(errno(() -> c.write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(1))))
          .isEqualTo(Errno.EPIPE);
    }
    assertThat(host.isRunning(fc)).isTrue();
    assertThat(host.apiRequests(fc)).isEmpty();
  }

  @Test
  void aRequestSentBeforeShutdownOutputIsStillAnswered() throws Exception {
    int fc = host.spawnFirecracker("/run/api.sock", GuestBehaviour.IGNORES_CTRL_ALT_DEL, 0, 0);
    try (Handle h = host.open("/run/api.sock", OpenHow.pathNoFollow()); UnixConnection c = host.connect(h)) {
      c.write("GET /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(1));
      c.shutdownOutput();
      byte[] buf = new byte[4096];
      int n = c.read(buf, Duration.ofSeconds(1));
      assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 400");
      assertThat(c.read(buf, Duration.ofSeconds(1))).isEqualTo(-1);
    }
    assertThat(host.apiRequests(fc)).hasSize(1);
  }
}
