package org.fcproc.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.fcproc.ApiException;
import org.fcproc.ApiTimeoutException;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.host.Handle;
import org.fcproc.host.OpenHow;
import org.fcproc.host.UnixConnection;
import org.junit.jupiter.api.Test;

/**
 * {@link Fcproc#sendCtrlAltDel} against each way Firecracker refuses or stalls: every refusal is an
 * {@link ApiException} that tells which one it is, every stall an {@link ApiTimeoutException} that
 * names the phase, after exactly the client's deadline of virtual time.
 */
class ApiErrorsTest {
  private static final Config CONFIG = new Config("/usr/bin/firecracker", "fcbr0", "172.16.0.1", "24", "/run/fcproc");
  private static final String SOCK = "/run/fcproc/vm1.sock";
  private static final String CTRL_ALT_DEL = "PUT /actions {\"action_type\":\"SendCtrlAltDel\"}";

  private final SimHost host = SimHost.create();
  private final Fcproc fcproc = Fcproc.create(host, CONFIG);
  private final int fc;

  ApiErrorsTest() throws Exception {
    fcproc.ensureSocketDir();
    fc = host.spawnFirecracker(SOCK, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
  }

  @Test
  void aBootedX86VmTakesIt() throws Exception {
    fcproc.sendCtrlAltDel(SOCK);
    assertThat(host.apiRequests(fc)).containsExactly(CTRL_ALT_DEL);
    host.advance(Duration.ofSeconds(1));
    assertThat(host.isRunning(fc)).isFalse();
  }

  @Test
  void notBooted() {
    host.setApiMode(fc, ApiMode.NOT_BOOTED);
    assertThatThrownBy(() -> fcproc.sendCtrlAltDel(SOCK)).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.fault()).isEqualTo(ApiException.Fault.NOT_BOOTED);
      assertThat(e.faultMessage()).contains(ApiServer.NOT_BOOTED_FAULT);
      assertThat(e.apiSock()).isEqualTo(SOCK);
      assertThat(e.method() + " " + e.requestPath()).isEqualTo("PUT /actions");
    });
    assertThat(host.apiRequests(fc)).containsExactly(CTRL_ALT_DEL);
    assertThat(host.isRunning(fc)).isTrue();
  }

  @Test
  void unsupportedOnAarch64() {
    host.setApiMode(fc, ApiMode.AARCH64);
    assertThatThrownBy(() -> fcproc.sendCtrlAltDel(SOCK)).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.fault()).isEqualTo(ApiException.Fault.UNSUPPORTED);
      assertThat(e.faultMessage()).contains(ApiServer.AARCH64_FAULT);
      assertThat(e.getMessage()).contains(SOCK, "SendCtrlAltDel does not supported on aarch64.");
    });
    host.advance(Duration.ofSeconds(1));
    assertThat(host.isRunning(fc)).isTrue();
  }

  @Test
  void tooManyConnectionsWhenTenAreHeld() throws Exception {
    List<UnixConnection> held = new ArrayList<>();
    try (Handle h = host.open(SOCK, OpenHow.pathNoFollow())) {
      for (int i = 0; i < ApiServer.MAX_CONNECTIONS; i++) {
        held.add(host.connect(h));
      }
      assertThatThrownBy(() -> fcproc.sendCtrlAltDel(SOCK)).isInstanceOfSatisfying(ApiException.class, e -> {
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.fault()).isEqualTo(ApiException.Fault.TOO_MANY_CONNECTIONS);
        assertThat(e.faultMessage()).isEmpty();
        assertThat(e.errorText()).isEqualTo("Too many open connections");
      });
      assertThat(host.apiRequests(fc)).as("micro-http closes the connection unread").isEmpty();
      held.remove(0).close();
      fcproc.sendCtrlAltDel(SOCK);
      assertThat(host.apiRequests(fc)).containsExactly(CTRL_ALT_DEL);
    } finally {
      held.forEach(UnixConnection::close);
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOutInReadAfterTheDeadline() {
    host.setApiMode(fc, ApiMode.SILENT);
    long before = host.nanoTime();
    assertThatThrownBy(() -> fcproc.sendCtrlAltDel(SOCK)).isInstanceOfSatisfying(ApiTimeoutException.class, e -> {
      assertThat(e.phase()).isEqualTo(ApiTimeoutException.Phase.READ);
      assertThat(e.apiSock()).isEqualTo(SOCK);
      assertThat(e.getMessage()).contains(SOCK, "timed out in read after 5000 ms");
    });
    assertThat(host.nanoTime() - before).isEqualTo(Duration.ofSeconds(5).toNanos());
    assertThat(host.apiRequests(fc)).containsExactly(CTRL_ALT_DEL);
  }

  @Test
  void aServerThatNeverReadsTimesOutInReadToo() {
    // The request is small: it fits in the socket buffer, so the write succeeds and the answer never comes.
    host.setApiMode(fc, ApiMode.NOT_READING);
    assertThatThrownBy(() -> fcproc.sendCtrlAltDel(SOCK)).isInstanceOfSatisfying(ApiTimeoutException.class,
        e -> assertThat(e.phase()).isEqualTo(ApiTimeoutException.Phase.READ));
    assertThat(host.apiRequests(fc)).isEmpty();
  }

  @Test
  void aListenerThatNeverAcceptsTimesOutInConnect() {
    host.setApiMode(fc, ApiMode.NOT_ACCEPTING);
    long before = host.nanoTime();
    assertThatThrownBy(() -> fcproc.sendCtrlAltDel(SOCK)).isInstanceOfSatisfying(ApiTimeoutException.class, e -> {
      assertThat(e.phase()).isEqualTo(ApiTimeoutException.Phase.CONNECT);
      assertThat(e.getMessage()).contains(SOCK, "timed out in connect", "backlog is full");
    });
    assertThat(host.nanoTime() - before).isEqualTo(Duration.ofSeconds(5).toNanos());
  }
}
