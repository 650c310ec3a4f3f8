package org.fcproc.linux.sudo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The receiving end of the root helper's audit lines: an {@code AF_UNIX SOCK_DGRAM} socket bound
 * at the policy's {@code audit_socket}, as syslog's {@code /dev/log} is. Java cannot bind a unix
 * datagram socket, so a small python3 script ({@code audit_listener.py}, next to this class in
 * the test resources) binds it and prints each datagram as a line.
 *
 * <p>{@link #takeUntilMark()} returns exactly the datagrams sent since the previous call: it asks
 * the script for a mark, which the script prints only after everything already queued on the
 * socket (a unix datagram queue is FIFO). Called after a command has exited, that is every line
 * the command's helper sent.
 */
final class AuditListener implements AutoCloseable {
  private static final long WAIT_SECONDS = 20;

  private final Process process;
  private final OutputStream control;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private int marks;

  private AuditListener(Process process) {
    this.process = process;
    this.control = process.getOutputStream();
  }

  static AuditListener start(String python, Path socket) throws IOException {
    String script;
    try (InputStream in = AuditListener.class.getResourceAsStream("audit_listener.py")) {
      if (in == null) {
        throw new AssertionError("test resource org/fcproc/linux/sudo/audit_listener.py is missing");
      }
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Process p = new ProcessBuilder(python, "-c", script, socket.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    AuditListener a = new AuditListener(p);
    Thread reader = new Thread(() -> a.read(p.getInputStream()), "audit-listener-reader");
    reader.setDaemon(true);
    reader.start();
    String first = a.poll();
    if (!"ready".equals(first)) {
      a.close();
      throw new AssertionError("the audit listener on " + socket + " did not start (got " + first + ")");
    }
    return a;
  }

  private void read(InputStream in) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      lines.add("E " + e);
    }
  }

  private String poll() {
    try {
      return lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The datagrams received since the last call, in order, unescaped. */
  synchronized List<String> takeUntilMark() {
    String mark = Integer.toString(++marks);
    try {
      control.write(("mark " + mark + "\n").getBytes(StandardCharsets.UTF_8));
      control.flush();
    } catch (IOException e) {
      throw new AssertionError("the audit listener is gone: " + e, e);
    }
    List<String> got = new ArrayList<>();
    while (true) {
      String line = poll();
      if (line == null) {
        throw new AssertionError("the audit listener did not answer mark " + mark + " in " + WAIT_SECONDS + " s");
      }
      if (line.equals("M " + mark)) {
        return got;
      }
      if (!line.startsWith("D ")) {
        throw new AssertionError("unexpected line from the audit listener: " + line);
      }
      got.add(unescape(line.substring(2)));
    }
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        b.append(n == 'n' ? '\n' : n);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  @Override
  public void close() {
    try {
      control.close(); // the script exits and unlinks its socket
    } catch (IOException ignored) {
      // it is ended below either way
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
