package org.fcproc;

import org.fcproc.host.CommandResult;

/** A host command (an {@code ip}, {@code pgrep}, {@code sudo} ... invocation) exited non-zero. */
public final class CommandFailedException extends FcprocException {
  private static final long serialVersionUID = 1L;

  private final transient CommandResult result;

  public CommandFailedException(CommandResult result) {
    super(
        "command `" + result.commandLine() + "` exited " + result.exitCode()
            + (result.stderr().isBlank() ? "" : ": " + result.stderr().strip()));
    this.result = result;
  }

  public CommandResult result() {
    return result;
  }
}
