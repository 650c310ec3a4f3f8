package org.fcproc.features.driver;

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
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * A stand-in for firecracker on the kernel (test code; {@link KernelScenarioHost} starts it as a
 * separate process): binds the API socket named by {@code --api-sock} — which is on its command
 * line, so {@code pgrep -f} finds it as it finds firecracker — and serves the API over HTTP/1.1:
 * {@code PUT /actions {"action_type":"SendCtrlAltDel"}} answers {@code 204}, after which the
 * "guest" shuts down and the process exits (unless {@code --ignore-ctrl-alt-del}); with
 * {@code --aarch64} it answers it as Firecracker on aarch64 does, {@code 400} "SendCtrlAltDel
 * does not supported on aarch64.", and keeps running; anything else answers
 * {@code 400 {"fault_message": ...}}. Each request is appended to the {@code --requests} file as
 * {@code METHOD PATH BODY}, one line, the format of the simulator's API journal.
 *
 * <p>The answers are Firecracker's HTTP server's (micro-http's) bytes: a status line without a
 * reason phrase ({@code HTTP/1.1 204 }), {@code Server: Firecracker API},
 * {@code Connection: keep-alive}; no Content-Length on a 204; {@code Content-Type:
 * application/json} and {@code Content-Length} on a 400. It closes the connection after the
 * answer, where Firecracker would keep it open: fcproc sends one request a connection.
 *
 * <pre>java -cp TEST-CLASSES org.fcproc.features.driver.FakeFirecracker --api-sock PATH --requests FILE [--ignore-ctrl-alt-del] [--aarch64]</pre>
 */
public final class FakeFirecracker {
  private FakeFirecracker() {}

  public static void main(String[] args) throws Exception {
    String sock = null;
    String requests = null;
    boolean obeys = true;
    boolean aarch64 = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--api-sock" -> sock = args[++i];
        case "--requests" -> requests = args[++i];
        case "--ignore-ctrl-alt-del" -> obeys = false;
        case "--aarch64" -> aarch64 = true;
        default -> { } // firecracker's other options are accepted and ignored
      }
    }
    if (sock == null || requests == null) {
      System.err.println("usage: FakeFirecracker --api-sock PATH --requests FILE [--ignore-ctrl-alt-del]");
      System.exit(2);
    }
    Path log = Path.of(requests);
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      while (true) {
        try (SocketChannel c = server.accept()) {
          if (serve(c, log, aarch64) && obeys && !aarch64) {
            // the guest shuts down; firecracker exits once it has
            Thread.sleep(100);
            System.exit(0);
          }
        } catch (IOException e) {
          System.err.println("fake firecracker: " + e);
        }
      }
    }
  }

  /** Serves one request; true when it was SendCtrlAltDel. */
  private static boolean serve(SocketChannel c, Path log, boolean aarch64) throws IOException {
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(4096);
    int headerEnd = -1;
    int length = 0;
    while (true) {
      byte[] sofar = in.toByteArray();
      if (headerEnd < 0) {
        headerEnd = new String(sofar, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
        if (headerEnd >= 0) {
          for (String line : new String(sofar, 0, headerEnd, StandardCharsets.ISO_8859_1).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
              length = Integer.parseInt(line.substring(colon + 1).trim());
            }
          }
        }
      }
      if (headerEnd >= 0 && sofar.length >= headerEnd + 4 + length) {
        String head = new String(sofar, 0, headerEnd, StandardCharsets.ISO_8859_1);
        String[] requestLine = head.split("\r\n", 2)[0].split(" ");
        String method = requestLine.length > 0 ? requestLine[0] : "";
        String target = requestLine.length > 1 ? requestLine[1] : "";
        String body = new String(sofar, headerEnd + 4, length, StandardCharsets.UTF_8);
        Files.writeString(log, method + " " + target + " " + body.replace("\n", " ") + "\n", StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        boolean ctrlAltDel = method.equals("PUT") && target.equals("/actions")
            && body.replace(" ", "").contains("\"action_type\":\"SendCtrlAltDel\"");
        if (ctrlAltDel && aarch64) {
          respond(c, 400, "{\"fault_message\":\"SendCtrlAltDel does not supported on aarch64.\"}");
        } else if (ctrlAltDel) {
          respond(c, 204, "");
        } else {
          respond(c, 400, "{\"fault_message\":\"fake firecracker: unsupported request " + method + " " + target + "\"}");
        }
        return ctrlAltDel;
      }
      buf.clear();
      int n = c.read(buf);
      if (n < 0) {
        return false;
      }
      in.write(buf.array(), 0, n);
    }
  }

  private static void respond(SocketChannel c, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " \r\nServer: Firecracker API\r\nConnection: keep-alive\r\n"
        + (status == 204 ? "" : "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n") + "\r\n";
    ByteBuffer out = ByteBuffer.allocate(head.length() + b.length);
    out.put(head.getBytes(StandardCharsets.US_ASCII)).put(b).flip();
    while (out.hasRemaining()) {
      c.write(out);
    }
  }
}
