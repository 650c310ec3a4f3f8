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
 * <p>It speaks just enough HTTP/1.1: a request is complete when its headers end and
 * {@code Content-Length} bytes of body have arrived. {@code PUT /actions} with
 * {@code "action_type": "SendCtrlAltDel"} gets {@code 204 No Content}; anything else a
 * {@code 400} with Firecracker's {@code {"fault_message": ...}} body. Like Firecracker it keeps
 * the connection open after answering.
 */
final class ApiServer {
  private static final Pattern CTRL_ALT_DEL = Pattern.compile("\"action_type\"\\s*:\\s*\"SendCtrlAltDel\"");
  static final Duration SHUTDOWN_DELAY = Duration.ofMillis(200);

  private final SimHost host;
  final SimProcess process;
  final GuestBehaviour behaviour;
  final Inode socket;
  boolean listening = true;
  private final List<ApiConnection> connections = new ArrayList<>();
  /** Every complete request received, {@code METHOD PATH BODY}, for tests. */
  final List<String> requests = new ArrayList<>();

  ApiServer(SimHost host, SimProcess process, GuestBehaviour behaviour, Inode socket) {
    this.host = host;
    this.process = process;
    this.behaviour = behaviour;
    this.socket = socket;
  }

  ApiConnection accept(Credentials client) {
    ApiConnection c = new ApiConnection(host, this, client);
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
   * side, hangs up after the last complete request, as Firecracker does at end of stream.
   */
  void serve(ApiConnection c) {
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
      c.respond(answer(method, path, body));
    }
  }

  private byte[] answer(String method, String path, String body) {
    if (method.equals("PUT") && path.equals("/actions") && CTRL_ALT_DEL.matcher(body).find()) {
      if (behaviour == GuestBehaviour.OBEYS_CTRL_ALT_DEL) {
        SimProcess p = process;
        host.scheduleInternal(SHUTDOWN_DELAY, () -> host.exitProcess(p));
      }
      return "HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    }
    String fault = method.equals("PUT") && path.equals("/actions")
        ? "An error occurred when deserializing the json body of a request: unsupported action."
        : "Invalid request method and/or path: " + method + " " + path + ".";
    String json = "{\"fault_message\":\"" + fault.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    String headers = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n";
    byte[] h = headers.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[h.length + b.length];
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(b, 0, out, h.length, b.length);
    return out;
  }
}
