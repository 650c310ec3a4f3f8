package org.fcproc.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.host.Errno;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.OpenHow;
import org.fcproc.host.UnixConnection;
import org.fcproc.linux.cli.FakeFirecracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link UnixConnection#peerPid()} on the kernel ({@code SO_PEERCRED}), and catalogue P1 end to
 * end: {@code findPid} names the process listening on the API socket, not a newer process that
 * names the socket on its command line. Runs as root inside the test wrapper's namespaces, in a
 * tmpfs of its own; the processes it starts are ended by their handles.
 */
class PeerCredTest {
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final Config CONFIG = new Config("/usr/bin/firecracker", "fcbr0", "172.16.0.1", "24", "/run/fcproc");

  private LinuxContractHost scratch;
  private LinuxHost host;
  private final List<Process> started = new ArrayList<>();
  private int count;

  @BeforeEach
  void setUp() throws IOException {
    scratch = new LinuxContractHost(); // skips unless root inside the wrapper's namespaces
    host = (LinuxHost) scratch.host();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Process p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    if (scratch != null) {
      scratch.close();
    }
  }

  private String sock() throws IOException {
    Path d = Path.of(scratch.scratch(), "vm-" + (++count));
    Files.createDirectory(d);
    return d.resolve("api.sock").toString();
  }

  /** The command-line tests' fake firecracker, as its own process, once its socket is bound. */
  private Process fakeFirecracker(String sock) throws IOException {
    String classes = new File(FakeFirecracker.class.getProtectionDomain().getCodeSource().getLocation().getPath()).getPath();
    Process p = new ProcessBuilder(JAVA, "-XX:TieredStopAtLevel=1", "-cp", classes, FakeFirecracker.class.getName(),
        "--api-sock", sock)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    started.add(p);
    String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    assertThat(line).as("fake firecracker's first line").isEqualTo("ready");
    return p;
  }

  /** A process started after firecracker whose command line names the socket (catalogue P1). */
  private Process adversary(String sock) throws Exception {
    Process p = new ProcessBuilder("/bin/sh", "-c", "sleep 1000; exit 0", "adversary", sock)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    started.add(p);
    // Wait until its command line is in place (exec done).
    Path cmdline = Path.of("/proc", Long.toString(p.pid()), "cmdline");
    for (int i = 0; i < 200 && !Files.readString(cmdline, StandardCharsets.ISO_8859_1).contains(sock); i++) {
      Thread.sleep(10);
    }
    return p;
  }

  private int pgrepNewest(String sock) throws Exception {
    return Integer.parseInt(host.run(List.of("pgrep", "-n", "-f", sock)).stdout().strip());
  }

  @Test
  void aListenerInThisJvmIsThisJvm() throws Exception {
    String sock = sock();
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      try (Handle h = host.open(sock, OpenHow.pathNoFollow());
          UnixConnection c = host.connect(h);
          SocketChannel peer = server.accept()) {
        assertThat(peer.isConnected()).isTrue();
        assertThat(c.peerPid()).isEqualTo((int) ProcessHandle.current().pid());
      }
    }
  }

  @Test
  void aListenerInAnotherProcessIsThatProcessAndAPoliteHangUpLeavesItServing() throws Exception {
    String sock = sock();
    Process fc = fakeFirecracker(sock);
    Process adv = adversary(sock);
    assertThat(adv.pid()).isGreaterThan(fc.pid());
    for (int round = 0; round < 2; round++) {
      try (Handle h = host.open(sock, OpenHow.pathNoFollow()); UnixConnection c = host.connect(h)) {
        assertThat(c.peerPid()).isEqualTo((int) fc.pid());
        c.shutdownOutput();
        assertThat(errno(() -> c.write(new byte[] {1}, Duration.ofSeconds(1)))).isEqualTo(Errno.EPIPE);
        // Like micro-http, the fake hangs up on a connection that ends before any request, answering nothing.
        byte[] buf = new byte[4096];
        assertThat(c.read(buf, Duration.ofSeconds(10))).isEqualTo(-1);
        UnixConnection closed = c;
        closed.close();
        assertThat(errno(closed::peerPid)).isEqualTo(Errno.EBADF);
      }
      assertThat(fc.isAlive()).isTrue();
    }
  }

  @Test
  void findPidNamesTheListenerNotTheNewerAdversary() throws Exception {
    String sock = sock();
    Process fc = fakeFirecracker(sock);
    Process adv = adversary(sock);
    assertThat(pgrepNewest(sock)).as("the seed's pgrep -n -f picks the adversary").isEqualTo((int) adv.pid());

    Fcproc fcproc = Fcproc.create(host, CONFIG);
    assertThat(fcproc.findPid(sock)).isEqualTo((int) fc.pid());
    assertThat(fcproc.resolvePid(sock, OptionalInt.empty())).isEqualTo((int) fc.pid());
    assertThat(fcproc.resolvePid(sock, OptionalInt.of(1))).isEqualTo((int) fc.pid());
    Thread.sleep(200);
    assertThat(fc.isAlive()).as("finding the pid does not disturb firecracker").isTrue();
    assertThat(adv.isAlive()).isTrue();

    // The wait and the kill then reach firecracker only.
    fcproc.kill(fcproc.findPid(sock));
    assertThat(fc.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(adv.isAlive()).isTrue();
  }

  @Test
  void aSocketNobodyListensOnFallsBackToPgrep() throws Exception {
    String sock = sock();
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock)); // closing leaves the socket inode, unlistened
    }
    try (Handle h = host.open(sock, OpenHow.pathNoFollow())) {
      assertThat(errno(() -> host.connect(h))).isEqualTo(Errno.ECONNREFUSED);
    }
    Process adv = adversary(sock);
    // The seed's answer, with the seed's weakness: the newest command line naming the path.
    assertThat(Fcproc.create(host, CONFIG).findPid(sock)).isEqualTo((int) adv.pid());
  }

  @Test
  void aHardLinkToAnotherVmsSocketIsRefused() throws Exception {
    String other = sock();
    fakeFirecracker(other);
    String sock = sock();
    Files.createLink(Path.of(sock), Path.of(other));
    assertThatThrownBy(() -> Fcproc.create(host, CONFIG).findPid(sock))
        .isInstanceOf(org.fcproc.RefusedException.class).hasMessageContaining("hard links");
  }

  @FunctionalInterface
  private interface Call {
    void run() throws Exception;
  }

  private static Errno errno(Call c) {
    try {
      c.run();
    } catch (HostException e) {
      return e.errno();
    } catch (Exception e) {
      throw new AssertionError("not a HostException", e);
    }
    throw new AssertionError("the call succeeded");
  }
}
