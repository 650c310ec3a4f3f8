package org.fcproc.linux.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fcproc.ApiException;
import org.fcproc.ApiTimeoutException;
import org.fcproc.CommandFailedException;
import org.fcproc.ExitTimeoutException;
import org.fcproc.FcprocException;
import org.fcproc.InvalidInputException;
import org.fcproc.NotReadyException;
import org.fcproc.RefusedException;
import org.fcproc.host.HostException;

/**
 * How an error ends the command: its exit code, a {@code kind} for {@code --json}, the message,
 * and the details core gives (path and reason of a refusal, host call and errno of a failure).
 *
 * <table>
 *   <caption>kinds</caption>
 *   <tr><td>usage</td><td>2</td><td>bad option, argument, duration, config file</td></tr>
 *   <tr><td>invalid-input</td><td>2</td><td>{@link InvalidInputException}: {@code field}</td></tr>
 *   <tr><td>refused</td><td>3</td><td>{@link RefusedException}: {@code operation}, {@code path}, {@code reason}</td></tr>
 *   <tr><td>not-ready</td><td>1</td><td>{@link NotReadyException}: {@code path}</td></tr>
 *   <tr><td>exit-timeout</td><td>1</td><td>{@link ExitTimeoutException}: {@code pid}</td></tr>
 *   <tr><td>command-failed</td><td>1</td><td>{@link CommandFailedException}: {@code argv}, {@code status}, {@code stderr}</td></tr>
 *   <tr><td>api</td><td>1</td><td>{@link ApiException}, Firecracker answered with an error: {@code status},
 *       {@code fault_message} (null when the body had none, as in micro-http's 503), {@code api_error}
 *       ({@code not-booted}, {@code unsupported}, {@code too-many-connections}, {@code other}),
 *       {@code method}, {@code request_path}, {@code api_sock}</td></tr>
 *   <tr><td>api-timeout</td><td>1</td><td>{@link ApiTimeoutException}: {@code phase} ({@code connect},
 *       {@code write}, {@code read}), {@code method}, {@code request_path}, {@code api_sock}, {@code timeout_ms}</td></tr>
 *   <tr><td>host-call</td><td>1</td><td>a failure caused by a {@link HostException}: {@code call}, {@code errno}, {@code errno_number}, {@code path}</td></tr>
 *   <tr><td>failed</td><td>1</td><td>any other {@link FcprocException}</td></tr>
 *   <tr><td>not-found, mode, unavailable, not-implemented</td><td>1</td><td>the command line's own</td></tr>
 *   <tr><td>interrupted, internal</td><td>1</td><td>interrupted; a bug (the exception's class is named)</td></tr>
 * </table>
 */
record Failure(int exit, String kind, String message, Map<String, Object> details) {

  static Failure of(Throwable t) {
    Map<String, Object> d = new LinkedHashMap<>();
    if (t instanceof CliException e) {
      return new Failure(e.exit(), e.kind(), e.getMessage(), d);
    }
    if (t instanceof InvalidInputException e) {
      d.put("field", e.field());
      return new Failure(ExitCodes.USAGE, "invalid-input", e.getMessage(), d);
    }
    if (t instanceof RefusedException e) {
      d.put("operation", e.operation());
      d.put("path", e.path());
      d.put("reason", e.reason());
      return new Failure(ExitCodes.REFUSED, "refused", e.getMessage(), d);
    }
    if (t instanceof NotReadyException e) {
      d.put("path", e.path());
      return new Failure(ExitCodes.FAILED, "not-ready", e.getMessage(), d);
    }
    if (t instanceof ExitTimeoutException e) {
      d.put("pid", e.pid());
      return new Failure(ExitCodes.FAILED, "exit-timeout", e.getMessage(), d);
    }
    if (t instanceof CommandFailedException e) {
      d.put("argv", e.result().argv());
      d.put("status", e.result().exitCode());
      d.put("stderr", e.result().stderr().strip());
      return new Failure(ExitCodes.FAILED, "command-failed", e.getMessage(), d);
    }
    if (t instanceof ApiException e) {
      d.put("status", e.status());
      d.put("fault_message", e.faultMessage().orElse(null));
      d.put("api_error", e.fault().label());
      d.put("method", e.method());
      d.put("request_path", e.requestPath());
      d.put("api_sock", e.apiSock());
      return new Failure(ExitCodes.FAILED, "api", e.getMessage(), d);
    }
    if (t instanceof ApiTimeoutException e) {
      d.put("phase", e.phase().label());
      d.put("method", e.method());
      d.put("request_path", e.requestPath());
      d.put("api_sock", e.apiSock());
      d.put("timeout_ms", e.timeout().toMillis());
      return new Failure(ExitCodes.FAILED, "api-timeout", e.getMessage(), d);
    }
    if (t instanceof FcprocException || t instanceof HostException) {
      HostException h = hostCause(t);
      if (h != null) {
        d.put("call", h.call());
        d.put("errno", h.errno().name());
        d.put("errno_number", h.errno().number());
        d.put("path", h.path());
        return new Failure(ExitCodes.FAILED, "host-call", t.getMessage(), d);
      }
      return new Failure(ExitCodes.FAILED, "failed", t.getMessage(), d);
    }
    if (t instanceof InterruptedException) {
      return new Failure(ExitCodes.FAILED, "interrupted", "interrupted: " + t.getMessage(), d);
    }
    if (t instanceof UnsupportedOperationException) {
      return new Failure(ExitCodes.FAILED, "unavailable", String.valueOf(t.getMessage()), d);
    }
    d.put("exception", t.getClass().getName());
    return new Failure(ExitCodes.FAILED, "internal", "internal error: " + t, d);
  }

  private static HostException hostCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof HostException h) {
        return h;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  /** The {@code error} object of {@code --json}. */
  Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind);
    m.putAll(details);
    m.put("message", message);
    return m;
  }
}
