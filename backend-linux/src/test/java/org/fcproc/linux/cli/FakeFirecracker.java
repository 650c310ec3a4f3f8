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
 * {@code java -cp <test classes> org.fcproc.linux.cli.FakeFirecracker --api-sock PATH [--stubborn] [--fault]}.
 *
 * <p>It binds a unix socket at PATH (its command line names PATH, as firecracker's does, so
 * {@code pgrep -f} finds it), prints {@code ready}, and serves HTTP/1.1 one request a
 * connection: {@code PUT /actions} with {@code action_type} {@code SendCtrlAltDel} gets
 * {@code 204} and the process exits (unless {@code --stubborn}: then it keeps running, as a
 * guest that ignores the request); anything else, or everything with {@code --fault}, gets
 * {@code 400 {"fault_message": ...}}.
 */
public final class FakeFirecracker {
  private FakeFirecracker() {}

  public static void main(String[] args) throws IOException {
    String sock = null;
    boolean stubborn = false;
    boolean fault = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--api-sock" -> sock = args[++i];
        case "--stubborn" -> stubborn = true;
        case "--fault" -> fault = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (sock == null) {
      throw new IllegalArgumentException("--api-sock PATH is required");
    }
    Path path = Path.of(sock);
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
      System.out.println("ready");
      System.out.flush();
      while (true) {
        try (SocketChannel c = server.accept()) {
          String request = readRequest(c);
          String line = request.lines().findFirst().orElse("");
          boolean ctrlAltDel = line.startsWith("PUT /actions ")
              && request.replace(" ", "").contains("\"action_type\":\"SendCtrlAltDel\"");
          if (ctrlAltDel && !fault) {
            respond(c, "204 No Content", "");
            if (!stubborn) {
              Files.deleteIfExists(path);
              System.exit(0);
            }
          } else {
            respond(c, "400 Bad Request",
                "{\"fault_message\":\"fake firecracker: unsupported request: " + line.replace("\"", "'") + "\"}");
          }
        }
      }
    }
  }

  private static String readRequest(SocketChannel c) throws IOException {
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(4096);
    int contentLength = -1;
    int headerEnd = -1;
    while (true) {
      String sofar = in.toString(StandardCharsets.ISO_8859_1);
      if (headerEnd < 0 && (headerEnd = sofar.indexOf("\r\n\r\n")) >= 0) {
        contentLength = 0;
        for (String h : sofar.substring(0, headerEnd).split("\r\n")) {
          if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            contentLength = Integer.parseInt(h.substring(15).trim());
          }
        }
      }
      if (headerEnd >= 0 && sofar.length() >= headerEnd + 4 + contentLength) {
        return sofar;
      }
      buf.clear();
      int n = c.read(buf);
      if (n < 0) {
        return sofar;
      }
      in.write(buf.array(), 0, n);
    }
  }

  private static void respond(SocketChannel c, String status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + "\r\nServer: fake-firecracker\r\n"
        + (b.length > 0 ? "Content-Type: application/json\r\n" : "")
        + "Content-Length: " + b.length + "\r\n\r\n";
    ByteBuffer out = ByteBuffer.wrap((head + body).getBytes(StandardCharsets.UTF_8));
    while (out.hasRemaining()) {
      c.write(out);
    }
  }
}
