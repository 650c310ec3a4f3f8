package org.fcproc.linux.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Properties;
import org.fcproc.HelperPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code fcproc}: the root command and its global options (accepted before or after a subcommand). */
@Command(
    name = "fcproc",
    mixinStandardHelpOptions = true,
    versionProvider = FcprocCommand.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Host-side primitives for Firecracker microVMs: bridge and TAP devices, the firecracker binary,"
          + " the runtime socket directory and the socket hand-off, a VM's process, and the jailer chroot.",
      "",
    },
    subcommands = {
      NetworkCommands.Bridge.class,
      NetworkCommands.Tap.class,
      MiscCommands.Binary.class,
      SocketCommands.SocketDir.class,
      SocketCommands.Socket.class,
      VmCommands.Vm.class,
      JailCommands.Jail.class,
      MiscCommands.Sweep.class,
      MiscCommands.Policy.class,
    },
    footer = {
      "",
      "Defaults (the seed hard-codes none; --config FILE, then options, override):",
      "  firecracker_bin = firecracker   (a bare name is looked up on PATH)",
      "  bridge_name     = fcbr0",
      "  bridge_ip       = 172.16.0.1",
      "  cidr            = 24",
      "  runtime_dir     = /run/fcproc",
      "",
      "Config file (--config FILE): one \"key = value\" a line, keys as above;",
      "blank lines and # comments are ignored; an unknown or repeated key is a",
      "usage error.",
      "",
      "Modes: auto (default) is root when the effective uid is 0, else sudo.",
      "root makes the syscalls directly; it is an error (exit 1) when not root.",
      "sudo runs each privileged operation (socket hand-off, jail prepare,",
      "jail cleanup, sweep, vm kill --api-sock, bridge ensure, tap create) as",
      "one command, `sudo -n <this fcproc> --mode root --json <subcommand> ...`,",
      "also when root. That root process is the privileged helper: serving a",
      "sudo caller, it does only what " + HelperPolicy.PATH + " allows",
      "(see fcproc policy check) and logs one audit line per command to syslog.",
      "One sudoers rule for it is the only sudo right sudo mode needs.",
      "",
      "Output: one line on stdout. With --json exactly one JSON object on stdout,",
      "errors included: {\"command\":...,\"ok\":false,\"exit\":N,\"error\":{...}}.",
      "Errors are also printed on stderr as \"fcproc: <message>\". Logs go to",
      "stderr: -v the steps, -vv also every host call.",
      "",
      "Exit codes:",
      "  0  done",
      "  1  failed: the message names the step, the host call and its errno",
      "  2  usage: bad option, argument, duration or config file, or input",
      "     refused before anything was touched (relative or ..-bearing path,",
      "     negative id, socket path over 107 bytes, empty --chroot,",
      "     --tap-prefix or --firecracker-bin)",
      "  3  refused for safety: a guard tripped; the message names the path and",
      "     the reason, and the host was left as it was found",
      "",
      "fcproc sweep (the orphan sweep, root) reclaims the chroots, mounts and",
      "runtime-dir sockets of VMs whose process is gone; --dry-run only lists",
      "them. It exits 0 when everything found was reclaimed or is alive, 3 when",
      "a guard refused something, 1 when something failed. TAPs only with",
      "--tap-prefix.",
    })
final class FcprocCommand {
  /** The footer of every subcommand's help. */
  static final String EXIT_CODES =
      "%nExit codes: 0 done, 1 failed, 2 usage, 3 refused for safety. See fcproc --help.";

  @Option(
      names = "--mode",
      scope = ScopeType.INHERIT,
      paramLabel = "auto|root|sudo",
      description = "How privileged steps are taken (default: ${DEFAULT-VALUE}).")
  Mode mode = Mode.auto;

  @Option(
      names = "--json",
      scope = ScopeType.INHERIT,
      description = "Print exactly one JSON object on stdout, errors included.")
  boolean json;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Log to stderr: -v the steps, -vv also every host call.")
  boolean[] verbose = new boolean[0];

  @Option(
      names = "--config",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "A key = value file with firecracker_bin, bridge_name, bridge_ip, cidr, runtime_dir.")
  Path config;

  /**
   * {@code fcproc --version}: the project version and the git commit the jar was built from, so
   * that a report from a host names the exact code that ran. Both come from
   * {@value #BUILD_INFO}, which the build writes ({@code src/build/build-info.sh}); a build
   * without git or a {@code .git} directory says "unknown commit".
   */
  static final class Version implements IVersionProvider {
    /** The resource the build writes, beside this class. */
    static final String BUILD_INFO = "build-info.properties";

    @Override
    public String[] getVersion() {
      Properties p = new Properties();
      try (InputStream in = FcprocCommand.class.getResourceAsStream(BUILD_INFO)) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException e) {
        p.clear(); // unreadable: said below, as for a build that wrote none
      }
      return new String[] {line(p)};
    }

    /** "fcproc 0.1.0 (commit 0123...)"; what is missing is said, never guessed. */
    static String line(Properties p) {
      String version = p.getProperty("version", "").isBlank()
          ? "(version unknown: " + BUILD_INFO + " missing from this build)" : p.getProperty("version").strip();
      String commit = p.getProperty("commit", "").strip();
      return "fcproc " + version + " ("
          + (commit.isEmpty() || commit.equals("unknown commit") ? "unknown commit" : "commit " + commit) + ")";
    }
  }
}
