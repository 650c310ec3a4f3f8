package org.fcproc;

/**
 * No process could be found for a VM: nobody listens on its API socket, and neither the jailer's
 * pid file nor a command line naming the socket as a whole argument points at a live process. The
 * message says what was looked at.
 */
public final class ProcessNotFoundException extends FcprocException {
  private static final long serialVersionUID = 1L;

  private final String apiSock;

  public ProcessNotFoundException(String apiSock, String message) {
    super(message);
    this.apiSock = apiSock;
  }

  /** The API socket whose process was looked for. */
  public String apiSock() {
    return apiSock;
  }
}
