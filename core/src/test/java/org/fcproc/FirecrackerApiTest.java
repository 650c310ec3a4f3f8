package org.fcproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.fcproc.host.Errno;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.UnixConnection;
import org.junit.jupiter.api.Test;

/**
 * {@link FirecrackerApi} against a scripted peer that sends micro-http's exact bytes, in pieces,
 * and fails the way a Linux unix socket fails (EPIPE, ECONNRESET, ETIMEDOUT), on a clock that
 * moves only when a call waits.
 */
class FirecrackerApiTest {
  private static final String SOCK = "/run/fcproc/vm1.sock";
  private static final String REQUEST = "PUT /actions HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n"
      + "Content-Type: application/json\r\nContent-Length: 32\r\n\r\n{\"action_type\":\"SendCtrlAltDel\"}";
  private static final String NOT_BOOTED_BODY =
      "{\"fault_message\":\"The requested operation is not supported before starting the microVM.\"}";
  private static final String NOT_BOOTED = "HTTP/1.1 400 \r\nServer: Firecracker API\r\nConnection: keep-alive\r\n"
      + "Content-Type: application/json\r\nContent-Length: " + NOT_BOOTED_BODY.length() + "\r\n\r\n" + NOT_BOOTED_BODY;

  /** The other end: what it does on connect, on write, and on each read, in order. */
  private static final class Peer implements UnixConnection {
    Errno connectError;
    Errno writeError;
    /** byte[]: a chunk; Errno: that error; null: end of stream. Nothing left: the read waits out its timeout. */
    final Deque<Object> reads = new ArrayDeque<>();
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    final List<Duration> timeouts = new ArrayList<>();
    long now = 1_000_000_000L;
    boolean closed;

    Peer answers(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      for (byte x : b) {
        reads.add(new byte[] {x}); // one byte at a time: the client must put the pieces together
      }
      return this;
    }

    Peer then(Errno e) {
      reads.add(e);
      return this;
    }

    Peer thenEnd() {
      reads.add(new Object[0]);
      return this;
    }

    @Override
    public void write(byte[] bytes, Duration timeout) throws HostException {
      timeouts.add(timeout);
      if (writeError != null) {
        if (writeError == Errno.ETIMEDOUT) {
          now += timeout.toNanos();
        }
        throw new HostException(writeError, "write", SOCK);
      }
      written.write(bytes, 0, bytes.length);
    }

    @Override
    public int read(byte[] buffer, Duration timeout) throws HostException {
      timeouts.add(timeout);
      if (reads.isEmpty()) {
        now += timeout.toNanos();
        throw new HostException(Errno.ETIMEDOUT, "read", SOCK, "nothing within " + timeout.toMillis() + " ms");
      }
      Object next = reads.poll();
      if (next instanceof Errno e) {
        throw new HostException(e, "read", SOCK);
      }
      if (next instanceof byte[] b) {
        System.arraycopy(b, 0, buffer, 0, b.length);
        return b.length;
      }
      return -1;
    }

    @Override
    public int peerPid() {
      return 4242;
    }

    @Override
    public void shutdownOutput() {}

    @Override
    public void close() {
      closed = true;
    }
  }

  private final Peer peer = new Peer();
  private final Handle socket = new Handle() {
    @Override
    public String path() {
      return SOCK;
    }

    @Override
    public void close() {}
  };

  /** A host that can only connect (to {@link #peer}) and tell the time. */
  private final HostOps host = (HostOps) Proxy.newProxyInstance(HostOps.class.getClassLoader(), new Class<?>[] {HostOps.class},
      (proxy, method, args) -> {
        switch (method.getName()) {
          case "nanoTime" -> {
            return peer.now;
          }
          case "connect" -> {
            Duration timeout = (Duration) args[1];
            peer.timeouts.add(timeout);
            if (peer.connectError != null) {
              if (peer.connectError == Errno.ETIMEDOUT) {
                peer.now += timeout.toNanos();
              }
              throw new HostException(peer.connectError, "connect", SOCK);
            }
            return peer;
          }
          default -> throw new UnsupportedOperationException(method.getName());
        }
      });

  private final FirecrackerApi api = new FirecrackerApi(host, Duration.ofSeconds(5));

  @Test
  void a204WithoutLengthEndsTheExchangeAlthoughTheConnectionStaysOpen() throws Exception {
    peer.answers(HttpResponseTest.NO_CONTENT); // and nothing after: keep-alive, no end of stream
    api.sendCtrlAltDel(socket);
    assertThat(peer.written.toString(StandardCharsets.UTF_8)).isEqualTo(REQUEST);
    assertThat(peer.reads).isEmpty();
    assertThat(peer.closed).isTrue();
  }

  @Test
  void theAarch64RefusalIsAnApiExceptionThatSaysUnsupported() {
    peer.answers(HttpResponseTest.AARCH64);
    assertThatThrownBy(() -> api.sendCtrlAltDel(socket)).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.fault()).isEqualTo(ApiException.Fault.UNSUPPORTED);
      assertThat(e.faultMessage()).contains("SendCtrlAltDel does not supported on aarch64.");
      assertThat(e.method()).isEqualTo("PUT");
      assertThat(e.requestPath()).isEqualTo("/actions");
      assertThat(e.apiSock()).isEqualTo(SOCK);
      assertThat(e.getMessage()).isEqualTo("firecracker API PUT /actions on " + SOCK + " answered 400: fault_message "
          + "\"SendCtrlAltDel does not supported on aarch64.\" (not supported on this architecture: SendCtrlAltDel is x86_64-only)");
    });
  }

  @Test
  void thePreBootRefusalSaysNotBooted() {
    peer.answers(NOT_BOOTED);
    assertThatThrownBy(() -> api.sendCtrlAltDel(socket)).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.fault()).isEqualTo(ApiException.Fault.NOT_BOOTED);
      assertThat(e.faultMessage()).contains("The requested operation is not supported before starting the microVM.");
      assertThat(e.getMessage()).contains(SOCK, "answered 400", "the microVM has not been started");
    });
  }

  @Test
  void a503WrittenBeforeTheServerHungUpIsReadAfterTheWriteFailed() {
    peer.writeError = Errno.EPIPE;
    peer.answers(HttpResponseTest.SERVER_FULL).thenEnd();
    assertThatThrownBy(() -> api.sendCtrlAltDel(socket)).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(503);
      assertThat(e.fault()).isEqualTo(ApiException.Fault.TOO_MANY_CONNECTIONS);
      assertThat(e.faultMessage()).isEmpty();
      assertThat(e.errorText()).isEqualTo("Too many open connections");
      assertThat(e.getMessage()).contains(SOCK, "answered 503", "Too many open connections", "10 connections");
    });
  }

  @Test
  void a503FollowedByConnectionResetIsStillTheAnswer() {
    // The write went in before the server accepted; it closed with the request unread: ECONNRESET after the data.
    peer.answers(HttpResponseTest.SERVER_FULL).then(Errno.ECONNRESET);
    assertThatThrownBy(() -> api.sendCtrlAltDel(socket)).isInstanceOfSatisfying(ApiException.class,
        e -> assertThat(e.fault()).isEqualTo(ApiException.Fault.TOO_MANY_CONNECTIONS));
  }

  @Test
  void aFailedWriteWithNoAnswerReportsTheWrite() {
    peer.writeError = Errno.EPIPE;
    peer.thenEnd();
    assertThatThrownBy(() -> api.sendCtrlAltDel(socket)).isExactlyInstanceOf(FcprocException.class)
        .hasMessageContaining("firecracker API PUT /actions on " + SOCK + ": write")
        .hasMessageContaining("EPIPE");
  }

  @Test
  void aPeerThatAcceptsButNeverAnswersTimesOutInRead() {
    assertThatThrownBy(() -> api.sendCtrlAltDel(socket)).isInstanceOfSatisfying(ApiTimeoutException.class, e -> {
      assertThat(e.phase()).isEqualTo(ApiTimeoutException.Phase.READ);
      assertThat(e.apiSock()).isEqualTo(SOCK);
      assertThat(e.getMessage()).isEqualTo("firecracker API PUT /actions on " + SOCK + ": timed out in read after "
          + "5000 ms: the server took the request but did not answer it");
    });
    assertThat(peer.closed).isTrue();
  }

  @Test
  void aPartialAnswerThenSilenceTimesOutInReadOnTheSameDeadline() {
    peer.answers("HTTP/1.1 204 \r\nServer: Fire");
    assertThatThrownBy(() -> api.sendCtrlAltDel(socket)).isInstanceOfSatisfying(ApiTimeoutException.class,
        e -> assertThat(e.phase()).isEqualTo(ApiTimeoutException.Phase.READ));
    // connect, write and every read were given what was left of one 5 s deadline, not 5 s each.
    assertThat(peer.timeouts).allSatisfy(t -> assertThat(t).isLessThanOrEqualTo(Duration.ofSeconds(5)));
    assertThat(peer.now - 1_000_000_000L).isEqualTo(Duration.ofSeconds(5).toNanos());
  }

  @Test
  void aListenerThatDoesNotAcceptTimesOutInConnect() {
    peer.connectError = Errno.ETIMEDOUT;
    assertThatThrownBy(() -> api.sendCtrlAltDel(socket)).isInstanceOfSatisfying(ApiTimeoutException.class, e -> {
      assertThat(e.phase()).isEqualTo(ApiTimeoutException.Phase.CONNECT);
      assertThat(e.getMessage()).contains(SOCK, "timed out in connect", "backlog is full");
    });
  }

  @Test
  void aPeerThatDoesNotReadTimesOutInWrite() {
    peer.writeError = Errno.ETIMEDOUT;
    assertThatThrownBy(() -> api.sendCtrlAltDel(socket)).isInstanceOfSatisfying(ApiTimeoutException.class, e -> {
      assertThat(e.phase()).isEqualTo(ApiTimeoutException.Phase.WRITE);
      assertThat(e.getMessage()).contains(SOCK, "timed out in write", "did not read the request");
    });
  }

  @Test
  void aRefusedConnectIsAHostCallFailureNamingTheSocket() {
    peer.connectError = Errno.ECONNREFUSED;
    assertThatThrownBy(() -> api.sendCtrlAltDel(socket)).isExactlyInstanceOf(FcprocException.class)
        .hasMessageContaining("firecracker API PUT /actions on " + SOCK + ": connect")
        .hasRootCauseInstanceOf(HostException.class);
  }

  @Test
  void anInterimAnswerIsSkipped() throws Exception {
    peer.answers("HTTP/1.1 100 \r\nServer: Firecracker API\r\nConnection: keep-alive\r\n\r\n" + HttpResponseTest.NO_CONTENT);
    api.sendCtrlAltDel(socket);
    assertThat(peer.reads).isEmpty();
  }

  @Test
  void anAnswerThatIsNotHttpSaysSo() {
    peer.answers("SSH-2.0-OpenSSH_9.6\r\n\r\n");
    assertThatThrownBy(() -> api.sendCtrlAltDel(socket)).isExactlyInstanceOf(FcprocException.class)
        .hasMessageContaining("on " + SOCK + ": not a valid HTTP answer: not an HTTP/1.x status line");
  }

  @Test
  void aBodyThatIsNotJsonIsKeptAsTheExplanation() {
    peer.answers("HTTP/1.1 500 \r\nContent-Length: 4\r\n\r\noops");
    assertThatThrownBy(() -> api.sendCtrlAltDel(socket)).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.fault()).isEqualTo(ApiException.Fault.OTHER);
      assertThat(e.faultMessage()).isEmpty();
      assertThat(e.errorText()).isEqualTo("oops");
    });
  }
}
