package org.fcproc.linux.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.FcprocException;
import org.fcproc.HelperPolicy;
import org.fcproc.PrivilegedHelper;
import org.fcproc.RefusedException;
import org.fcproc.SudoCaller;
import org.fcproc.host.HostOps;
import org.fcproc.linux.LinuxHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the command line: the global options, the configuration they name, and the host,
 * made on first use (so {@code --help} and usage errors never load native code).
 *
 * <p><b>Sudo mode</b> ({@code --mode sudo}, or {@code auto} when not root) hands core a
 * {@link PrivilegedHelper}: this command line itself ({@link SelfHelper}, or the one a test
 * gave), so each privileged file operation runs as {@code sudo -n <this command> --mode root
 * --json <subcommand> ...} — root mode's code, in one root process (docs/DESIGN.md#socket-hand-off-checks-and-sudo-mode, catalogue S11).
 */
final class Session {
  private static final Logger log = LoggerFactory.getLogger(Session.class);

  /**
   * Where the host comes from: the real Linux host (made on first use, with the command line's
   * {@code pgrep} fix, {@link CliHost}), or a host given by the caller of
   * {@link Main#run(HostOps, String[], java.io.PrintStream, java.io.PrintStream)}.
   *
   * @param given the host, or null for the Linux host
   * @param helper the privileged helper of sudo mode, or null for this command line itself
   */
  record Backend(HostOps given, PrivilegedHelper helper) {
    static Backend linux() {
      return new Backend(null, null);
    }

    static Backend of(HostOps host, PrivilegedHelper helper) {
      return new Backend(java.util.Objects.requireNonNull(host, "host"), helper);
    }
  }

  private final Mode mode;
  private final Path configFile;
  private final Backend backend;
  private Config config;
  private HostOps host;
  private Optional<PrivilegedHelper> helper;
  private Optional<SudoCaller> sudoCaller;

  /**
   * The commands the privileged helper runs for a sudo caller: the privileged operations sudo
   * mode sends it, and {@code policy check}. Anything else needs no root, and a caller that asks
   * root for it is refused (exit 2): the helper grants nothing its policy does not cover.
   */
  static final java.util.Set<String> HELPER_COMMANDS = java.util.Set.of(
      "jail prepare", "jail cleanup", "sweep", "socket chown", "vm kill", "bridge ensure", "tap create", "policy check");

  Session(Mode mode, Path configFile) {
    this(mode, configFile, Backend.linux());
  }

  Session(Mode mode, Path configFile, Backend backend) {
    this.mode = mode;
    this.configFile = configFile;
    this.backend = backend;
  }

  /** The defaults, then the {@code --config} file. Options are applied by each command. */
  Config config() throws CliException {
    if (config == null) {
      if (configFile == null) {
        config = ConfigFile.DEFAULTS;
      } else {
        if (System.getenv("SUDO_UID") != null || sudoUid(backend).isPresent()) {
          // Run through sudo (as fcproc's privileged helper, or by hand), a config file would be
          // read by root on behalf of a user who may not read it, and a parse error would echo
          // a line of it. Under sudo the configuration comes from options only.
          throw CliException.usage("--config is not accepted under sudo: give the values as options");
        }
        try {
          config = ConfigFile.read(configFile, ConfigFile.DEFAULTS);
        } catch (ConfigFile.BadConfigException e) {
          throw CliException.usage(e.getMessage());
        }
      }
    }
    return config;
  }

  /** The host, checked against {@code --mode}. */
  HostOps host() throws CliException {
    if (host == null) {
      HostOps base;
      if (backend.given() != null) {
        base = backend.given();
      } else {
        Optional<String> cause = LinuxHost.unavailabilityCause();
        if (cause.isPresent()) {
          throw new CliException(ExitCodes.FAILED, "unavailable", "the Linux backend cannot run here: " + cause.get());
        }
        base = LinuxHost.create();
      }
      boolean root = base.credentials().isRoot();
      if (mode == Mode.root && !root) {
        throw new CliException(ExitCodes.FAILED, "mode",
            "--mode root: not running as root (effective uid " + base.credentials().euid()
                + "); run as root, or use --mode sudo");
      }
      host = backend.given() == null ? CliHost.wrap(base) : base;
    }
    return host;
  }

  /**
   * Core for this run. As root (root mode): direct syscalls. Not root (sudo mode): with the
   * privileged helper, so staging, cleanup, the sweep and the socket hand-off run as root mode's
   * code under {@code sudo}; when no helper can be found ({@link SelfHelper} cannot tell how this
   * JVM was started), without one — those operations then refuse, saying so.
   */
  /**
   * The sudo caller this process serves, if it runs as root under sudo for another user
   * ({@link SudoCaller}); then it is the privileged helper, and its caller is not trusted.
   */
  Optional<SudoCaller> sudoCaller() throws CliException {
    if (sudoCaller == null) {
      HostOps h = host();
      try {
        sudoCaller = h.credentials().isRoot() ? SudoCaller.of(h) : Optional.empty();
      } catch (org.fcproc.InvalidInputException e) {
        throw CliException.usage(e.getMessage());
      }
    }
    return sudoCaller;
  }

  /** The caller uid sudo set for this process, read without making the host (for usage errors). */
  static Optional<Integer> sudoUid(Backend backend) {
    Optional<String> v = backend.given() != null ? backend.given().getenv("SUDO_UID")
        : Optional.ofNullable(System.getenv("SUDO_UID"));
    try {
      return v.map(Integer::parseInt).filter(uid -> uid != 0);
    } catch (NumberFormatException e) {
      return Optional.of(-1);
    }
  }

  /** Refuses, for a sudo caller, a command the helper does not run for it. */
  void requireHelperCommand(String command) throws CliException {
    if (sudoCaller().isPresent() && !HELPER_COMMANDS.contains(command)) {
      throw CliException.usage("`" + command + "` is not a command the privileged helper runs for a sudo caller"
          + " (it needs no root: run it without sudo); the helper runs " + String.join(", ", new java.util.TreeSet<>(HELPER_COMMANDS)));
    }
  }

  /**
   * The root-owned policy of the helper ({@link HelperPolicy#PATH}), read and checked now. Its
   * {@code audit_socket} becomes where audit lines go.
   */
  HelperPolicy policy() throws CliException, FcprocException {
    try {
      HelperPolicy p = HelperPolicy.load(host(), HelperPolicy.PATH);
      System.setProperty(org.fcproc.linux.SyslogAppender.SOCKET_PROPERTY, p.auditSocket());
      return p;
    } catch (HelperPolicy.BadPolicyException e) {
      throw new RefusedException("trust the helper policy", HelperPolicy.PATH,
          e.getMessage() + "; every privileged command refuses until root fixes it");
    }
  }

  Fcproc fcproc(Config c) throws CliException, FcprocException {
    HostOps h = host();
    Fcproc fc;
    Optional<SudoCaller> caller = mode == Mode.sudo ? Optional.empty() : sudoCaller();
    if (caller.isPresent()) {
      fc = Fcproc.forSudoCaller(h, c, policy(), caller.get());
    } else if (mode == Mode.sudo) {
      // Chosen once, here: --mode sudo takes the helper's path even as root.
      PrivilegedHelper p = helper().orElseThrow(() -> new CliException(ExitCodes.FAILED, "mode",
          "--mode sudo: cannot tell how this JVM was started, so there is no privileged helper to run"));
      fc = Fcproc.throughHelper(h, c, p);
    } else if (h.credentials().isRoot()) {
      fc = Fcproc.create(h, c);
    } else {
      Optional<PrivilegedHelper> p = helper();
      fc = p.isPresent() ? Fcproc.create(h, c, p.get()) : Fcproc.create(h, c);
    }
    log.info("mode {}: {}", mode, fc.privilegeDescription());
    return fc;
  }

  Fcproc fcproc() throws CliException, FcprocException {
    return fcproc(config());
  }

  private Optional<PrivilegedHelper> helper() {
    if (helper == null) {
      if (backend.helper() != null) {
        helper = Optional.of(backend.helper());
      } else {
        helper = SelfHelper.discover();
        if (helper.isEmpty()) {
          log.warn("sudo mode: cannot tell how this JVM was started, so there is no privileged helper;"
              + " jail prepare/cleanup and sweep will refuse");
        }
      }
      helper.ifPresent(p -> log.info("sudo mode: privileged helper `sudo -n {} --mode root --json ...`", p));
    }
    return helper;
  }

  /** A copy of the configuration with some fields replaced (null keeps the field). */
  static Config with(Config c, String firecrackerBin, String bridgeName, String bridgeIp, String cidr, String runtimeDir) {
    return new Config(
        firecrackerBin != null ? firecrackerBin : c.firecrackerBin(),
        bridgeName != null ? bridgeName : c.bridgeName(),
        bridgeIp != null ? bridgeIp : c.bridgeIp(),
        cidr != null ? cidr : c.cidr(),
        runtimeDir != null ? runtimeDir : c.runtimeDir());
  }
}
