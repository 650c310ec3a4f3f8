package org.fcproc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.fcproc.host.Errno;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.UnixConnection;

/**
 * A minimal HTTP/1.1 client for the Firecracker API, over a unix socket reached through a
 * handle that was checked first (so a socket swapped for a symlink afterwards is not the one
 * spoken to, ATTACKS P4). It sends one request, reads the status line, the headers and a
 * {@code Content-Length} body, and surfaces the API's {@code fault_message} in its error.
 */
final class FirecrackerApi {
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_RESPONSE_BYTES = 1 << 20;

  private final HostOps host;

  FirecrackerApi(HostOps host) {
    this.host = host;
  }

  /** The seed's {@code client.SendCtrlAltDel}: {@code PUT /actions {"action_type":"SendCtrlAltDel"}}. */
  void sendCtrlAltDel(Handle apiSocket) throws FcprocException {
    Response r = exchange(apiSocket, "PUT", "/actions", "{\"action_type\":\"SendCtrlAltDel\"}");
    if (r.status / 100 != 2) {
      throw new FcprocException(
          "firecracker API PUT /actions on " + apiSocket.path() + " answered " + r.status + " " + r.reason
              + (r.body.isEmpty() ? "" : ": " + r.body));
    }
  }

  record Response(int status, String reason, String body) {}

  Response exchange(Handle socket, String method, String target, String jsonBody) throws FcprocException {
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
    String where = method + " " + target + " on " + socket.path();
    try (UnixConnection c = host.connect(socket)) {
      c.write(request);
      return read(c, where);
    } catch (HostException e) {
      throw new FcprocException("firecracker API " + where, e);
    }
  }

  private Response read(UnixConnection c, String where) throws HostException, FcprocException {
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    long deadline = host.nanoTime() + TIMEOUT.toNanos();
    int headerEnd = -1;
    int contentLength = -1;
    while (true) {
      byte[] sofar = in.toByteArray();
      if (headerEnd < 0) {
        headerEnd = indexOf(sofar, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        if (headerEnd >= 0) {
          contentLength = contentLength(new String(sofar, 0, headerEnd, StandardCharsets.ISO_8859_1), where);
        }
      }
      if (headerEnd >= 0 && sofar.length >= headerEnd + 4 + contentLength) {
        return parse(sofar, headerEnd, contentLength, where);
      }
      // Read what is there before judging the deadline: the answer may have arrived while this
      // thread was not running (and on the simulated host, other threads move the shared clock).
      long left = Math.max(0, deadline - host.nanoTime());
      int n;
      try {
        n = c.read(buf, Duration.ofNanos(left));
      } catch (HostException e) {
        if (e.is(Errno.ETIMEDOUT)) {
          throw new FcprocException("firecracker API " + where + ": no complete response within " + TIMEOUT.toSeconds() + " s");
        }
        throw e;
      }
      if (n < 0) {
        throw new FcprocException("firecracker API " + where + ": connection closed before a complete response");
      }
      in.write(buf, 0, n);
      if (in.size() > MAX_RESPONSE_BYTES) {
        throw new FcprocException("firecracker API " + where + ": response larger than " + MAX_RESPONSE_BYTES + " bytes");
      }
    }
  }

  private static int contentLength(String headers, String where) throws FcprocException {
    int length = 0;
    for (String line : headers.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
        try {
          length = Integer.parseInt(line.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
          throw new FcprocException("firecracker API " + where + ": bad Content-Length: " + line);
        }
        if (length < 0 || length > MAX_RESPONSE_BYTES) {
          throw new FcprocException("firecracker API " + where + ": bad Content-Length: " + line);
        }
      }
    }
    return length;
  }

  private static Response parse(byte[] raw, int headerEnd, int contentLength, String where) throws FcprocException {
    String headers = new String(raw, 0, headerEnd, StandardCharsets.ISO_8859_1);
    String statusLine = headers.split("\r\n", 2)[0];
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new FcprocException("firecracker API " + where + ": not an HTTP/1.x status line: " + statusLine);
    }
    int status;
    try {
      status = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new FcprocException("firecracker API " + where + ": bad status line: " + statusLine);
    }
    String body = new String(raw, headerEnd + 4, contentLength, StandardCharsets.UTF_8);
    return new Response(status, parts.length > 2 ? parts[2] : "", body);
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
