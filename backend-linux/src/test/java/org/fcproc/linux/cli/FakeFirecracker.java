package org.fcproc.linux.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A stand-in for firecracker, run as its own process by the command-line tests:
 * {@code java -cp <test classes> org.fcproc.linux.cli.FakeFirecracker --api-sock PATH [--stubborn]
 * [--fault] [--mode booted|not-booted|aarch64|full|silent]}.
 *
 * <p>It binds a unix socket at PATH (its command line names PATH, as firecracker's does, so
 * {@code pgrep -f} finds it), prints {@code ready}, and serves each connection on its own thread
 * until the client hangs up, answering byte for byte as Firecracker's HTTP server (micro-http)
 * does: a status line without a reason phrase ({@code HTTP/1.1 204 }), {@code Server: Firecracker
 * API}, {@code Connection: keep-alive}; a 204 with no Content-Length; a 400 with
 * {@code Content-Type: application/json}, {@code Content-Length} and {@code {"fault_message":...}}.
 *
 * <p>{@code PUT /actions} with {@code action_type} {@code SendCtrlAltDel} gets {@code 204} and
 * the process exits (unless {@code --stubborn}: a guest that ignores the request); anything else,
 * or everything with {@code --fault}, a 400. The modes are Firecracker's other answers:
 * {@code not-booted} and {@code aarch64} answer Ctrl-Alt-Del with Firecracker's 400 for a
 * microVM not yet started and for aarch64; {@code full} is a server with its ten connections
 * taken — each new one gets micro-http's fixed 503 and is closed unread; {@code silent} reads
 * requests and never answers (a wedged VMM thread).
 */
public final class FakeFirecracker {
  static final String NO_CONTENT = "HTTP/1.1 204 \r\nServer: Firecracker API\r\nConnection: keep-alive\r\n\r\n";
  static final String SERVER_FULL = "HTTP/1.1 503\r\nServer: Firecracker API\r\nConnection: close\r\n"
      + "Content-Length: 40\r\n\r\n{ \"error\": \"Too many open connections\" }";
  static final String NOT_BOOTED_FAULT = "The requested operation is not supported before starting the microVM.";
  static final String AARCH64_FAULT = "SendCtrlAltDel does not supported on aarch64.";

  private FakeFirecracker() {}

  public static void main(String[] args) throws IOException {
    String sock = null;
    boolean stubborn = false;
    boolean fault = false;
    String mode = "booted";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--api-sock" -> sock = args[++i];
        case "--stubborn" -> stubborn = true;
        case "--fault" -> fault = true;
        case "--mode" -> mode = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (sock == null) {
      throw new IllegalArgumentException("--api-sock PATH is required");
    }
    if (!java.util.List.of("booted", "not-booted", "aarch64", "full", "silent").contains(mode)) {
      throw new IllegalArgumentException("unknown mode " + mode);
    }
    Path path = Path.of(sock);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    System.out.println("ready");
    System.out.flush();
    while (true) {
      SocketChannel c = server.accept();
      if (mode.equals("full")) {
        try (c) {
          write(c, SERVER_FULL.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          System.err.println("fake firecracker: " + e);
        }
        continue;
      }
      Connection conn = new Connection(c, path, mode, fault, stubborn);
      Thread t = new Thread(conn::serve, "connection");
      t.setDaemon(true);
      t.start();
    }
  }

  private record Connection(SocketChannel c, Path path, String mode, boolean fault, boolean stubborn) {
    void serve() {
      try (c) {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (true) {
          String request = complete(in);
          if (request == null) {
            buf.clear();
            if (c.read(buf) < 0) {
              return; // the client hung up
            }
            in.write(buf.array(), 0, buf.position());
            continue;
          }
          String line = request.lines().findFirst().orElse("");
          boolean ctrlAltDel = line.startsWith("PUT /actions ")
              && request.replace(" ", "").contains("\"action_type\":\"SendCtrlAltDel\"");
          if (mode.equals("silent")) {
            continue;
          }
          if (ctrlAltDel && mode.equals("not-booted")) {
            write(c, faultAnswer(NOT_BOOTED_FAULT));
          } else if (ctrlAltDel && mode.equals("aarch64")) {
            write(c, faultAnswer(AARCH64_FAULT));
          } else if (ctrlAltDel && !fault) {
            write(c, NO_CONTENT.getBytes(StandardCharsets.US_ASCII));
            if (!stubborn) {
              Files.deleteIfExists(path);
              System.exit(0);
            }
          } else {
            write(c, faultAnswer("fake firecracker: unsupported request: " + line.replace("\"", "'")));
          }
        }
      } catch (IOException e) {
        System.err.println("fake firecracker: " + e);
      }
    }
  }

  /** The first complete request in {@code in}, taken out of it; null when it is not all there yet. */
  private static String complete(ByteArrayOutputStream in) {
    String sofar = in.toString(StandardCharsets.ISO_8859_1);
    int headerEnd = sofar.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
      return null;
    }
    int contentLength = 0;
    for (String h : sofar.substring(0, headerEnd).split("\r\n")) {
      if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        contentLength = Integer.parseInt(h.substring(15).trim());
      }
    }
    int end = headerEnd + 4 + contentLength;
    if (sofar.length() < end) {
      return null;
    }
    byte[] all = in.toByteArray();
    in.reset();
    in.write(all, end, all.length - end);
    return sofar.substring(0, end);
  }

  /** Firecracker's error answer: 400, JSON, {@code {"fault_message":"..."}} compact as serde_json writes it. */
  static byte[] faultAnswer(String message) {
    byte[] b = ("{\"fault_message\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}")
        .getBytes(StandardCharsets.UTF_8);
    byte[] head = ("HTTP/1.1 400 \r\nServer: Firecracker API\r\nConnection: keep-alive\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + b.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(b, 0, out, head.length, b.length);
    return out;
  }

  private static void write(SocketChannel c, byte[] bytes) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(bytes);
    while (out.hasRemaining()) {
      c.write(out);
    }
  }
}
