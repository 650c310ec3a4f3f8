package org.fcproc.linux.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fcproc.PrivilegedHelper;
import org.fcproc.host.HostOps;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The {@code fcproc} command line: {@code java -jar fcproc.jar --help}.
 *
 * <p>stdout carries only the result (one line, or one JSON object with {@code --json}); the
 * message of an error, and every log line, go to stderr. See {@link FcprocCommand} for the
 * options and {@link ExitCodes} for the exit codes.
 */
public final class Main {
  /** The Logback configuration of the command line (logs to stderr; level from -v). */
  static final String LOGBACK_CONFIG = "org/fcproc/linux/cli/logback-cli.xml";
  /** The system property the Logback configuration reads the org.fcproc level from. */
  static final String LOG_LEVEL_PROPERTY = "fcproc.log.level";
  /** ... and the level of the host-call loggers (the backend, the library's command runner and
   *  helper call, its socket watch and pid probes): INFO under -v, so that -v shows the steps and
   *  -vv every host call. */
  static final String LOG_CALLS_LEVEL_PROPERTY = "fcproc.log.calls.level";

  private Main() {}

  public static void main(String[] args) {
    PrintStream stdout = System.out;
    // Nothing but the result goes to stdout: anything a library prints goes to stderr.
    System.setOut(System.err);
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
    }
    int code = run(args, stdout, System.err);
    stdout.flush();
    System.err.flush();
    System.exit(code);
  }

  /**
   * Runs one command line on the real host: the Linux host is made on first use (so
   * {@code --help} and usage errors never load native code); in sudo mode the privileged helper is
   * this command line itself ({@link SelfHelper}).
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    return run(Session.Backend.linux(), args, out, err);
  }

  /**
   * Runs one command line in this JVM against {@code host} — the real command-line code (parsing,
   * modes, the subcommands, {@code --json}, exit codes) on any backend, e.g. a simulated host in a
   * test. {@code --mode root} requires {@code host} to say it is root; {@code --mode sudo}, or
   * {@code auto} when it is not root, takes the privileged-helper path of core, with this command
   * line as the helper ({@link SelfHelper}). Nothing is written to {@link System#out}.
   *
   * @return the exit code ({@link ExitCodes})
   */
  public static int run(HostOps host, String[] args, PrintStream out, PrintStream err) {
    return run(Session.Backend.of(host, null), args, out, err);
  }

  /**
   * {@link #run(HostOps, String[], PrintStream, PrintStream)} with {@code helper} as the privileged
   * helper of sudo mode instead of this JVM's own command line — for a test host on which the
   * helper is a command installed under another name.
   */
  public static int run(HostOps host, PrivilegedHelper helper, String[] args, PrintStream out, PrintStream err) {
    return run(Session.Backend.of(host, java.util.Objects.requireNonNull(helper, "helper")), args, out, err);
  }

  private static int run(Session.Backend backend, String[] args, PrintStream out, PrintStream err) {
    FcprocCommand root = new FcprocCommand();
    CommandLine cl = new CommandLine(root);
    // No @file expansion: this command line is also the privileged helper run under sudo, and
    // root must not read a file the caller names on its behalf (nor echo it in a parse error).
    cl.setExpandAtFiles(false);
    // An option's value may begin with '-' (a chroot name "-vmlinux" is a valid file name): core
    // passes values attached, --kernel-name=-vmlinux, and they must not be taken for options.
    cl.setAllowOptionsAsOptionParameters(true);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    boolean jsonRequested = jsonRequested(args);

    String undecodable = undecodableArgument(args);
    if (undecodable != null) {
      return usageError(cl, undecodable, jsonRequested, out, err);
    }
    ParseResult parsed;
    try {
      parsed = cl.parseArgs(args);
    } catch (ParameterException e) {
      Session.sudoUid(backend).ifPresent(uid -> Audit.record(uid, commandName(e.getCommandLine()), args, ExitCodes.USAGE,
          e.getMessage()));
      return usageError(e.getCommandLine(), e.getMessage(), jsonRequested, out, err);
    }
    if (CommandLine.printHelpIfRequested(parsed)) {
      return ExitCodes.DONE;
    }
    List<CommandLine> chain = parsed.asCommandLineList();
    CommandLine leaf = chain.get(chain.size() - 1);
    if (!(leaf.getCommand() instanceof Action action)) {
      String sub = String.join("|", leaf.getSubcommands().keySet());
      return usageError(leaf, "missing subcommand: " + leaf.getCommandSpec().qualifiedName() + " <" + sub + ">",
          root.json, out, err);
    }
    String command = commandName(leaf);
    System.setProperty(LOG_LEVEL_PROPERTY, root.verbose.length == 0 ? "WARN" : "DEBUG");
    System.setProperty(LOG_CALLS_LEVEL_PROPERTY, switch (root.verbose.length) {
      case 0 -> "WARN";
      case 1 -> "INFO";
      default -> "DEBUG";
    });

    Session session = new Session(root.mode, root.config, backend);
    Optional<Integer> auditUid = Session.sudoUid(backend);
    try {
      session.requireHelperCommand(command);
      Result r = action.run(session);
      auditUid.ifPresent(uid -> Audit.record(uid, command, args, r.exit(), r.exit() == ExitCodes.DONE ? "" : r.problem()));
      if (root.json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", command);
        m.put("ok", r.exit() == ExitCodes.DONE);
        if (r.exit() != ExitCodes.DONE) {
          m.put("exit", r.exit());
        }
        m.putAll(r.fields());
        out.println(JsonWriter.write(m));
      } else {
        out.println(r.text());
      }
      out.flush();
      if (r.exit() != ExitCodes.DONE) {
        err.println("fcproc: " + r.problem());
        err.flush();
      }
      return r.exit();
    } catch (Exception | LinkageError e) {
      Failure f = Failure.of(e);
      if (f.kind().equals("internal")) {
        e.printStackTrace(err);
      }
      auditUid.ifPresent(uid -> Audit.record(uid, command, args, f.exit(), f.message()));
      return report(command, f, root.json, out, err);
    }
  }

  private static int usageError(CommandLine where, String message, boolean json, PrintStream out, PrintStream err) {
    Failure f = new Failure(ExitCodes.USAGE, "usage", message, Map.of());
    report(commandName(where), f, json, out, err);
    err.println("Try '" + where.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return ExitCodes.USAGE;
  }

  private static int report(String command, Failure f, boolean json, PrintStream out, PrintStream err) {
    err.println("fcproc: " + f.message());
    err.flush();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("command", command);
      m.put("ok", false);
      m.put("exit", f.exit());
      m.put("error", f.json());
      out.println(JsonWriter.write(m));
      out.flush();
    }
    return f.exit();
  }

  /**
   * An argument the JVM could not decode exactly, described; null when every one is exact. The
   * JVM decodes argv with the locale's charset ({@code sun.jnu.encoding}): bytes that are not
   * UTF-8 become U+FFFD, and in a locale that is not UTF-8 every byte outside ASCII is lost. A
   * path so mangled names another file than the caller's, so it is refused (exit 2) rather than
   * acted on. (Paths may hold any UTF-8 in a UTF-8 locale.)
   */
  static String undecodableArgument(String[] args) {
    boolean utf8 = "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding", "UTF-8"));
    for (String a : args) {
      for (int i = 0; i < a.length(); i++) {
        char c = a.charAt(i);
        if (c == '\uFFFD' || Character.isSurrogate(c) && !utf8 || (!utf8 && c > 0x7e)) {
          return "argument " + org.fcproc.linux.cli.Audit.quote(a) + " holds bytes that "
              + (utf8 ? "are not valid UTF-8" : "the locale (" + System.getProperty("sun.jnu.encoding")
                  + ") cannot decode; run with a UTF-8 locale")
              + ", so it cannot name a file exactly";
        }
      }
    }
    return null;
  }

  /** "jail cleanup" for {@code fcproc jail cleanup}; "" for {@code fcproc} itself. */
  static String commandName(CommandLine cl) {
    String q = cl.getCommandSpec().qualifiedName();
    return q.equals("fcproc") ? "" : q.substring("fcproc ".length());
  }

  /** {@code --json} anywhere before {@code --}: known even when the rest does not parse. */
  static boolean jsonRequested(String[] args) {
    for (String a : args) {
      if (a.equals("--")) {
        return false;
      }
      if (a.equals("--json")) {
        return true;
      }
    }
    return false;
  }
}
