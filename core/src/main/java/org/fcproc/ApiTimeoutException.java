package org.fcproc;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Firecracker's API did not get through a request before its deadline. The phase says where it
 * stalled, and so what is wrong with the peer:
 *
 * <ul>
 *   <li>{@link Phase#CONNECT}: {@code connect(2)} did not complete. A unix stream connect waits
 *       only while the listener's backlog is full (unix(7): the listener has stopped calling
 *       {@code accept(2)}) — a firecracker whose API thread is stuck, or a listener that is not
 *       firecracker at all.
 *   <li>{@link Phase#WRITE}: the request could not be written: the peer accepted but does not
 *       read, and the socket buffer is full.
 *   <li>{@link Phase#READ}: the request was written but no complete answer came. Firecracker's
 *       API thread answers a request once the VMM thread has handled it, so a VMM thread that is
 *       busy or wedged looks like this.
 * </ul>
 *
 * <p>One deadline covers the whole exchange; the phase is the one that was running when it
 * passed.
 */
public final class ApiTimeoutException extends FcprocException {
  private static final long serialVersionUID = 1L;

  /** Where the exchange stalled. */
  public enum Phase {
    CONNECT("the listener did not accept the connection (its backlog is full: nothing is accepting on the socket)"),
    WRITE("the server did not read the request"),
    READ("the server took the request but did not answer it");

    private final String meaning;

    Phase(String meaning) {
      this.meaning = meaning;
    }

    /** The name in messages and {@code --json}: {@code connect}, {@code write}, {@code read}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Phase phase;
  private final String method;
  private final String requestPath;
  private final String apiSock;
  private final Duration timeout;

  ApiTimeoutException(Phase phase, String method, String requestPath, String apiSock, Duration timeout, Throwable cause) {
    super("firecracker API " + method + " " + requestPath + " on " + apiSock + ": timed out in "
        + Objects.requireNonNull(phase, "phase").label() + " after " + timeout.toMillis() + " ms: " + phase.meaning);
    initCause(cause);
    this.phase = phase;
    this.method = Objects.requireNonNull(method, "method");
    this.requestPath = Objects.requireNonNull(requestPath, "requestPath");
    this.apiSock = Objects.requireNonNull(apiSock, "apiSock");
    this.timeout = timeout;
  }

  public Phase phase() {
    return phase;
  }

  public String method() {
    return method;
  }

  public String requestPath() {
    return requestPath;
  }

  public String apiSock() {
    return apiSock;
  }

  /** The deadline of the whole exchange. */
  public Duration timeout() {
    return timeout;
  }
}
