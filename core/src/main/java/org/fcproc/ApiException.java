package org.fcproc;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Firecracker's API answered a request with an error status. It carries what a caller needs to
 * tell the errors apart — the status, the {@code fault_message}, the request and the socket —
 * rather than a sentence to be parsed.
 *
 * <p>What Firecracker answers, and how {@link #fault()} names it:
 *
 * <ul>
 *   <li>{@link Fault#NOT_BOOTED}: {@code 400} with the {@code fault_message} "The requested
 *       operation is not supported before starting the microVM." — the answer of the pre-boot
 *       controller to {@code SendCtrlAltDel} (and to every post-boot-only action) before
 *       {@code InstanceStart}. There is no guest to ask; the process stays.
 *   <li>{@link Fault#UNSUPPORTED}: {@code 400} with a {@code fault_message} saying the action is
 *       not supported on this architecture. Firecracker builds {@code SendCtrlAltDel} for
 *       x86_64 only (it queues the Ctrl, Alt and Del key codes in the emulated i8042 PC keyboard
 *       controller and raises its interrupt — a device aarch64 machines lack); on aarch64 the
 *       request parser itself answers "SendCtrlAltDel does not supported on aarch64." (sic). A
 *       guest on aarch64 can only be stopped from inside, or killed.
 *   <li>{@link Fault#TOO_MANY_CONNECTIONS}: {@code 503}. Firecracker's HTTP server (micro-http)
 *       serves at most ten connections; it accepts the eleventh only to write a fixed
 *       {@code 503} whose body is {@code { "error": "Too many open connections" }} (an
 *       {@code error} key: {@link #faultMessage()} is then empty and {@link #errorText()} has
 *       it) and closes it. It is the only 503 Firecracker sends. Trying again later may work.
 *   <li>{@link Fault#OTHER}: anything else, e.g. {@code 400} "An error occurred when
 *       deserializing the json body of a request: ..." for a body it cannot read, or
 *       {@code 400} "Internal VMM error: ..." when the key presses could not be queued (the
 *       i8042's buffer is full, or the guest has disabled its keyboard interrupt).
 * </ul>
 *
 * <p>The classification reads the status first and the {@code fault_message} only to tell the
 * 400s apart, matching the stable part of each text ("not supported before starting the
 * microVM", "supported on aarch64"), so a fixed typo upstream does not change the answer.
 */
public final class ApiException extends FcprocException {
  private static final long serialVersionUID = 1L;

  /** What kind of refusal the answer is; see the class comment for what Firecracker sends. */
  public enum Fault {
    /** 400: the microVM has not been started ({@code InstanceStart}) yet. */
    NOT_BOOTED("not-booted"),
    /** 400: the action does not exist on this architecture (SendCtrlAltDel on aarch64). */
    UNSUPPORTED("unsupported"),
    /** 503: the API server already serves its ten connections. */
    TOO_MANY_CONNECTIONS("too-many-connections"),
    /** Any other error answer. */
    OTHER("other");

    private final String label;

    Fault(String label) {
      this.label = label;
    }

    /** The name in {@code --json} output: {@code not-booted}, {@code unsupported}, ... */
    public String label() {
      return label;
    }
  }

  private final int status;
  private final String faultMessage;
  private final String errorText;
  private final String method;
  private final String requestPath;
  private final String apiSock;
  private final Fault fault;

  /**
   * @param status the HTTP status, 100..999, not 2xx
   * @param faultMessage the body's {@code fault_message}, or null when it has none
   * @param errorText the body's explanation: the {@code fault_message}, else micro-http's
   *     {@code error}, else the body itself (abbreviated); may be empty
   */
  ApiException(int status, String faultMessage, String errorText, String method, String requestPath, String apiSock) {
    super(message(status, faultMessage, errorText, method, requestPath, apiSock));
    if (status < 100 || status > 999 || status / 100 == 2) {
      throw new IllegalArgumentException("status " + status + " is not an error status");
    }
    this.status = status;
    this.faultMessage = faultMessage;
    this.errorText = Objects.requireNonNull(errorText, "errorText");
    this.method = Objects.requireNonNull(method, "method");
    this.requestPath = Objects.requireNonNull(requestPath, "requestPath");
    this.apiSock = Objects.requireNonNull(apiSock, "apiSock");
    this.fault = classify(status, faultMessage);
  }

  /** The HTTP status code of the answer. */
  public int status() {
    return status;
  }

  /** The {@code fault_message} of Firecracker's error body; empty when the body had none. */
  public Optional<String> faultMessage() {
    return Optional.ofNullable(faultMessage);
  }

  /** The server's explanation, whichever key it came under; empty when it gave none. */
  public String errorText() {
    return errorText;
  }

  /** The request's method, e.g. {@code PUT}. */
  public String method() {
    return method;
  }

  /** The request's path, e.g. {@code /actions}. */
  public String requestPath() {
    return requestPath;
  }

  /** The API socket the request went to. */
  public String apiSock() {
    return apiSock;
  }

  public Fault fault() {
    return fault;
  }

  static Fault classify(int status, String faultMessage) {
    if (status == 503) {
      return Fault.TOO_MANY_CONNECTIONS;
    }
    if (status == 400 && faultMessage != null) {
      String m = faultMessage.toLowerCase(Locale.ROOT);
      if (m.contains("not supported before starting the microvm")) {
        return Fault.NOT_BOOTED;
      }
      if (m.contains("supported on aarch64")) {
        return Fault.UNSUPPORTED;
      }
    }
    return Fault.OTHER;
  }

  private static String message(int status, String faultMessage, String errorText, String method,
      String requestPath, String apiSock) {
    StringBuilder b = new StringBuilder("firecracker API ").append(method).append(' ').append(requestPath)
        .append(" on ").append(apiSock).append(" answered ").append(status);
    if (faultMessage != null) {
      b.append(": fault_message ").append(HttpResponse.printable(faultMessage));
    } else if (errorText != null && !errorText.isEmpty()) {
      b.append(": ").append(HttpResponse.printable(errorText));
    }
    switch (classify(status, faultMessage)) {
      case NOT_BOOTED -> b.append(" (the microVM has not been started)");
      case UNSUPPORTED -> b.append(" (not supported on this architecture: SendCtrlAltDel is x86_64-only)");
      case TOO_MANY_CONNECTIONS -> b.append(" (the API server already serves its 10 connections)");
      case OTHER -> { }
    }
    return b.toString();
  }
}
