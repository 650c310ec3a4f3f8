package org.fcproc.linux.jail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fcproc.Config;
import org.fcproc.ExitTimeoutException;
import org.fcproc.Fcproc;
import org.fcproc.FcprocException;
import org.fcproc.RefusedException;
import org.fcproc.SweepReport;
import org.fcproc.SweepSpec;
import org.fcproc.host.Errno;
import org.fcproc.host.HostException;
import org.fcproc.host.MountFlag;
import org.fcproc.host.PidHandle;
import org.fcproc.host.UmountFlag;
import org.fcproc.linux.KernelNamespaceGate;
import org.fcproc.linux.LinuxHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The identity of a jailed VM on the real kernel (the issue "The real jailer", item 1): a fake
 * firecracker jailed as Firecracker's jailer does it ({@link JailedFirecracker}: own mount
 * namespace, {@code pivot_root} into {@code <base>/firecracker/<id>/root}, {@code /firecracker.pid},
 * exec {@code /firecracker --id <id> --api-sock /run/firecracker.socket}), seen from the host, where
 * {@code /proc/PID/exe} reads {@code /firecracker} and the command line names no host path.
 *
 * <p>Each of the four failures of the issue is one test here, and each failed before
 * {@code VmIdentity}: the wait answered "exited" for a running jailed VM; {@code findPidInChroot}
 * refused the pid from the jailer's own pid file; the safe kill refused the VM once its socket file
 * was gone; {@code pgrep} could never find a jailed firecracker. Then the other side: what is not
 * the VM is still refused, and the {@code pgrep} fallback compares whole arguments.
 *
 * <p>Everything happens in a tmpfs mounted in the test JVM's throwaway mount namespace (the
 * Surefire wrapper's), and the fake's own mounts are in a namespace of its own below that one; the
 * processes are the test's own, killed through pidfds at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JailedIdentityKernelTest {
  private LinuxHost host;
  private Path scratch;
  private boolean mounted;
  private JailedFirecracker fake;
  private Fcproc fcproc;
  private int vms;
  private final List<PidHandle> toKill = new ArrayList<>();
  private final List<Process> toDestroy = new ArrayList<>();

  @BeforeAll
  void setUp() throws Exception {
    KernelNamespaceGate.assumeInside();
    host = LinuxHost.create();
    scratch = Files.createTempDirectory(Path.of("/tmp"), "fcproc-jail-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    host.mount("tmpfs", scratch.toString(), "tmpfs", EnumSet.noneOf(MountFlag.class), "mode=0755,size=64m");
    mounted = true;
    fake = JailedFirecracker.compile(scratch);
    Files.createDirectories(scratch.resolve("run/fcproc"));
    fcproc = Fcproc.create(host, new Config("/usr/bin/firecracker", "fcbr0", "172.16.0.1", "24",
        scratch.resolve("run/fcproc").toString()));
  }

  @AfterEach
  void endProcesses() throws Exception {
    for (PidHandle h : toKill) {
      try {
        host.signal(h, 9);
      } catch (HostException e) {
        if (!e.is(Errno.ESRCH)) {
          throw e;
        }
      }
      h.close();
    }
    toKill.clear();
    for (Process p : toDestroy) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    toDestroy.clear();
  }

  @AfterAll
  void tearDown() throws Exception {
    if (mounted) {
      host.umount2(scratch.toString(), EnumSet.of(UmountFlag.DETACH));
    }
    if (scratch != null) {
      Files.deleteIfExists(scratch);
    }
  }

  /** A jailed fake in a fresh {@code <scratch>/srv/jailer/firecracker/<id>/root}; killed after the test. */
  private JailedFirecracker.Jailed jailed(boolean newPidNamespace) throws IOException {
    String id = "vm" + (++vms);
    JailedFirecracker.Jailed j = fake.jail(scratch.resolve("srv/jailer/firecracker/" + id + "/root"), id, newPidNamespace, false);
    toKill.add(host.openPid(j.pid));
    toDestroy.add(j.jailer);
    return j;
  }

  private Process sleeper() throws IOException {
    Process p = new ProcessBuilder("sleep", "1000").start();
    toDestroy.add(p);
    return p;
  }

  private boolean alive(int pid) throws HostException {
    return host.process(pid).filter(p -> !p.zombie()).isPresent();
  }

  private boolean awaitGone(int pid) throws Exception {
    for (int i = 0; i < 200; i++) {
      if (!alive(pid)) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  @Test
  void theHostSeesWhatTheIssueDescribes() throws Exception {
    JailedFirecracker.Jailed vm = jailed(false);
    assertThat(Files.readSymbolicLink(Path.of("/proc/" + vm.pid + "/exe"))).hasToString("/firecracker");
    assertThat(host.process(vm.pid).orElseThrow().argv())
        .containsExactly("/firecracker", "--id", "vm" + vms, "--api-sock", "/run/firecracker.socket");
    try (PidHandle h = host.openPid(vm.pid)) {
      assertThat(host.processRoot(h).sameInode(host.stat(vm.chroot.toString())))
          .as("a stat through /proc/PID/root lands on the chroot directory").isTrue();
    }
  }

  // ---------------------------------------------------------------- the four failures of the issue

  @Test
  void theWaitDoesNotAnswerExitedWhileAJailedVmRuns() throws Exception {
    JailedFirecracker.Jailed vm = jailed(false);
    String sock = vm.apiSock.toString();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> fcproc.waitForExit(vm.pid, sock, Duration.ofMillis(300)))
        .isInstanceOf(ExitTimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(alive(vm.pid)).isTrue();

    // Its socket gone (nobody can be asked): the pid file and the root directory say it still runs.
    Files.delete(vm.apiSock);
    assertThatThrownBy(() -> fcproc.waitForExit(vm.pid, sock, Duration.ofMillis(300)))
        .isInstanceOf(ExitTimeoutException.class);
    assertThat(alive(vm.pid)).isTrue();
  }

  @Test
  void theWaitEndsWhenTheJailedVmShutsDown() throws Exception {
    JailedFirecracker.Jailed vm = jailed(false);
    String sock = vm.apiSock.toString();
    fcproc.sendCtrlAltDel(sock);
    fcproc.waitForExit(vm.pid, sock, Duration.ofSeconds(10));
    assertThat(awaitGone(vm.pid)).isTrue();
  }

  @Test
  void findPidInChrootTakesThePidFromTheJailersOwnPidFile() throws Exception {
    JailedFirecracker.Jailed vm = jailed(false);
    Files.delete(vm.apiSock); // the socket does not answer: the pid file is the evidence
    assertThat(fcproc.findPidInChroot(vm.chroot.toString(), vm.apiSock.toString())).isEqualTo(vm.pid);
  }

  @Test
  void theSafeKillKillsAJailedVmWhoseSocketIsGone() throws Exception {
    JailedFirecracker.Jailed vm = jailed(false);
    Files.delete(vm.apiSock);
    fcproc.kill(vm.pid, vm.apiSock.toString());
    assertThat(awaitGone(vm.pid)).as("the jailed VM was killed").isTrue();
  }

  @Test
  void findPidFindsAJailedVmWhoseSocketIsSilentWherePgrepCannot() throws Exception {
    JailedFirecracker.Jailed vm = jailed(false);
    String sock = vm.apiSock.toString();
    Files.delete(vm.apiSock);
    assertThat(host.run(List.of("pgrep", "-f", sock)).exitCode())
        .as("no command line names the socket's host path").isEqualTo(1);
    assertThat(fcproc.findPid(sock)).isEqualTo(vm.pid);
  }

  @Test
  void aJailedVmInANewPidNamespaceIsTheSameToTheHost() throws Exception {
    JailedFirecracker.Jailed vm = jailed(true);
    String sock = vm.apiSock.toString();
    assertThat(Files.readString(Path.of("/proc/" + vm.pid + "/status"))).containsPattern("NSpid:\\s+" + vm.pid + "\\s+1\\b");
    assertThat(fcproc.findPid(sock)).as("SO_PEERCRED, translated to the host's pid").isEqualTo(vm.pid);
    assertThatThrownBy(() -> fcproc.waitForExit(vm.pid, sock, Duration.ofMillis(200))).isInstanceOf(ExitTimeoutException.class);
    Files.delete(vm.apiSock);
    assertThat(fcproc.findPid(sock)).as("the pid file").isEqualTo(vm.pid);
    fcproc.kill(vm.pid, sock);
    assertThat(awaitGone(vm.pid)).isTrue();
  }

  // ---------------------------------------------------------------- and what is not the VM

  @Test
  void aProcessOutsideTheChrootIsNeitherWaitedForNorKilled() throws Exception {
    JailedFirecracker.Jailed vm = jailed(false);
    String sock = vm.apiSock.toString();
    Files.delete(vm.apiSock);
    Process other = sleeper();
    int pid = Math.toIntExact(other.pid());
    assertThatThrownBy(() -> fcproc.kill(pid, sock)).isInstanceOfSatisfying(RefusedException.class,
        e -> assertThat(e.getMessage()).contains("pid " + pid + " is not the VM's process", "root directory is not the chroot"));
    long t0 = System.nanoTime();
    fcproc.waitForExit(pid, sock, Duration.ofSeconds(5)); // positively not the VM: its process has exited
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    assertThat(other.isAlive()).isTrue();
    assertThat(alive(vm.pid)).isTrue();
  }

  @Test
  void aPidFileNamingAnotherProcessIsNotTrusted() throws Exception {
    JailedFirecracker.Jailed vm = jailed(false);
    String sock = vm.apiSock.toString();
    Files.delete(vm.apiSock);
    Process other = sleeper();
    Files.writeString(vm.chroot.resolve("firecracker.pid"), other.pid() + "\n");
    assertThatThrownBy(() -> fcproc.findPidInChroot(vm.chroot.toString(), sock)).isInstanceOfSatisfying(
        RefusedException.class, e -> assertThat(e.getMessage()).contains("not trusted", "root directory is not the chroot"));
    // The VM itself is now unsure (in its chroot, but the pid file names another): not killed, waited for.
    assertThatThrownBy(() -> fcproc.kill(vm.pid, sock)).isInstanceOfSatisfying(RefusedException.class,
        e -> assertThat(e.getMessage()).contains("not confirmed", "names pid " + other.pid()));
    assertThatThrownBy(() -> fcproc.waitForExit(vm.pid, sock, Duration.ofMillis(200))).isInstanceOf(ExitTimeoutException.class);
    assertThat(other.isAlive()).isTrue();
    assertThat(alive(vm.pid)).isTrue();
  }

  @Test
  void aProcessThatStartedAfterItsPidFileWasWrittenIsNotTheOneNamed() throws Exception {
    JailedFirecracker.Jailed vm = jailed(false);
    String sock = vm.apiSock.toString();
    Files.delete(vm.apiSock);
    Files.setLastModifiedTime(vm.chroot.resolve("firecracker.pid"), FileTime.from(Instant.now().minusSeconds(3600)));
    assertThatThrownBy(() -> fcproc.kill(vm.pid, sock)).isInstanceOfSatisfying(RefusedException.class,
        e -> assertThat(e.getMessage()).contains("after its pid file was written"));
    assertThat(alive(vm.pid)).isTrue();
  }

  @Test
  void theSweepSeesAJailedProcessByItsRootEvenWhenNothingElseGivesItAway() throws Exception {
    // A process jailed in vm-quiet's chroot whose id is another and whose socket is gone: neither
    // its executable (/firecracker), its command line nor a listener names the VM; its root does.
    Path chroot = scratch.resolve("srv/jailer/firecracker/vm-quiet/root");
    JailedFirecracker.Jailed vm = fake.jail(chroot, "unrelated", false, false);
    toKill.add(host.openPid(vm.pid));
    toDestroy.add(vm.jailer);
    Files.delete(vm.apiSock);
    SweepReport r = fcproc.sweep(new SweepSpec(scratch.resolve("srv/jailer/firecracker").toString(), true));
    assertThat(r.alive()).anySatisfy(i -> {
      assertThat(i.path()).endsWith("/vm-quiet");
      assertThat(i.reason()).contains("pid " + vm.pid + " runs in the chroot");
    });
    assertThat(r.reclaimed()).noneSatisfy(i -> assertThat(i.path()).contains("vm-quiet"));
  }

  // ---------------------------------------------------------------- the pgrep fallback (unjailed)

  @Test
  void pgrepsFallbackComparesWholeArgumentsNeverASubstring() throws Exception {
    Path dir = Files.createDirectories(scratch.resolve("run/fc"));
    Path old = dir.resolve("vm1.sock.old");
    Process oldVm = fake.serve("old", old);
    toDestroy.add(oldVm);
    String sock = dir.resolve("vm1.sock").toString(); // no such socket: the fallback runs
    assertThatThrownBy(() -> fcproc.findPid(sock)).as("the VM serving " + old + " is not the one of " + sock)
        .isInstanceOf(FcprocException.class);
    assertThat(fcproc.resolvePid(sock, java.util.OptionalInt.empty())).isZero();

    Process vm2 = fake.serve("vm2", dir.resolve("vm2.sock"));
    toDestroy.add(vm2);
    Files.delete(dir.resolve("vm2.sock"));
    assertThat(fcproc.findPid(dir.resolve("vm2.sock").toString())).as("a whole argument is found").isEqualTo(vm2.pid());
  }
}
