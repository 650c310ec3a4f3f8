package org.fcproc;

/** The seed's {@code ErrWaitForExitTimeout}: the process was still running at the deadline. */
public final class ExitTimeoutException extends FcprocException {
  private static final long serialVersionUID = 1L;

  private final int pid;

  public ExitTimeoutException(int pid) {
    super("timed out waiting for VM to exit (pid " + pid + ")");
    this.pid = pid;
  }

  public int pid() {
    return pid;
  }
}
