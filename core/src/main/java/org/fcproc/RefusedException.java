package org.fcproc;

/**
 * A guard tripped: the operation could not keep the jail invariant (docs/DESIGN.md#threat-model) and stopped,
 * leaving the host no worse than it found it. It names the path and the reason.
 */
public final class RefusedException extends FcprocException {
  private static final long serialVersionUID = 1L;

  private final String operation;
  private final String path;
  private final String reason;

  public RefusedException(String operation, String path, String reason) {
    super("refusing to " + operation + " " + quote(path) + ": " + reason);
    this.operation = operation;
    this.path = path;
    this.reason = reason;
  }

  /** What was refused, in words: "clean up", "hand off socket", "link kernel". */
  public String operation() {
    return operation;
  }

  static String quote(String path) {
    return '"' + path.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t") + '"';
  }

  /** The path the guard looked at. */
  public String path() {
    return path;
  }

  /** Why the guard tripped, in words. */
  public String reason() {
    return reason;
  }
}
