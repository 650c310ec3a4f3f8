package org.fcproc.host;

import java.io.IOException;
import java.util.Objects;

/**
 * A host call failed with an errno. It names the call, the path it was made on and the errno,
 * so that every message a user sees says which call failed where, and why (docs/DESIGN.md#design-rules).
 *
 * <p>Core branches on {@link #errno()}, never on {@link #getMessage()}.
 */
public final class HostException extends IOException {
  private static final long serialVersionUID = 1L;

  private final Errno errno;
  private final String call;
  private final String path;

  public HostException(Errno errno, String call, String path) {
    this(errno, call, path, null);
  }

  public HostException(Errno errno, String call, String path, String detail) {
    super(format(errno, call, path, detail));
    this.errno = Objects.requireNonNull(errno, "errno");
    this.call = Objects.requireNonNull(call, "call");
    this.path = path == null ? "" : path;
  }

  private static String format(Errno errno, String call, String path, String detail) {
    StringBuilder sb = new StringBuilder(call);
    if (path != null && !path.isEmpty()) {
      sb.append(' ').append(path);
    }
    sb.append(": ").append(errno.name());
    if (detail != null && !detail.isEmpty()) {
      sb.append(" (").append(detail).append(')');
    }
    return sb.toString();
  }

  public Errno errno() {
    return errno;
  }

  /** The host call, e.g. {@code openat2} or {@code umount2}. */
  public String call() {
    return call;
  }

  /** The path the call was made on, as the caller named it; empty when the call had none. */
  public String path() {
    return path;
  }

  public boolean is(Errno e) {
    return errno == e;
  }
}
