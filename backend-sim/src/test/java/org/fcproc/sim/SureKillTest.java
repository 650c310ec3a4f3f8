package org.fcproc.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.FcprocException;
import org.fcproc.RefusedException;
import org.fcproc.host.Errno;
import org.fcproc.host.HostException;
import org.junit.jupiter.api.Test;

/**
 * catalogue P2 closed for the kill: {@link Fcproc#kill(int, String)} opens a pidfd, confirms the
 * process is the VM's, and signals through the pidfd, so a pid reused by an unrelated process is
 * never signalled; and the jailer's pid file ({@link Fcproc#findPidInChroot}) is a witness, never
 * trusted alone.
 */
class SureKillTest {
  private static final Config CONFIG = new Config("/usr/bin/firecracker", "fcbr0", "172.16.0.1", "24", "/run/fcproc");
  private static final String SOCK = "/run/fcproc/vm1.sock";
  private static final String OTHER = "/run/fcproc/vm2.sock";
  private static final List<String> SLEEPER = List.of("/usr/bin/sleep", "1000");

  private final SimHost host = SimHost.builder().pidMax(400).build();
  private final Fcproc fcproc = Fcproc.create(host, CONFIG);

  SureKillTest() throws Exception {
    fcproc.ensureSocketDir();
  }

  /** Exits {@code pid}'s process and spawns sleepers until one gets that pid back (the others exit). */
  private int exitAndReuse(int pid) {
    host.exit(pid);
    for (int i = 0; i < 1000; i++) {
      int p = host.spawn(SLEEPER, "/usr/bin/sleep", 1000, 1000);
      if (p == pid) {
        return p;
      }
      host.exit(p);
    }
    throw new AssertionError("pid " + pid + " never came back");
  }

  private static Errno causeErrno(Throwable t) {
    return ((HostException) t.getCause()).errno();
  }

  // ================================================================ the kill

  @Test
  void theKillOfAReusedPidIsRefusedAndTheNewProcessLives() throws Exception {
    int fc = host.spawnFirecracker(SOCK, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    int sleeper = exitAndReuse(fc);
    assertThat(sleeper).isEqualTo(fc);
    assertThatThrownBy(() -> fcproc.kill(fc, SOCK)).isInstanceOfSatisfying(RefusedException.class,
        e -> assertThat(e.getMessage()).contains("pid " + fc + " is not the VM's process", "/usr/bin/sleep 1000"));
    assertThat(host.isRunning(sleeper)).as("the new owner of the pid lives").isTrue();
    assertThat(host.journal()).noneSatisfy(e -> assertThat(e.call()).isIn("kill", "pidfd_send_signal"));
    // The seed's kill trusts the pid (P2 open there).
    fcproc.kill(fc);
    assertThat(host.isRunning(sleeper)).isFalse();
  }

  @Test
  void theNormalKillWorksThroughThePidfd() throws Exception {
    int fc = host.spawnFirecracker(SOCK, GuestBehaviour.IGNORES_CTRL_ALT_DEL, 0, 0);
    int bystander = host.spawn(List.of("/usr/bin/sleep", "1000", SOCK), "/usr/bin/sleep", 1000, 1000);
    fcproc.kill(fc, SOCK);
    assertThat(host.isRunning(fc)).isFalse();
    assertThat(host.isRunning(bystander)).isTrue();
    List<String> calls = host.journal().stream().map(e -> e.call() + " " + e.outcome()).toList();
    assertThat(calls).containsSubsequence("pidfd_open ok", "getsockopt ok", "pidfd_send_signal ok", "close ok");
    assertThat(calls).doesNotContain("kill ok");
  }

  @Test
  void anotherVmsProcessIsRefusedByTheKernelsAnswer() throws Exception {
    int fc1 = host.spawnFirecracker(SOCK, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    int fc2 = host.spawnFirecracker(OTHER, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    assertThatThrownBy(() -> fcproc.kill(fc2, SOCK)).isInstanceOfSatisfying(RefusedException.class,
        e -> assertThat(e.getMessage()).contains("pid " + fc2 + " is not the VM's process (pid " + fc1 + " listens"));
    assertThat(host.isRunning(fc1)).isTrue();
    assertThat(host.isRunning(fc2)).isTrue();
  }

  @Test
  void aSocketThatNoLongerAnswersFallsBackToTheCommandLine() throws Exception {
    int fc = host.spawnFirecracker(SOCK, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    host.remove(SOCK); // ENOENT: the socket is gone, firecracker still runs
    fcproc.kill(fc, SOCK);
    assertThat(host.isRunning(fc)).isFalse();
  }

  @Test
  void aPidReusedBetweenTheCheckAndTheSignalIsNotSignalled() throws Exception {
    int fc = host.spawnFirecracker(SOCK, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    int[] reused = {0};
    host.beforeEachCall(c -> {
      if (c.call().equals("pidfd_send_signal") && reused[0] == 0) {
        reused[0] = exitAndReuse(fc);
      }
    });
    assertThatThrownBy(() -> fcproc.kill(fc, SOCK)).isInstanceOfSatisfying(FcprocException.class,
        e -> assertThat(causeErrno(e)).isEqualTo(Errno.ESRCH));
    assertThat(reused[0]).isEqualTo(fc);
    assertThat(host.isRunning(reused[0])).as("the pidfd's process was gone: nothing else was signalled").isTrue();
  }

  @Test
  void aGonePidIsEsrchAndBadInputIsRefusedBeforeTheHost() throws Exception {
    int fc = host.spawnFirecracker(SOCK, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    host.exit(fc);
    assertThatThrownBy(() -> fcproc.kill(fc, SOCK)).isInstanceOfSatisfying(FcprocException.class,
        e -> assertThat(causeErrno(e)).isEqualTo(Errno.ESRCH));
    long from = host.nextCallIndex();
    assertThatThrownBy(() -> fcproc.kill(0, SOCK)).isInstanceOf(org.fcproc.InvalidInputException.class);
    assertThatThrownBy(() -> fcproc.kill(fc, "relative.sock")).isInstanceOf(org.fcproc.InvalidInputException.class);
    assertThat(host.journal().stream().filter(e -> e.index() >= from)).isEmpty();
  }

  @Test
  void aSymlinkAtTheSocketIsRefusedAndNothingIsSignalled() throws Exception {
    int fc1 = host.spawnFirecracker(SOCK, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    int fc2 = host.spawnFirecracker(OTHER, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    host.remove(SOCK);
    host.symlink(SOCK, OTHER);
    assertThatThrownBy(() -> fcproc.kill(fc2, SOCK)).isInstanceOf(RefusedException.class);
    assertThat(host.isRunning(fc1)).isTrue();
    assertThat(host.isRunning(fc2)).isTrue();
  }

  // ================================================================ the jailer's pid file

  private static final String ROOT = "/srv/jailer/firecracker/vm1/root";
  private static final String JSOCK = ROOT + "/run/firecracker.socket";
  private static final String PIDFILE = ROOT + "/firecracker.pid";

  private void chroot() {
    host.mkdirs(ROOT + "/run", 0755, 123, 100);
    host.setOwner(ROOT, 123, 100);
  }

  private void pidFile(int pid) {
    host.writeFile(PIDFILE, (pid + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0644, 0, 0);
  }

  @Test
  void aPidFileThatAgreesWithTheKernel() throws Exception {
    chroot();
    int fc = host.spawnFirecracker(JSOCK, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 123, 100);
    pidFile(fc);
    assertThat(fcproc.findPidInChroot(ROOT, JSOCK)).isEqualTo(fc);
  }

  @Test
  void aPlantedPidFileIsOverruledByTheKernel() throws Exception {
    chroot();
    int fc = host.spawnFirecracker(JSOCK, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 123, 100);
    int unrelated = host.spawn(SLEEPER, "/usr/bin/sleep", 1000, 1000);
    host.writeFile(PIDFILE, (unrelated + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0644, 123, 100);
    assertThat(fcproc.findPidInChroot(ROOT, JSOCK)).isEqualTo(fc);
  }

  @Test
  void aPlantedPidFileIsNotTrustedWhenTheSocketDoesNotAnswer() throws Exception {
    chroot();
    int fc = host.spawnFirecracker(JSOCK, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 123, 100);
    host.exit(fc); // the socket stays; nobody listens
    int unrelated = host.spawn(SLEEPER, "/usr/bin/sleep", 1000, 1000);
    pidFile(unrelated);
    assertThatThrownBy(() -> fcproc.findPidInChroot(ROOT, JSOCK)).isInstanceOfSatisfying(RefusedException.class,
        e -> assertThat(e.getMessage()).contains("not trusted", "/usr/bin/sleep"));
    assertThat(host.isRunning(unrelated)).isTrue();
  }

  @Test
  void thePidFilesProcessRunningInTheChrootIsUsedWhenTheSocketDoesNotAnswer() throws Exception {
    chroot();
    // As the host sees a jailed firecracker: executable /firecracker, its root the chroot.
    int jailed = host.spawnJailedFirecracker(ROOT, "vm1", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 123, 100);
    host.remove(JSOCK);
    assertThat(fcproc.findPidInChroot(ROOT, JSOCK)).isEqualTo(jailed);
  }

  @Test
  void aPidFileThatIsASymlinkOrLinkedOrForeignOrGarbageIsRefused() throws Exception {
    chroot();
    int fc = host.spawnFirecracker(JSOCK, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 123, 100);
    host.writeFile("/etc/elsewhere.pid", (fc + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0644, 0, 0);

    host.symlink(PIDFILE, "/etc/elsewhere.pid");
    assertThatThrownBy(() -> fcproc.findPidInChroot(ROOT, JSOCK)).isInstanceOfSatisfying(RefusedException.class,
        e -> assertThat(e.getMessage()).contains("symlink"));
    host.remove(PIDFILE);

    host.hardlink("/etc/elsewhere.pid", PIDFILE);
    assertThatThrownBy(() -> fcproc.findPidInChroot(ROOT, JSOCK)).isInstanceOfSatisfying(RefusedException.class,
        e -> assertThat(e.getMessage()).contains("2 links"));
    host.remove(PIDFILE);

    host.writeFile(PIDFILE, (fc + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0644, 1000, 1000);
    assertThatThrownBy(() -> fcproc.findPidInChroot(ROOT, JSOCK)).isInstanceOfSatisfying(RefusedException.class,
        e -> assertThat(e.getMessage()).contains("owned by uid 1000"));
    host.remove(PIDFILE);

    host.writeFile(PIDFILE, "12x\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0644, 0, 0);
    assertThatThrownBy(() -> fcproc.findPidInChroot(ROOT, JSOCK)).isInstanceOfSatisfying(RefusedException.class,
        e -> assertThat(e.getMessage()).contains("does not hold a pid"));
    host.remove(PIDFILE);

    host.writeFile(PIDFILE, "1".repeat(64).getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0644, 0, 0);
    assertThatThrownBy(() -> fcproc.findPidInChroot(ROOT, JSOCK)).isInstanceOfSatisfying(RefusedException.class,
        e -> assertThat(e.getMessage()).contains("bytes long"));
    host.remove(PIDFILE);

    // No pid file: exactly findPid.
    assertThat(fcproc.findPidInChroot(ROOT, JSOCK)).isEqualTo(fc);
    assertThat(host.isRunning(fc)).isTrue();
  }
}
