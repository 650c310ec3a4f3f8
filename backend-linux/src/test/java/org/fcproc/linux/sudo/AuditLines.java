package org.fcproc.linux.sudo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The checks on the helper's audit lines: one datagram per privileged action, naming the
 * caller's uid ({@code caller_uid=N}), the command, the path and the outcome word
 * ({@code done}, {@code refused}, {@code invalid} or {@code failed}). Nothing else about the
 * line is asserted: its syslog header and wording are the helper's to choose.
 */
final class AuditLines {
  private AuditLines() {}

  /** Exactly one line, for {@code command} on {@code path} by {@code uid}, with one of {@code outcomes}. */
  static void assertOne(List<String> lines, String step, int uid, String command, String path, String... outcomes) {
    assertThat(lines).as("audit datagrams sent by the helper for %s (one per privileged action)", step).hasSize(1);
    assertLine(lines.get(0), step, uid, command, path, outcomes);
  }

  /**
   * None, or one as {@link #assertOne} says: for an attack the caller's own command line may
   * refuse before it calls sudo (no privileged action, no line), but any line sent must be right.
   */
  static void assertAtMostOne(List<String> lines, String step, int uid, String command, String path, String... outcomes) {
    assertThat(lines).as("audit datagrams for %s (at most one: the caller's command line may refuse before sudo)", step)
        .hasSizeLessThanOrEqualTo(1);
    if (!lines.isEmpty()) {
      assertLine(lines.get(0), step, uid, command, path, outcomes);
    }
  }

  private static void assertLine(String line, String step, int uid, String command, String path, String... outcomes) {
    assertThat(line).as("audit line of %s", step).contains("caller_uid=" + uid, command, path);
    boolean outcome = Arrays.stream(outcomes).anyMatch(o -> Pattern.compile("\\b" + o + "\\b").matcher(line).find());
    assertThat(outcome).as("audit line of %s has an outcome among %s: %s", step, Arrays.toString(outcomes), line).isTrue();
  }
}
