package org.fcproc.linux.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The privileged helper's audit trail: one line per command it runs for a sudo caller — who
 * (the caller's uid, from sudo), what (the command and its arguments, which name the paths), and
 * how it ended (done, invalid, refused, failed, with the exit code and the reason). The line goes
 * to the logger {@value #LOGGER}, which the command line's Logback configuration sends to syslog
 * ({@link org.fcproc.linux.SyslogAppender}).
 */
final class Audit {
  static final String LOGGER = "fcproc.audit";
  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  private Audit() {}

  static void record(int callerUid, String command, String[] args, int exit, String reason) {
    String outcome = switch (exit) {
      case ExitCodes.DONE -> "done";
      case ExitCodes.USAGE -> "invalid";
      case ExitCodes.REFUSED -> "refused";
      default -> "failed";
    };
    log.info("audit caller_uid={} command={} args={} outcome={} exit={}{}", callerUid, quote(command),
        quote(String.join(" ", args)), outcome, exit, reason == null || reason.isEmpty() ? "" : " reason=" + quote(reason));
  }

  /** Double quotes, with backslash, quote and control characters escaped: one line, unambiguous. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
