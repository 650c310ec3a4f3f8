package org.fcproc;

import java.io.IOException;

/**
 * An fcproc operation failed. The message says which step failed, on which path, and why; the
 * cause, when there is one, is the {@link org.fcproc.host.HostException} or command failure
 * underneath.
 */
public class FcprocException extends IOException {
  private static final long serialVersionUID = 1L;

  public FcprocException(String message) {
    super(message);
  }

  public FcprocException(String message, Throwable cause) {
    super(message + (cause == null ? "" : ": " + cause.getMessage()), cause);
  }
}
