package org.fcproc.sim;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.fcproc.host.Credentials;

/**
 * The API socket of a fake Firecracker: a listener registered on a socket inode, as
 * {@code bind(2)} + {@code listen(2)} register one on Linux. {@code connect} reaches it only
 * through that inode, so a symlink or another socket at the path reaches something else.
 *
 * <p>It reads a request as complete when its headers end and {@code Content-Length} bytes of
 * body have arrived, and answers byte for byte as Firecracker's HTTP server (micro-http) does:
 *
 * <ul>
 *   <li>a status line without a reason phrase, {@code HTTP/1.1 204 } and CRLF (micro-http writes
 *       version, space, code, space, CRLF);
 *   <li>then {@code Server: Firecracker API} and {@code Connection: keep-alive}: the connection
 *       stays open after the answer;
 *   <li>{@code 204} with no other header and no body — micro-http leaves Content-Length out of
 *       1xx and 204 answers;
 *   <li>any other status with {@code Content-Type: application/json}, {@code Content-Length}
 *       and Firecracker's error body {@code {"fault_message":"..."}} (serde_json's compact form,
 *       no spaces);
 *   <li>past {@link #MAX_CONNECTIONS} open connections (or in {@link ApiMode#FULL}), micro-http's
 *       fixed refusal {@link #SERVER_FULL}, written on accept, after which the connection is
 *       closed without reading.
 * </ul>
 *
 * <p>{@code PUT /actions} with {@code "action_type": "SendCtrlAltDel"} gets {@code 204} in
 * {@link ApiMode#BOOTED}, Firecracker's pre-boot refusal in {@link ApiMode#NOT_BOOTED}, its
 * aarch64 refusal in {@link ApiMode#AARCH64}; anything else the 400 Firecracker gives a request
 * it cannot route or read.
 */
final class ApiServer {
  private static final Pattern CTRL_ALT_DEL = Pattern.compile("\"action_type\"\\s*:\\s*\"SendCtrlAltDel\"");
  static final Duration SHUTDOWN_DELAY = Duration.ofMillis(200);
  /** micro-http's {@code MAX_CONNECTIONS}: the connections it serves at once. */
  static final int MAX_CONNECTIONS = 10;
  /** micro-http's fixed answer to a connection past its limit: no space after the code, no Content-Type. */
  static final String SERVER_FULL = "HTTP/1.1 503\r\nServer: Firecracker API\r\nConnection: close\r\n"
      + "Content-Length: 40\r\n\r\n{ \"error\": \"Too many open connections\" }";
  /** Firecracker's pre-boot controller's answer to an action that needs a running microVM. */
  static final String NOT_BOOTED_FAULT = "The requested operation is not supported before starting the microVM.";
  /** Firecracker's request parser's answer to SendCtrlAltDel on aarch64 (its words, typo included). */
  static final String AARCH64_FAULT = "SendCtrlAltDel does not supported on aarch64.";

  private final SimHost host;
  final SimProcess process;
  final GuestBehaviour behaviour;
  final Inode socket;
  boolean listening = true;
  ApiMode mode = ApiMode.BOOTED;
  private final List<ApiConnection> connections = new ArrayList<>();
  /** Every complete request received, {@code METHOD PATH BODY}, for tests. */
  final List<String> requests = new ArrayList<>();

  ApiServer(SimHost host, SimProcess process, GuestBehaviour behaviour, Inode socket) {
    this.host = host;
    this.process = process;
    this.behaviour = behaviour;
    this.socket = socket;
  }

  /**
   * Accepts a connection. Past {@link #MAX_CONNECTIONS} open ones, or in {@link ApiMode#FULL},
   * it gets {@link #SERVER_FULL} and is closed at once, as micro-http does; the client's
   * {@code connect} has succeeded all the same.
   */
  ApiConnection accept(Credentials client) {
    ApiConnection c = new ApiConnection(host, this, client);
    connections.removeIf(o -> o.closed || o.peerClosed);
    if (mode == ApiMode.FULL || connections.size() >= MAX_CONNECTIONS) {
      c.respond(SERVER_FULL.getBytes(StandardCharsets.US_ASCII));
      c.peerClosed = true;
      return c;
    }
    connections.add(c);
    return c;
  }

  /** The process is gone: the socket inode stays, nothing listens, open connections see EOF. */
  void shutdown() {
    listening = false;
    if (socket.listener == this) {
      socket.listener = null;
    }
    for (ApiConnection c : connections) {
      c.peerClosed = true;
    }
  }

  /**
   * Answers every complete request buffered on {@code c}; once the client has shut down its
   * side, hangs up after the last complete request, as Firecracker does at end of stream. In
   * {@link ApiMode#NOT_READING} it reads nothing; in {@link ApiMode#SILENT} it takes requests
   * and answers none.
   */
  void serve(ApiConnection c) {
    if (mode == ApiMode.NOT_READING) {
      return;
    }
    while (true) {
      byte[] in = c.inbound.toByteArray();
      String text = new String(in, StandardCharsets.ISO_8859_1);
      int headEnd = text.indexOf("\r\n\r\n");
      if (headEnd < 0) {
        c.peerClosed |= c.outputShut;
        return;
      }
      String head = text.substring(0, headEnd);
      int length = 0;
      String[] lines = head.split("\r\n");
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
          try {
            length = Integer.parseInt(lines[i].substring(colon + 1).trim());
          } catch (NumberFormatException e) {
            length = 0;
          }
        }
      }
      int total = headEnd + 4 + length;
      if (in.length < total) {
        c.peerClosed |= c.outputShut;
        return;
      }
      String body = new String(in, headEnd + 4, length, StandardCharsets.UTF_8);
      c.inbound.reset();
      c.inbound.write(in, total, in.length - total);
      String[] requestLine = lines[0].split(" ");
      String method = requestLine.length > 0 ? requestLine[0] : "";
      String path = requestLine.length > 1 ? requestLine[1] : "";
      requests.add(method + " " + path + " " + body);
      if (mode != ApiMode.SILENT) {
        c.respond(answer(method, path, body));
      }
    }
  }

  private byte[] answer(String method, String path, String body) {
    if (method.equals("PUT") && path.equals("/actions") && CTRL_ALT_DEL.matcher(body).find()) {
      switch (mode) {
        case NOT_BOOTED -> {
          return fault(NOT_BOOTED_FAULT);
        }
        case AARCH64 -> {
          return fault(AARCH64_FAULT);
        }
        default -> {
          if (behaviour == GuestBehaviour.OBEYS_CTRL_ALT_DEL) {
            SimProcess p = process;
            host.scheduleInternal(SHUTDOWN_DELAY, () -> host.exitProcess(p));
          }
          return noContent();
        }
      }
    }
    return fault(method.equals("PUT") && path.equals("/actions")
        ? "An error occurred when deserializing the json body of a request: unknown variant."
        : "Invalid request method and/or path: " + method + " " + path + ".");
  }

  /** {@code 204}: status line, Server, Connection, nothing else. */
  static byte[] noContent() {
    return "HTTP/1.1 204 \r\nServer: Firecracker API\r\nConnection: keep-alive\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  }

  /** {@code 400} with {@code {"fault_message":"..."}}, as Firecracker's API server writes an error. */
  static byte[] fault(String message) {
    String json = "{\"fault_message\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 400 \r\nServer: Firecracker API\r\nConnection: keep-alive\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[h.length + b.length];
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(b, 0, out, h.length, b.length);
    return out;
  }
}
