package org.fcproc.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fcproc.sim.Calls.errno;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.OpenHow;
import org.fcproc.host.UnixConnection;
import org.junit.jupiter.api.Test;

/** The fake Firecracker's API socket. */
class FirecrackerTest {
  private static final String CTRL_ALT_DEL_BODY = "{\"action_type\": \"SendCtrlAltDel\"}";

  private final SimHost host = SimHost.create();

  FirecrackerTest() {
    host.mkdirs("/run");
  }

  private static byte[] request(String method, String path, String body) {
    return (method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String readResponse(UnixConnection c) throws HostException {
    byte[] buf = new byte[4096];
    int n = c.read(buf, Duration.ofSeconds(1));
    return new String(buf, 0, n, StandardCharsets.UTF_8);
  }

  @Test
  void theSocketIsMadeLikeBindWithFirecrackersDefaultMode() {
    host.mkdirs("/run/fc", 0755, 1000, 1000);
    int pid = host.spawnFirecracker("/run/fc/api.sock", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 1000, 1000);
    FileStat st = host.inspect("/run/fc/api.sock").orElseThrow();
    assertThat(st.type()).isEqualTo(FileType.SOCKET);
    assertThat(st.uid()).isEqualTo(1000);
    assertThat(st.mode()).isEqualTo(0755);
    assertThat(host.processes()).singleElement().satisfies(p -> {
      assertThat(p.pid()).isEqualTo(pid);
      assertThat(p.argv()).containsExactly("/usr/bin/firecracker", "--api-sock", "/run/fc/api.sock");
    });
  }

  @Test
  void sendCtrlAltDelGets204AndAnObedientGuestExits200MsLater() throws Exception {
    int pid = host.spawnFirecracker("/run/api.sock", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    try (Handle sock = host.open("/run/api.sock", OpenHow.pathNoFollow());
        UnixConnection c = host.connect(sock)) {
      byte[] req = request("PUT", "/actions", CTRL_ALT_DEL_BODY);
      c.write(java.util.Arrays.copyOfRange(req, 0, 20), Duration.ofSeconds(1));
      c.write(java.util.Arrays.copyOfRange(req, 20, req.length), Duration.ofSeconds(1));
      // micro-http's 204, byte for byte: no reason phrase, no Content-Length, keep-alive.
      assertThat(readResponse(c)).isEqualTo("HTTP/1.1 204 \r\nServer: Firecracker API\r\nConnection: keep-alive\r\n\r\n");
      assertThat(host.isRunning(pid)).isTrue();
      long before = host.nanoTime();
      assertThat(c.read(new byte[16], Duration.ofSeconds(5))).isEqualTo(-1);
      assertThat(host.nanoTime() - before).isEqualTo(200_000_000L);
    }
    assertThat(host.isRunning(pid)).isFalse();
    assertThat(host.apiRequests(pid)).containsExactly("PUT /actions " + CTRL_ALT_DEL_BODY);
    try (Handle sock = host.open("/run/api.sock", OpenHow.pathNoFollow())) {
      assertThat(errno(() -> host.connect(sock))).isEqualTo(Errno.ECONNREFUSED);
    }
  }

  @Test
  void aStubbornGuestKeepsTheConnectionOpenSoTheNextReadTimesOut() throws Exception {
    int pid = host.spawnFirecracker("/run/api.sock", GuestBehaviour.IGNORES_CTRL_ALT_DEL, 0, 0);
    try (Handle sock = host.open("/run/api.sock", OpenHow.pathNoFollow());
        UnixConnection c = host.connect(sock)) {
      c.write(request("PUT", "/actions", CTRL_ALT_DEL_BODY), Duration.ofSeconds(1));
      assertThat(readResponse(c)).startsWith("HTTP/1.1 204");
      long before = host.nanoTime();
      assertThat(errno(() -> c.read(new byte[16], Duration.ofSeconds(5)))).isEqualTo(Errno.ETIMEDOUT);
      assertThat(host.nanoTime() - before).isEqualTo(5_000_000_000L);
    }
    host.kill(pid, 15);
    assertThat(host.isRunning(pid)).isTrue();
    host.kill(pid, 9);
    assertThat(host.isRunning(pid)).isFalse();
  }

  @Test
  void otherRequestsGet400WithAFaultMessage() throws Exception {
    int pid = host.spawnFirecracker("/run/api.sock", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    try (Handle sock = host.open("/run/api.sock", OpenHow.pathNoFollow());
        UnixConnection c = host.connect(sock)) {
      c.write(request("GET", "/machine-config", ""), Duration.ofSeconds(1));
      String body = "{\"fault_message\":\"Invalid request method and/or path: GET /machine-config.\"}";
      assertThat(readResponse(c)).isEqualTo("HTTP/1.1 400 \r\nServer: Firecracker API\r\nConnection: keep-alive\r\n"
          + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    }
    assertThat(host.isRunning(pid)).isTrue();
  }

  @Test
  void connectIsRefusedWithoutAListenerOrToANonSocket() throws Exception {
    host.socket("/run/stale.sock", 0, 0, 0600);
    host.writeFile("/run/file", "x");
    try (Handle stale = host.open("/run/stale.sock", OpenHow.pathNoFollow());
        Handle file = host.open("/run/file", OpenHow.pathNoFollow())) {
      assertThat(errno(() -> host.connect(stale))).isEqualTo(Errno.ECONNREFUSED);
      assertThat(errno(() -> host.connect(file))).isEqualTo(Errno.ECONNREFUSED);
    }
    assertThat(host.inspect("/run/stale.sock").orElseThrow().type()).isEqualTo(FileType.SOCKET);
  }

  @Test
  void connectGoesToThePinnedInodeNotTheCurrentName() throws Exception {
    int vm1 = host.spawnFirecracker("/run/vm1.sock", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    int vm2 = host.spawnFirecracker("/run/vm2.sock", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    try (Handle sock = host.open("/run/vm1.sock", OpenHow.pathNoFollow())) {
      host.remove("/run/vm1.sock");
      host.symlink("/run/vm1.sock", "/run/vm2.sock");
      try (UnixConnection c = host.connect(sock)) {
        c.write(request("PUT", "/actions", CTRL_ALT_DEL_BODY), Duration.ofSeconds(1));
        readResponse(c);
      }
    }
    host.advance(Duration.ofSeconds(1));
    assertThat(host.isRunning(vm1)).isFalse();
    assertThat(host.isRunning(vm2)).isTrue();
  }
  // ================================================================ the API modes (ApiMode)

  private String exchange(String sock, String method, String path, String body) throws Exception {
    try (Handle h = host.open(sock, OpenHow.pathNoFollow()); UnixConnection c = host.connect(h)) {
      c.write(request(method, path, body), Duration.ofSeconds(1));
      return readResponse(c);
    }
  }

  @Test
  void beforeInstanceStartCtrlAltDelGetsThePreBootFault() throws Exception {
    int pid = host.spawnFirecracker("/run/api.sock", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    host.setApiMode(pid, ApiMode.NOT_BOOTED);
    String body = "{\"fault_message\":\"The requested operation is not supported before starting the microVM.\"}";
    assertThat(exchange("/run/api.sock", "PUT", "/actions", CTRL_ALT_DEL_BODY))
        .isEqualTo("HTTP/1.1 400 \r\nServer: Firecracker API\r\nConnection: keep-alive\r\n"
            + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    host.advance(Duration.ofSeconds(1));
    assertThat(host.isRunning(pid)).as("no guest to shut down").isTrue();
  }

  @Test
  void onAarch64CtrlAltDelGetsTheUnsupportedFault() throws Exception {
    int pid = host.spawnFirecracker("/run/api.sock", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    host.setApiMode(pid, ApiMode.AARCH64);
    assertThat(exchange("/run/api.sock", "PUT", "/actions", CTRL_ALT_DEL_BODY))
        .startsWith("HTTP/1.1 400 \r\n")
        .endsWith("\r\n\r\n{\"fault_message\":\"SendCtrlAltDel does not supported on aarch64.\"}");
    host.advance(Duration.ofSeconds(1));
    assertThat(host.isRunning(pid)).isTrue();
  }

  @Test
  void theEleventhConnectionGetsMicroHttps503AndIsClosedUnread() throws Exception {
    int pid = host.spawnFirecracker("/run/api.sock", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    java.util.List<UnixConnection> held = new java.util.ArrayList<>();
    try (Handle h = host.open("/run/api.sock", OpenHow.pathNoFollow())) {
      for (int i = 0; i < 10; i++) {
        held.add(host.connect(h));
      }
      try (UnixConnection c = host.connect(h)) {
        // The server closed it: the write fails, the answer written before is still there to read.
        assertThat(errno(() -> c.write(request("PUT", "/actions", CTRL_ALT_DEL_BODY), Duration.ofSeconds(1))))
            .isEqualTo(Errno.EPIPE);
        assertThat(readResponse(c)).isEqualTo("HTTP/1.1 503\r\nServer: Firecracker API\r\nConnection: close\r\n"
            + "Content-Length: 40\r\n\r\n{ \"error\": \"Too many open connections\" }");
        assertThat(c.read(new byte[16], Duration.ofSeconds(1))).isEqualTo(-1);
      }
      held.remove(0).close();
      try (UnixConnection c = host.connect(h)) {
        c.write(request("GET", "/", ""), Duration.ofSeconds(1));
        assertThat(readResponse(c)).as("one connection closed: room for one more").startsWith("HTTP/1.1 400 \r\n");
      }
    } finally {
      held.forEach(UnixConnection::close);
    }
    assertThat(host.apiRequests(pid)).containsExactly("GET / ");
  }

  @Test
  void aFullServerRefusesEveryNewConnection() throws Exception {
    int pid = host.spawnFirecracker("/run/api.sock", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    host.setApiMode(pid, ApiMode.FULL);
    try (Handle h = host.open("/run/api.sock", OpenHow.pathNoFollow()); UnixConnection c = host.connect(h)) {
      assertThat(readResponse(c)).startsWith("HTTP/1.1 503\r\n");
    }
    assertThat(host.apiRequests(pid)).isEmpty();
  }

  @Test
  void aSilentServerTakesTheRequestAndTheReadTimesOut() throws Exception {
    int pid = host.spawnFirecracker("/run/api.sock", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    host.setApiMode(pid, ApiMode.SILENT);
    try (Handle h = host.open("/run/api.sock", OpenHow.pathNoFollow()); UnixConnection c = host.connect(h)) {
      c.write(request("PUT", "/actions", CTRL_ALT_DEL_BODY), Duration.ofSeconds(1));
      long before = host.nanoTime();
      assertThat(errno(() -> c.read(new byte[16], Duration.ofSeconds(2)))).isEqualTo(Errno.ETIMEDOUT);
      assertThat(host.nanoTime() - before).isEqualTo(2_000_000_000L);
    }
    assertThat(host.apiRequests(pid)).containsExactly("PUT /actions " + CTRL_ALT_DEL_BODY);
  }

  @Test
  void aServerThatDoesNotAcceptMakesConnectWaitUntilItsDeadline() throws Exception {
    int pid = host.spawnFirecracker("/run/api.sock", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    host.setApiMode(pid, ApiMode.NOT_ACCEPTING);
    try (Handle h = host.open("/run/api.sock", OpenHow.pathNoFollow())) {
      long before = host.nanoTime();
      assertThat(errno(() -> host.connect(h, Duration.ofMillis(700)))).isEqualTo(Errno.ETIMEDOUT);
      assertThat(host.nanoTime() - before).isEqualTo(700_000_000L);
      host.kill(pid, 9);
      assertThat(errno(() -> host.connect(h, Duration.ofMillis(700)))).isEqualTo(Errno.ECONNREFUSED);
    }
  }

  @Test
  void aServerThatDoesNotReadMakesABigWriteWaitUntilItsDeadline() throws Exception {
    int pid = host.spawnFirecracker("/run/api.sock", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    host.setApiMode(pid, ApiMode.NOT_READING);
    try (Handle h = host.open("/run/api.sock", OpenHow.pathNoFollow()); UnixConnection c = host.connect(h)) {
      c.write(new byte[1000], Duration.ofSeconds(1)); // fits in the socket buffer
      long before = host.nanoTime();
      assertThat(errno(() -> c.write(new byte[ApiConnection.SOCKET_BUFFER], Duration.ofMillis(300))))
          .isEqualTo(Errno.ETIMEDOUT);
      assertThat(host.nanoTime() - before).isEqualTo(300_000_000L);
    }
    assertThat(host.apiRequests(pid)).isEmpty();
  }
}
