package org.fcproc.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.fcproc.CommandFailedException;
import org.fcproc.Config;
import org.fcproc.ExitTimeoutException;
import org.fcproc.Fcproc;
import org.fcproc.FcprocException;
import org.fcproc.RefusedException;
import org.fcproc.SweepReport;
import org.fcproc.SweepSpec;
import org.fcproc.host.PidHandle;
import org.junit.jupiter.api.Test;

/**
 * The identity of a jailed VM on the simulator, the same cases as the kernel's
 * {@code JailedIdentityKernelTest}: the simulator shows a jailed firecracker as the host sees the
 * real one ({@link SimHost#spawnJailedFirecracker}: executable {@code /firecracker}, a command line
 * without host paths, its root the chroot, the jailer's pid file written after it started).
 */
class JailedIdentityTest {
  private static final Config CONFIG = new Config("/usr/bin/firecracker", "fcbr0", "172.16.0.1", "24", "/run/fcproc");
  private static final String BASE = "/srv/jailer/firecracker";
  private static final String ROOT = BASE + "/vm1/root";
  private static final String SOCK = ROOT + "/run/firecracker.socket";
  private static final List<String> SLEEPER = List.of("/usr/bin/sleep", "1000");

  private final SimHost host = SimHost.builder().pidMax(400).build();
  private final Fcproc fcproc = Fcproc.create(host, CONFIG);

  JailedIdentityTest() throws Exception {
    fcproc.ensureSocketDir();
    host.mkdirs(ROOT, 0755, 123, 100);
  }

  private int jailed() {
    int pid = host.spawnJailedFirecracker(ROOT, "vm1", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 123, 100);
    host.advance(Duration.ofSeconds(1));
    return pid;
  }

  /** Exits {@code pid}'s process and spawns processes (by {@code spawn}) until one gets that pid back. */
  private int exitAndReuse(int pid, java.util.function.IntSupplier spawn) {
    host.exit(pid);
    host.advance(Duration.ofSeconds(1));
    for (int i = 0; i < 1000; i++) {
      int p = spawn.getAsInt();
      if (p == pid) {
        return p;
      }
      host.exit(p);
    }
    throw new AssertionError("pid " + pid + " never came back");
  }

  @Test
  void theSimulatorShowsAJailedFirecrackerAsTheKernelDoes() throws Exception {
    int fc = jailed();
    var info = host.processes().stream().filter(p -> p.pid() == fc).findFirst().orElseThrow();
    assertThat(info.executable()).isEqualTo("/firecracker");
    assertThat(info.argv()).containsExactly("/firecracker", "--id", "vm1", "--api-sock", "/run/firecracker.socket");
    try (PidHandle h = host.openPid(fc)) {
      assertThat(host.processRoot(h).sameInode(host.inspect(ROOT).orElseThrow())).isTrue();
      assertThat(host.processStartTime(h)).isBefore(java.time.Instant.ofEpochSecond(1_704_067_200L + 10_000));
    }
    assertThat(host.readString(ROOT + "/firecracker.pid").strip()).isEqualTo(Integer.toString(fc));
  }

  // ---------------------------------------------------------------- the four failures of the issue

  @Test
  void theWaitDoesNotAnswerExitedWhileAJailedVmRuns() throws Exception {
    int fc = jailed();
    assertThatThrownBy(() -> fcproc.waitForExit(fc, SOCK, Duration.ofMillis(500))).isInstanceOf(ExitTimeoutException.class);
    host.remove(SOCK);
    assertThatThrownBy(() -> fcproc.waitForExit(fc, SOCK, Duration.ofMillis(500))).isInstanceOf(ExitTimeoutException.class);
    assertThat(host.isRunning(fc)).isTrue();
    host.at(Duration.ofMillis(300), () -> host.exit(fc));
    fcproc.waitForExit(fc, SOCK, Duration.ofSeconds(2));
  }

  @Test
  void findPidInChrootTakesThePidFromTheJailersOwnPidFile() throws Exception {
    int fc = jailed();
    host.remove(SOCK);
    assertThat(fcproc.findPidInChroot(ROOT, SOCK)).isEqualTo(fc);
  }

  @Test
  void theSafeKillKillsAJailedVmWhoseSocketIsGone() throws Exception {
    int fc = jailed();
    host.remove(SOCK);
    fcproc.kill(fc, SOCK);
    assertThat(host.isRunning(fc)).isFalse();
  }

  @Test
  void findPidFindsAJailedVmWhoseSocketIsSilentWherePgrepCannot() throws Exception {
    int fc = jailed();
    host.remove(SOCK);
    assertThat(host.run(List.of("pgrep", "-f", SOCK)).exitCode()).as("no command line names the host path").isEqualTo(1);
    assertThat(fcproc.findPid(SOCK)).isEqualTo(fc);
    assertThat(fcproc.resolvePid(SOCK, OptionalInt.empty())).isEqualTo(fc);
  }

  // ---------------------------------------------------------------- what is not the VM

  @Test
  void aReusedPidOutsideTheChrootCountsAsExitedAndIsNotKilled() throws Exception {
    int fc = jailed();
    int other = exitAndReuse(fc, () -> host.spawn(SLEEPER, "/usr/bin/sleep", 1000, 1000));
    long t0 = host.nanoTime();
    fcproc.waitForExit(other, SOCK, Duration.ofSeconds(5));
    assertThat(host.nanoTime() - t0).isLessThan(Duration.ofMillis(100).toNanos());
    assertThatThrownBy(() -> fcproc.kill(other, SOCK)).isInstanceOfSatisfying(RefusedException.class,
        e -> assertThat(e.getMessage()).contains("is not the VM's process", "root directory is not the chroot"));
    assertThatThrownBy(() -> fcproc.findPidInChroot(ROOT, SOCK)).isInstanceOfSatisfying(RefusedException.class,
        e -> assertThat(e.getMessage()).contains("not trusted"));
    assertThat(host.isRunning(other)).isTrue();
  }

  @Test
  void aReusedPidInsideTheChrootIsUnsureNotKilledAndWaitedFor() throws Exception {
    int fc = jailed();
    // The VM's uid runs something in its own chroot (through a user namespace) that got the pid back.
    int other = exitAndReuse(fc, () -> host.spawnIn(ROOT, List.of("/firecracker", "--id", "vm1", "--api-sock",
        "/run/firecracker.socket"), "/firecracker", 123, 100));
    assertThatThrownBy(() -> fcproc.kill(other, SOCK)).isInstanceOfSatisfying(RefusedException.class,
        e -> assertThat(e.getMessage()).contains("not confirmed", "after its pid file was written"));
    assertThatThrownBy(() -> fcproc.waitForExit(other, SOCK, Duration.ofMillis(300))).isInstanceOf(ExitTimeoutException.class);
    assertThat(host.isRunning(other)).isTrue();
  }

  @Test
  void aProcessInTheChrootWithoutTheIdIsNotConfirmed() throws Exception {
    jailed();
    host.remove(SOCK);
    int stranger = host.spawnIn(ROOT, List.of("/firecracker", "--api-sock", "/run/firecracker.socket"), "/firecracker", 123, 100);
    host.writeFile(ROOT + "/firecracker.pid", (stranger + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0644, 0, 0);
    assertThatThrownBy(() -> fcproc.kill(stranger, SOCK)).isInstanceOfSatisfying(RefusedException.class,
        e -> assertThat(e.getMessage()).contains("not confirmed", "no --id vm1"));
    assertThat(host.isRunning(stranger)).isTrue();
  }

  @Test
  void anUnjailedFirecrackerOnAPathThatLooksJailedKeepsTheSeedsRule() throws Exception {
    host.mkdirs(ROOT + "/run", 0755, 123, 100);
    int fc = host.spawnFirecracker(SOCK, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 123, 100);
    host.remove(SOCK);
    assertThat(fcproc.findPid(SOCK)).as("no pid file: pgrep, whole arguments").isEqualTo(fc);
    fcproc.kill(fc, SOCK);
    assertThat(host.isRunning(fc)).isFalse();
  }

  // ---------------------------------------------------------------- the pgrep fallback (unjailed)

  @Test
  void pgrepsFallbackComparesWholeArgumentsNeverASubstring() throws Exception {
    String sock = "/run/fcproc/vm1.sock";
    int old = host.spawnFirecracker(sock + ".old", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    assertThat(Integer.parseInt(host.run(List.of("pgrep", "-n", "-f", "/run/fcproc/vm1\\.sock")).stdout().strip()))
        .as("the seed's pattern matches the other VM").isEqualTo(old);
    assertThatThrownBy(() -> fcproc.findPid(sock)).isInstanceOf(CommandFailedException.class);
    assertThat(fcproc.resolvePid(sock, OptionalInt.empty())).isZero();
    // The wait and the kill do not take the other VM for this one either.
    fcproc.waitForExit(old, sock, Duration.ofSeconds(5));
    assertThatThrownBy(() -> fcproc.kill(old, sock)).isInstanceOf(RefusedException.class);
    assertThat(host.isRunning(old)).isTrue();
  }

  @Test
  void anArgumentThatContainsThePathBetweenSpacesIsNotTakenEither() throws Exception {
    String sock = "/run/fcproc/vm1.sock";
    host.spawn(List.of("/bin/sh", "-c", "x " + sock + " y"), "/bin/sh", 1000, 1000);
    assertThatThrownBy(() -> fcproc.findPid(sock)).isInstanceOfSatisfying(FcprocException.class,
        e -> assertThat(e.getMessage()).contains("as a whole argument", "only contains it"));
  }

  // ---------------------------------------------------------------- the sweep

  @Test
  void theSweepSeesAProcessWhoseRootIsTheChroot() throws Exception {
    host.mkdirs(BASE + "/vm-quiet/root", 0755, 123, 100);
    int quiet = host.spawnIn(BASE + "/vm-quiet/root", List.of("/firecracker", "--id", "unrelated"), "/firecracker", 123, 100);
    SweepReport r = fcproc.sweep(new SweepSpec(BASE, true));
    assertThat(r.alive()).anySatisfy(i -> {
      assertThat(i.path()).isEqualTo(BASE + "/vm-quiet");
      assertThat(i.reason()).contains("pid " + quiet + " runs in the chroot");
    });
    assertThat(r.reclaimed()).anySatisfy(i -> assertThat(i.path()).isEqualTo(BASE + "/vm1"));
    host.exit(quiet);
    SweepReport after = fcproc.sweep(new SweepSpec(BASE, true));
    assertThat(after.reclaimed()).anySatisfy(i -> assertThat(i.path()).isEqualTo(BASE + "/vm-quiet"));
  }
}
