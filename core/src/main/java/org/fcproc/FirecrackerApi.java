package org.fcproc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.fcproc.host.Errno;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.UnixConnection;

/**
 * A minimal HTTP/1.1 client for the Firecracker API, over a unix socket reached through a
 * handle that was checked first (so a socket swapped for a symlink afterwards is not the one
 * spoken to, catalogue P4). One request per connection; the answer is read as
 * {@link HttpResponse} describes Firecracker's server (micro-http) writing it.
 *
 * <p><b>Deadlines.</b> One deadline, {@link #TIMEOUT} after the start, covers connecting,
 * writing the request and reading the answer; every blocking call is given what is left of it,
 * so a stalled peer ends in {@link ApiTimeoutException} naming the socket and the phase that
 * stalled, never in a hang. What is already in the socket is read before the deadline is
 * judged: the answer may have arrived while this thread was not running.
 *
 * <p><b>A server that answers and hangs up.</b> micro-http answers an eleventh connection with a
 * 503 as soon as it accepts it, and closes it without reading. Depending on who is first, the
 * request's write then fails (EPIPE: the peer has gone), or succeeds and the read ends in
 * ECONNRESET (Linux's {@code unix_release_sock} sets it on the peer of a socket closed with
 * unread data in it) — after the answer, which the kernel hands out first. So a failed write is
 * followed by a read of whatever answer is there, and ECONNRESET on a read counts as the end of
 * the stream; only when no complete answer came is the failure reported.
 *
 * <p><b>Errors.</b> A status other than 2xx is an {@link ApiException} with the status, the
 * {@code fault_message} and the request; a stalled phase an {@link ApiTimeoutException}; an
 * answer that is not HTTP, or none at all, a {@link FcprocException} that says so.
 */
final class FirecrackerApi {
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final HostOps host;
  private final Duration timeout;

  FirecrackerApi(HostOps host) {
    this(host, TIMEOUT);
  }

  FirecrackerApi(HostOps host, Duration timeout) {
    this.host = host;
    this.timeout = Inputs.positive("API timeout", timeout);
  }

  /**
   * The seed's {@code client.SendCtrlAltDel}: {@code PUT /actions {"action_type":"SendCtrlAltDel"}}.
   * Firecracker answers {@code 204} with no body once it has queued the Ctrl, Alt and Del key
   * presses in the guest's emulated i8042 keyboard controller; see {@link ApiException} for its
   * refusals.
   */
  void sendCtrlAltDel(Handle apiSocket) throws FcprocException {
    check(exchange(apiSocket, "PUT", "/actions", "{\"action_type\":\"SendCtrlAltDel\"}"),
        "PUT", "/actions", apiSocket.path());
  }

  /** Throws the {@link ApiException} a non-2xx answer is. */
  static HttpResponse check(HttpResponse r, String method, String target, String apiSock) throws ApiException {
    if (r.status() / 100 == 2) {
      return r;
    }
    String fault = null;
    String error = null;
    try {
      Map<String, Object> json = JsonReader.object(r.body());
      if (json.get("fault_message") instanceof String s) {
        fault = s;
      } else if (json.get("error") instanceof String s) {
        error = s; // micro-http's own 503: { "error": "Too many open connections" }
      }
    } catch (JsonReader.Malformed e) {
      // not JSON: the body itself is the explanation
    }
    String text = fault != null ? fault : error != null ? error : abbreviate(r.body().strip());
    throw new ApiException(r.status(), fault, text, method, target, apiSock);
  }

  /** Sends one request and reads its answer, whatever the status. */
  HttpResponse exchange(Handle socket, String method, String target, String jsonBody) throws FcprocException {
    byte[] request = request(method, target, jsonBody);
    String apiSock = socket.path();
    String where = "firecracker API " + method + " " + target + " on " + apiSock;
    long deadline = host.nanoTime() + timeout.toNanos();
    UnixConnection c;
    try {
      c = host.connect(socket, left(deadline));
    } catch (HostException e) {
      if (e.is(Errno.ETIMEDOUT)) {
        throw new ApiTimeoutException(ApiTimeoutException.Phase.CONNECT, method, target, apiSock, timeout, e);
      }
      throw new FcprocException(where + ": connect", e);
    }
    try (c) {
      HostException writeFailure = null;
      try {
        c.write(request, left(deadline));
      } catch (HostException e) {
        if (e.is(Errno.ETIMEDOUT)) {
          throw new ApiTimeoutException(ApiTimeoutException.Phase.WRITE, method, target, apiSock, timeout, e);
        }
        if (!e.is(Errno.EPIPE) && !e.is(Errno.ECONNRESET)) {
          throw new FcprocException(where + ": write", e);
        }
        writeFailure = e; // it may have answered before hanging up (micro-http's 503)
      }
      return read(c, deadline, method, target, apiSock, where, writeFailure);
    } catch (HostException e) {
      throw new FcprocException(where, e);
    }
  }

  private HttpResponse read(UnixConnection c, long deadline, String method, String target, String apiSock,
      String where, HostException writeFailure) throws FcprocException, HostException {
    Buffer in = new Buffer();
    byte[] chunk = new byte[4096];
    boolean ended = false;
    while (true) {
      HttpResponse.Parsed p;
      try {
        p = HttpResponse.parse(in.bytes(), in.size(), ended);
      } catch (HttpResponse.Malformed e) {
        if (writeFailure != null && in.size() == 0) {
          throw new FcprocException(where + ": write", writeFailure);
        }
        throw new FcprocException(where + ": not a valid HTTP answer: " + e.getMessage());
      }
      if (p != null) {
        in.drop(p.consumed());
        if (p.response().interim()) {
          continue; // 1xx: the answer follows
        }
        return p.response();
      }
      int n;
      try {
        n = c.read(chunk, left(deadline));
      } catch (HostException e) {
        if (e.is(Errno.ETIMEDOUT)) {
          throw new ApiTimeoutException(ApiTimeoutException.Phase.READ, method, target, apiSock, timeout, e);
        }
        if (!e.is(Errno.ECONNRESET)) {
          throw e;
        }
        n = -1; // the peer closed without reading everything: what it wrote has been read
      }
      if (n < 0) {
        ended = true;
      } else {
        in.write(chunk, 0, n);
      }
    }
  }

  private static byte[] request(String method, String target, String jsonBody) {
    byte[] body = jsonBody.getBytes(StandardCharsets.UTF_8);
    String head = method + " " + target + " HTTP/1.1\r\n"
        + "Host: localhost\r\n"
        + "Accept: application/json\r\n"
        + "Content-Type: application/json\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, request, 0, headBytes.length);
    System.arraycopy(body, 0, request, headBytes.length, body.length);
    return request;
  }

  private Duration left(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - host.nanoTime()));
  }

  private static String abbreviate(String s) {
    return s.length() <= 500 ? s : s.substring(0, 500) + "...";
  }

  /** The bytes read so far, with the ones an interim answer took dropped from the front. */
  private static final class Buffer extends ByteArrayOutputStream {
    byte[] bytes() {
      return buf;
    }

    void drop(int n) {
      System.arraycopy(buf, n, buf, 0, count - n);
      count -= n;
    }
  }
}
