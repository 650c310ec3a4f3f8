package org.fcproc.linux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code vm pid / shutdown / wait / kill} against {@link FakeFirecracker} processes. */
class CliVmIT {
  private Kernel.Scratch scratch;
  private final List<Process> started = new ArrayList<>();

  /** Where the VM's sockets are: in a jailer chroot, the only place (besides the runtime
   *  directory) fcproc hands a socket off. */
  private Path run;

  @BeforeEach
  void setUp() throws IOException {
    scratch = new Kernel.Scratch();
    run = java.nio.file.Files.createDirectories(scratch.path("jail/firecracker/vm1/root/run"));
  }

  @AfterEach
  void tearDown() throws IOException {
    started.forEach(Jar::end);
    if (scratch != null) {
      scratch.close();
    }
  }

  private Process fake(Path sock, String... flags) throws IOException {
    List<String> args = new ArrayList<>(List.of("--api-sock", sock.toString()));
    args.addAll(List.of(flags));
    Process p = Jar.startTestClass(FakeFirecracker.class, args.toArray(String[]::new));
    started.add(p);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    assertThat(out.readLine()).as("fake firecracker started").isEqualTo("ready");
    return p;
  }

  @Test
  void vmPidFindsTheProcessNotFcprocItself() throws IOException {
    Path sock = run.resolve("vm1.sock");
    Process fc = fake(sock);
    Jar.Run r = Jar.run("vm", "pid", "--api-sock", sock.toString(), "--json").expect(0);
    assertThat(r.json()).containsEntry("command", "vm pid").containsEntry("ok", true).containsEntry("pid", fc.pid());
    assertThat(Jar.run("vm", "pid", "--api-sock", sock.toString()).expect(0).out().strip()).isEqualTo(Long.toString(fc.pid()));

    // The path is matched literally: "vm1.sock" does not find "vm1Xsock".
    Jar.Run none = Jar.run("vm", "pid", "--api-sock", run.resolve("vm1Xsock").toString(), "--json").expect(1);
    assertThat(none.error()).containsEntry("kind", "not-found");
    Jar.run("vm", "pid", "--api-sock", "relative.sock").expect(2);
  }

  @Test
  void vmShutdownSendsCtrlAltDelAndWaits() throws Exception {
    Path sock = run.resolve("vm1.sock");
    Process fc = fake(sock);
    Jar.Run r = Jar.run("vm", "shutdown", "--api-sock", sock.toString(), "--timeout", "5s", "--json").expect(0);
    assertThat(r.json()).containsEntry("pid", fc.pid()).containsEntry("exited", true).containsEntry("killed", false);
    assertThat(fc.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(fc.exitValue()).isZero();
  }

  @Test
  void vmShutdownTimesOutThenKillsWithKill() throws Exception {
    Path sock = run.resolve("stubborn.sock");
    Process fc = fake(sock, "--stubborn");
    Jar.Run timedOut = Jar.run("vm", "shutdown", "--api-sock", sock.toString(), "--timeout", "500ms", "--json").expect(1);
    assertThat(timedOut.error()).containsEntry("kind", "exit-timeout").containsEntry("pid", fc.pid());
    assertThat(fc.isAlive()).isTrue();

    Jar.Run killed = Jar.run("vm", "shutdown", "--api-sock", sock.toString(), "--timeout", "500ms", "--kill", "--json").expect(0);
    assertThat(killed.json()).containsEntry("killed", true).containsEntry("exited", false);
    assertThat(fc.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(fc.exitValue()).isEqualTo(128 + 9);
  }

  @Test
  void vmShutdownReportsTheApiFault() throws Exception {
    Path sock = run.resolve("faulty.sock");
    Process fc = fake(sock, "--fault");
    Jar.Run r = Jar.run("vm", "shutdown", "--api-sock", sock.toString(), "--json").expect(1);
    assertThat((String) r.error().get("message")).contains("400", "fault_message", "fake firecracker");
    assertThat(r.error()).containsEntry("kind", "api").containsEntry("status", 400L).containsEntry("api_error", "other");
    assertThat(fc.isAlive()).isTrue();
  }

  @Test
  void theFakeAnswersWithMicroHttpsExactBytesAndKeepsTheConnection() throws Exception {
    Path sock = run.resolve("wire.sock");
    fake(sock, "--stubborn");
    try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
      String body = "{\"action_type\":\"SendCtrlAltDel\"}";
      send(c, "PUT /actions HTTP/1.1\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
      String noContent = "HTTP/1.1 204 \r\nServer: Firecracker API\r\nConnection: keep-alive\r\n\r\n";
      assertThat(receive(c, noContent.length())).isEqualTo(noContent);
      send(c, "GET /machine-config HTTP/1.1\r\n\r\n"); // the same connection: keep-alive
      String fault = "{\"fault_message\":\"fake firecracker: unsupported request: GET /machine-config HTTP/1.1\"}";
      String expected = "HTTP/1.1 400 \r\nServer: Firecracker API\r\nConnection: keep-alive\r\n"
          + "Content-Type: application/json\r\nContent-Length: " + fault.length() + "\r\n\r\n" + fault;
      assertThat(receive(c, expected.length())).isEqualTo(expected);
    }
  }

  @Test
  void vmShutdownJsonCarriesTheApisStatusAndFaultMessage() throws Exception {
    Path sock = run.resolve("arm.sock");
    Process fc = fake(sock, "--mode", "aarch64");
    Jar.Run r = Jar.run("--json", "vm", "shutdown", "--api-sock", sock.toString()).expect(1);
    assertThat(r.error()).containsEntry("kind", "api").containsEntry("status", 400L)
        .containsEntry("fault_message", "SendCtrlAltDel does not supported on aarch64.")
        .containsEntry("api_error", "unsupported").containsEntry("method", "PUT")
        .containsEntry("request_path", "/actions").containsEntry("api_sock", sock.toString());
    assertThat(fc.isAlive()).as("nothing killed without --kill").isTrue();

    Path fresh = run.resolve("new.sock");
    fake(fresh, "--mode", "not-booted");
    Jar.Run notBooted = Jar.run("--json", "vm", "shutdown", "--api-sock", fresh.toString()).expect(1);
    assertThat(notBooted.error()).containsEntry("status", 400L).containsEntry("api_error", "not-booted")
        .containsEntry("fault_message", "The requested operation is not supported before starting the microVM.");
  }

  @Test
  void vmShutdownWithKillFallsBackToTheSafeKillWhenCtrlAltDelIsUnsupported() throws Exception {
    Path sock = run.resolve("arm-kill.sock");
    Process fc = fake(sock, "--mode", "aarch64");
    Jar.Run r = Jar.run("--json", "vm", "shutdown", "--api-sock", sock.toString(), "--kill").expect(0);
    assertThat(r.json()).containsEntry("fallback", "kill").containsEntry("killed", true).containsEntry("exited", false)
        .containsEntry("status", 400L).containsEntry("api_error", "unsupported").containsEntry("pid", fc.pid());
    assertThat((String) r.json().get("reason")).contains("firecracker answered 400", "aarch64");
    assertThat(fc.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(fc.exitValue()).isEqualTo(128 + 9);
    Path other = run.resolve("arm-text.sock");
    fake(other, "--mode", "aarch64");
    Jar.Run text = Jar.run("vm", "shutdown", "--api-sock", other.toString(), "--kill").expect(0);
    assertThat(text.out()).contains("Ctrl-Alt-Del cannot be sent", "killed (SIGKILL)");
  }

  @Test
  void vmShutdownAgainstAFullServerIsA503() throws Exception {
    Path sock = run.resolve("full.sock");
    Process fc = fake(sock, "--mode", "full");
    Jar.Run r = Jar.run("--json", "vm", "shutdown", "--api-sock", sock.toString(), "--kill").expect(1);
    assertThat(r.error()).containsEntry("kind", "api").containsEntry("status", 503L).containsEntry("fault_message", null)
        .containsEntry("api_error", "too-many-connections").containsEntry("api_sock", sock.toString());
    assertThat(fc.isAlive()).isTrue();
  }

  @Test
  void vmShutdownAgainstAPeerThatNeverAnswersTimesOutNamingThePhase() throws Exception {
    Path sock = run.resolve("silent.sock");
    Process fc = fake(sock, "--mode", "silent");
    long start = System.nanoTime();
    Jar.Run r = Jar.run("--json", "vm", "shutdown", "--api-sock", sock.toString()).expect(1);
    assertThat(r.error()).containsEntry("kind", "api-timeout").containsEntry("phase", "read")
        .containsEntry("api_sock", sock.toString()).containsEntry("timeout_ms", 5000L);
    assertThat(r.err()).contains("timed out in read", sock.toString());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(30));
    assertThat(fc.isAlive()).isTrue();
  }

  private static void send(SocketChannel c, String s) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    while (b.hasRemaining()) {
      c.write(b);
    }
  }

  private static String receive(SocketChannel c, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining() && c.read(b) >= 0) {
      // until n bytes or the end of the stream
    }
    return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
  }

  @Test
  void vmWaitAndKill() throws Exception {
    Path sock = run.resolve("vm2.sock");
    Process fc = fake(sock, "--stubborn");
    String pid = Long.toString(fc.pid());
    Jar.Run waited = Jar.run("vm", "wait", "--pid", pid, "--api-sock", sock.toString(), "--timeout", "300ms", "--json")
        .expect(1);
    assertThat(waited.error()).containsEntry("kind", "exit-timeout");
    assertThat(waited.err()).contains("timed out waiting for VM to exit (pid " + pid + ")");

    Jar.Run kill = Jar.run("vm", "kill", "--pid", pid, "--json").expect(0);
    assertThat(kill.json()).containsEntry("command", "vm kill").containsEntry("pid", fc.pid()).containsEntry("signal", "SIGKILL");
    assertThat(fc.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(fc.exitValue()).isEqualTo(128 + 9);

    Jar.run("vm", "wait", "--pid", pid, "--api-sock", sock.toString(), "--timeout", "5s").expect(0);
    Jar.run("vm", "kill", "--pid", "-1").expect(2);
    Jar.run("vm", "kill", "--pid", "0").expect(2);
  }

  @Test
  void vmKillWithApiSockKillsOnlyTheVmsProcess() throws Exception {
    Path sock = run.resolve("vm3.sock");
    Process fc = fake(sock, "--stubborn");
    // An unrelated process (as a reused pid would be): refused, and it lives.
    Process sleeper = new ProcessBuilder("sleep", "1000").start();
    started.add(sleeper);
    Jar.Run refused = Jar.run("vm", "kill", "--pid", Long.toString(sleeper.pid()), "--api-sock", sock.toString(), "--json")
        .expect(3);
    assertThat(refused.err()).contains("is not the VM's process");
    assertThat(sleeper.isAlive()).isTrue();
    assertThat(fc.isAlive()).isTrue();

    Jar.Run kill = Jar.run("vm", "kill", "--pid", Long.toString(fc.pid()), "--api-sock", sock.toString(), "--json").expect(0);
    assertThat(kill.json()).containsEntry("pid", fc.pid()).containsEntry("signal", "SIGKILL").containsEntry("checked", true);
    assertThat(fc.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(fc.exitValue()).isEqualTo(128 + 9);
    assertThat(sleeper.isAlive()).isTrue();
  }

  @Test
  void vmPidWithChrootUsesThePidFileOnlyAsAWitness() throws Exception {
    Path root = scratch.path("jail-root");
    java.nio.file.Files.createDirectories(root);
    Path sock = root.resolve("api.sock");
    Process fc = fake(sock);
    java.nio.file.Files.writeString(root.resolve("firecracker.pid"), fc.pid() + "\n");
    Jar.Run agree = Jar.run("vm", "pid", "--chroot", root.toString(), "--api-sock", sock.toString(), "--json").expect(0);
    assertThat(agree.json()).containsEntry("pid", fc.pid());

    // A pid file naming an unrelated process: the kernel's answer (SO_PEERCRED) wins.
    Process sleeper = new ProcessBuilder("sleep", "1000").start();
    started.add(sleeper);
    java.nio.file.Files.writeString(root.resolve("firecracker.pid"), sleeper.pid() + "\n");
    Jar.Run planted = Jar.run("vm", "pid", "--chroot", root.toString(), "--api-sock", sock.toString(), "--json").expect(0);
    assertThat(planted.json()).containsEntry("pid", fc.pid());

    // A symlinked pid file is refused.
    java.nio.file.Files.delete(root.resolve("firecracker.pid"));
    java.nio.file.Files.createSymbolicLink(root.resolve("firecracker.pid"), Path.of("/proc/self/stat"));
    Jar.run("vm", "pid", "--chroot", root.toString(), "--api-sock", sock.toString()).expect(3);
  }

  /**
   * The four commands against a firecracker jailed as the jailer does it
   * ({@link org.fcproc.linux.jail.JailedFirecracker}: from the host its executable is
   * {@code /firecracker} and its command line names no host path).
   */
  @Test
  void theVmCommandsKnowAJailedVm() throws Exception {
    org.fcproc.linux.jail.JailedFirecracker fake = org.fcproc.linux.jail.JailedFirecracker.compile(scratch.dir);
    Path chroot = scratch.path("srv/jailer/firecracker/vm1/root");
    org.fcproc.linux.jail.JailedFirecracker.Jailed vm = fake.jail(chroot, "vm1", false, false);
    started.add(vm.jailer); // without a new pid namespace the jailer process is the firecracker
    String pid = Integer.toString(vm.pid);
    String sock = vm.apiSock.toString();
    Jar.Run waited = Jar.run("vm", "wait", "--pid", pid, "--api-sock", sock, "--timeout", "300ms", "--json").expect(1);
    assertThat(waited.error()).as("the wait does not answer exited while the VM runs").containsEntry("kind", "exit-timeout");

    java.nio.file.Files.delete(vm.apiSock); // nobody can be asked: the pid file, confirmed by the kernel
    assertThat(Jar.run("vm", "pid", "--chroot", chroot.toString(), "--api-sock", sock, "--json").expect(0).json())
        .containsEntry("pid", (long) vm.pid);
    assertThat(Jar.run("vm", "pid", "--api-sock", sock, "--json").expect(0).json()).containsEntry("pid", (long) vm.pid);
    Jar.run("vm", "wait", "--pid", pid, "--api-sock", sock, "--timeout", "300ms").expect(1);

    Jar.Run killed = Jar.run("vm", "kill", "--pid", pid, "--api-sock", sock, "--json").expect(0);
    assertThat(killed.json()).containsEntry("checked", true);
    assertThat(awaitGone(vm.pid)).isTrue();
    Jar.run("vm", "wait", "--pid", pid, "--api-sock", sock, "--timeout", "5s").expect(0);
  }

  private static boolean awaitGone(int pid) throws InterruptedException, IOException {
    for (int i = 0; i < 200; i++) {
      Path stat = Path.of("/proc/" + pid + "/stat");
      if (!java.nio.file.Files.exists(stat) || java.nio.file.Files.readString(stat).matches("^\\d+ \\(.*\\) Z .*\\s*")) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }
}
