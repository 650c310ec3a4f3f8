package org.fcproc.host;

import java.util.List;
import java.util.Objects;

/** A finished host command: its argv, exit status and output. */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr) {
  public CommandResult {
    argv = List.copyOf(argv);
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }

  public boolean succeeded() {
    return exitCode == 0;
  }

  /** {@code argv} as a shell would show it, for messages. */
  public String commandLine() {
    return String.join(" ", argv);
  }
}
