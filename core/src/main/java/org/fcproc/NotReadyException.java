package org.fcproc;

/**
 * A socket did not appear before its deadline: the seed's
 * {@code "<label> not ready: <path>: context deadline exceeded"}.
 */
public final class NotReadyException extends FcprocException {
  private static final long serialVersionUID = 1L;

  private final String path;

  public NotReadyException(String label, String path) {
    super(label + " not ready: " + path + ": context deadline exceeded");
    this.path = path;
  }

  public String path() {
    return path;
  }
}
