package org.fcproc.linux;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import jnr.ffi.Pointer;

/**
 * A Logback appender that sends each event as one syslog datagram (RFC 3164:
 * {@code <PRI>Mmm dd hh:mm:ss fcproc[pid]: message}) to a unix datagram socket — syslog's
 * {@code /dev/log}, which journald and rsyslog both serve. The fcproc command line routes its
 * audit logger ({@code fcproc.audit}) here: an audit trail belongs where the caller of the
 * privileged helper cannot edit it, not on the caller's own stderr.
 *
 * <p>The socket is the system property {@value #SOCKET_PROPERTY} (the helper sets it from the
 * policy's {@code audit_socket}), else {@code /dev/log}. When the socket cannot be reached — no
 * syslog daemon on this host — the line goes to stderr prefixed {@code fcproc: audit: }, so it is
 * never silently lost.
 *
 * <p>Facility {@code authpriv} (10), severity {@code notice} (5): the facility sudo itself logs
 * to, for the same kind of record.
 */
public final class SyslogAppender extends AppenderBase<ILoggingEvent> {
  /** The system property naming the socket. */
  public static final String SOCKET_PROPERTY = "fcproc.audit.socket";
  private static final int PRIORITY = 10 * 8 + 5;
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);

  @Override
  protected void append(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    String socket = System.getProperty(SOCKET_PROPERTY, "/dev/log");
    String line = "<" + PRIORITY + ">" + STAMP.format(ZonedDateTime.now(ZoneId.systemDefault())) + " fcproc["
        + ProcessHandle.current().pid() + "]: " + message;
    String problem = send(socket, line.getBytes(StandardCharsets.UTF_8));
    if (problem != null) {
      System.err.println("fcproc: audit: " + message + " (syslog socket " + socket + ": " + problem + ")");
    }
  }

  /** Sends one datagram; the problem in words, or null when it was sent. */
  static String send(String socketPath, byte[] datagram) {
    if (Native.unavailabilityCause().isPresent()) {
      return "native calls unavailable";
    }
    Native n = Native.get();
    byte[] sunPath = socketPath.getBytes(StandardCharsets.UTF_8);
    if (sunPath.length >= Native.SOCKADDR_UN_SIZE - 2) {
      return "path too long";
    }
    int fd = n.libc.socket(Native.AF_UNIX, Native.SOCK_DGRAM | Native.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      return "socket: " + n.fail("socket", socketPath).errno();
    }
    try {
      Pointer sa = n.buffer(Native.SOCKADDR_UN_SIZE);
      sa.putShort(0, (short) Native.AF_UNIX);
      sa.put(2, sunPath, 0, sunPath.length);
      if (n.libc.connect(fd, sa, 2 + sunPath.length + 1) != 0) {
        return "connect: " + n.fail("connect", socketPath).errno();
      }
      if (n.libc.send(fd, datagram, datagram.length, 0) != datagram.length) {
        return "send: " + n.fail("send", socketPath).errno();
      }
      return null;
    } finally {
      n.libc.close(fd);
    }
  }
}
