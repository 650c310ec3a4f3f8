package org.fcproc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fcproc.host.CommandResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One privileged step run by the {@link PrivilegedHelper} when the caller is not root:
 * {@code sudo -n <helper...> --mode root --json <subcommand> <arguments>} through
 * {@link Commands#privileged(List)}, and its answer mapped back to what root mode would have
 * returned or thrown (docs/DESIGN.md#socket-hand-off-checks-and-sudo-mode, catalogue S11).
 *
 * <p>The arguments are built from inputs core has already validated, one argv element each, in
 * the {@code --option=value} form (so a value that begins with {@code -} or {@code @} is never
 * taken for an option or an argument file) and with {@code --} before a positional path. Nothing
 * goes through a shell.
 *
 * <p>The answer: the helper prints exactly one JSON object on stdout ({@code --json}), read by
 * {@link JsonReader}.
 * <ul>
 *   <li>exit 0 and {@code "ok":true} → done;
 *   <li>exit 3 → {@link RefusedException} with {@code error.operation}, {@code error.path} and
 *       {@code error.reason} (so the message is the one root mode gives; nothing is re-parsed);
 *   <li>exit 2 → {@link InvalidInputException} with {@code error.field} (the helper refused an
 *       argument, or did not understand the command line: a helper of another version);
 *   <li>anything else → {@link FcprocException} naming the command, its exit code and the
 *       helper's message ({@code error.message}, else its stderr: {@code sudo}'s own
 *       "a password is required" for instance).
 * </ul>
 * A malformed answer — not one JSON object, {@code ok} not {@code true} on exit 0, a refusal
 * without a path or reason — is an {@link FcprocException} naming the helper; it is never taken
 * for a success.
 */
final class HelperCall {
  private static final Logger log = LoggerFactory.getLogger(HelperCall.class);
  private static final int DONE = 0;
  private static final int FAILED = 1;
  private static final int USAGE = 2;
  private static final int REFUSED = 3;

  private final PrivilegedHelper helper;
  private final Commands commands;

  HelperCall(PrivilegedHelper helper, Commands commands) {
    this.helper = helper;
    this.commands = commands;
  }

  PrivilegedHelper helper() {
    return helper;
  }

  /**
   * Runs one subcommand as root and returns its JSON answer.
   *
   * @param operation what is being done, in root mode's words ("clean up"), for messages
   * @param path the path it is done to, for messages
   * @param subcommand the subcommand and its arguments, e.g. {@code jail cleanup --chroot=/x}
   */
  Map<String, Object> run(String operation, String path, List<String> subcommand) throws FcprocException {
    Answer a = call(subcommand);
    if (a.exit() == DONE) {
      if (a.json() == null || !Boolean.TRUE.equals(a.json().get("ok"))) {
        throw malformed(a, "exit 0 without {\"ok\":true}");
      }
      return a.json();
    }
    throw failure(operation, path, a);
  }

  /**
   * {@code fcproc sweep} as root. The sweep answers with its report on exit 0 (complete), 3 (a
   * guard refused something) and 1 (something failed): that report is returned as root mode
   * returns it; an {@code error} object instead is mapped as for {@link #run}.
   */
  SweepReport sweep(SweepSpec spec, String runtimeDir) throws FcprocException {
    List<String> args = new ArrayList<>(List.of("sweep", "--firecracker-base=" + spec.firecrackerBase(),
        "--runtime-dir=" + runtimeDir));
    if (spec.dryRun()) {
      args.add("--dry-run");
    }
    if (!spec.tapPrefix().isEmpty()) {
      args.add("--tap-prefix=" + spec.tapPrefix());
    }
    Answer a = call(args);
    Map<String, Object> m = a.json();
    if (m != null && m.containsKey("reclaimed") && (a.exit() == DONE || a.exit() == REFUSED || a.exit() == FAILED)) {
      try {
        return new SweepReport(
            bool(m, "dry_run"), string(m, "firecracker_base"), string(m, "runtime_dir"),
            items(m, "reclaimed"), items(m, "refused"), items(m, "alive"), items(m, "failed"));
      } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
        throw malformed(a, "a sweep report with " + e.getMessage());
      }
    }
    if (a.exit() == DONE) {
      throw malformed(a, "exit 0 without a sweep report");
    }
    throw failure("sweep", spec.firecrackerBase(), a);
  }

  // ---------------------------------------------------------------- the call

  private record Answer(List<String> argv, int exit, Map<String, Object> json, String problem, String stderr) {
    String commandLine() {
      return String.join(" ", argv);
    }
  }

  private Answer call(List<String> subcommand) throws FcprocException {
    List<String> argv = new ArrayList<>(helper.command());
    argv.addAll(List.of("--mode", "root", "--json"));
    argv.addAll(subcommand);
    CommandResult r = commands.privileged(argv);
    log.debug("privileged helper {} -> exit {}", r.commandLine(), r.exitCode());
    Map<String, Object> json = null;
    String problem = null;
    String out = r.stdout().strip();
    if (out.isEmpty()) {
      problem = "no answer on stdout";
    } else {
      try {
        json = JsonReader.object(out);
      } catch (JsonReader.Malformed e) {
        problem = "not one JSON object (" + e.getMessage() + ")";
      }
    }
    return new Answer(r.argv(), r.exitCode(), json, problem, r.stderr().strip());
  }

  /** The exception of a failed call, to throw; an exit 2 throws its {@link InvalidInputException} itself. */
  private FcprocException failure(String operation, String path, Answer a) {
    Map<String, Object> error = a.json() == null ? null : object(a.json().get("error"));
    if (a.exit() == REFUSED) {
      if (error == null || !(error.get("operation") instanceof String op) || !(error.get("path") instanceof String p)
          || !(error.get("reason") instanceof String reason)) {
        return malformed(a, "exit 3 without error.operation, error.path and error.reason");
      }
      return new RefusedException(op, p, reason);
    }
    String message = error != null && error.get("message") instanceof String msg ? msg : stderrMessage(a);
    if (a.exit() == USAGE && error != null) {
      String field = error.get("field") instanceof String f ? f : "privileged helper";
      String text = message.startsWith(field + ": ") ? message.substring(field.length() + 2) : message;
      if (!(error.get("field") instanceof String)) {
        text = "`" + a.commandLine() + "` refused its arguments: " + text;
      }
      throw new InvalidInputException(field, text); // unchecked: thrown here, not returned
    }
    return new FcprocException("privileged helper `" + a.commandLine() + "` exited " + a.exit()
        + (message.isBlank() ? "" : ": " + message));
  }

  private FcprocException malformed(Answer a, String what) {
    String detail = a.problem() != null ? a.problem() : what;
    String stderr = a.stderr().isBlank() ? "" : "; stderr: " + a.stderr();
    return new FcprocException("privileged helper " + helper + ": malformed answer to `" + a.commandLine()
        + "` (exit " + a.exit() + "): " + detail + stderr);
  }

  /** The helper's own words from stderr: its {@code fcproc: } line, else all of it. */
  private static String stderrMessage(Answer a) {
    for (String line : a.stderr().split("\n")) {
      if (line.startsWith("fcproc: ")) {
        return line.substring("fcproc: ".length());
      }
    }
    return a.stderr().isBlank() ? (a.problem() == null ? "" : "(" + a.problem() + ")") : a.stderr();
  }

  // ---------------------------------------------------------------- fields

  private static Map<String, Object> object(Object o) {
    if (o instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> typed = (Map<String, Object>) m;
      return typed;
    }
    return null;
  }

  private static boolean bool(Map<String, Object> m, String key) {
    if (m.get(key) instanceof Boolean b) {
      return b;
    }
    throw new IllegalArgumentException("no boolean \"" + key + "\"");
  }

  private static String string(Map<String, Object> m, String key) {
    if (m.get(key) instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException("no string \"" + key + "\"");
  }

  private static List<SweepReport.Item> items(Map<String, Object> m, String key) {
    if (!(m.get(key) instanceof List<?> list)) {
      throw new IllegalArgumentException("no list \"" + key + "\"");
    }
    List<SweepReport.Item> out = new ArrayList<>();
    for (Object o : list) {
      Map<String, Object> item = object(o);
      if (item == null) {
        throw new IllegalArgumentException("an item of \"" + key + "\" that is not an object");
      }
      SweepReport.Kind kind = SweepReport.Kind.valueOf(string(item, "kind").toUpperCase(Locale.ROOT));
      out.add(new SweepReport.Item(kind, string(item, "path"), string(item, "reason")));
    }
    return out;
  }
}
