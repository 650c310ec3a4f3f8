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
      c.write(java.util.Arrays.copyOfRange(req, 0, 20));
      c.write(java.util.Arrays.copyOfRange(req, 20, req.length));
      assertThat(readResponse(c)).isEqualTo("HTTP/1.1 204 No Content\r\n\r\n");
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
      c.write(request("PUT", "/actions", CTRL_ALT_DEL_BODY));
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
      c.write(request("GET", "/machine-config", ""));
      String r = readResponse(c);
      assertThat(r).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("Content-Type: application/json\r\n")
          .contains("{\"fault_message\":");
      String body = r.substring(r.indexOf("\r\n\r\n") + 4);
      assertThat(r).contains("Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n");
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
        c.write(request("PUT", "/actions", CTRL_ALT_DEL_BODY));
        readResponse(c);
      }
    }
    host.advance(Duration.ofSeconds(1));
    assertThat(host.isRunning(vm1)).isFalse();
    assertThat(host.isRunning(vm2)).isTrue();
  }
}
