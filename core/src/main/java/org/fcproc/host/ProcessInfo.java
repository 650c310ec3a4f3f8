package org.fcproc.host;

import java.util.List;
import java.util.Objects;

/**
 * A process as {@code /proc/[pid]} shows it.
 *
 * @param pid its pid (pids are reused: pair it with {@code startTime})
 * @param argv the command line, {@code /proc/[pid]/cmdline} split at NUL
 * @param executable {@code /proc/[pid]/exe}, empty when unreadable
 * @param startTime field 22 of {@code /proc/[pid]/stat}, clock ticks since boot
 * @param zombie it has exited and waits to be reaped
 */
public record ProcessInfo(int pid, List<String> argv, String executable, long startTime, boolean zombie) {
  public ProcessInfo {
    if (pid <= 0) {
      throw new IllegalArgumentException("pid must be positive: " + pid);
    }
    argv = List.copyOf(argv);
    Objects.requireNonNull(executable, "executable");
  }

  /** The command line as {@code pgrep -f} matches it: argv joined by single spaces. */
  public String commandLine() {
    return String.join(" ", argv);
  }
}
