package org.fcproc.linux.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.host.HostOps;
import org.fcproc.linux.LinuxHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the command line: the global options, the configuration they name, and the host,
 * made on first use (so {@code --help} and usage errors never load native code).
 */
final class Session {
  private final Mode mode;
  private final Path configFile;
  private Config config;
  private HostOps host;

  Session(Mode mode, Path configFile) {
    this.mode = mode;
    this.configFile = configFile;
  }

  /** The defaults, then the {@code --config} file. Options are applied by each command. */
  Config config() throws CliException {
    if (config == null) {
      if (configFile == null) {
        config = ConfigFile.DEFAULTS;
      } else {
        try {
          config = ConfigFile.read(configFile, ConfigFile.DEFAULTS);
        } catch (ConfigFile.BadConfigException e) {
          throw CliException.usage(e.getMessage());
        }
      }
    }
    return config;
  }

  /** The Linux host, checked against {@code --mode}. */
  HostOps host() throws CliException {
    if (host == null) {
      Optional<String> cause = LinuxHost.unavailabilityCause();
      if (cause.isPresent()) {
        throw new CliException(ExitCodes.FAILED, "unavailable", "the Linux backend cannot run here: " + cause.get());
      }
      LinuxHost linux = LinuxHost.create();
      boolean root = linux.credentials().isRoot();
      if (mode == Mode.root && !root) {
        throw new CliException(ExitCodes.FAILED, "mode",
            "--mode root: not running as root (effective uid " + linux.credentials().euid()
                + "); run as root, or use --mode sudo");
      }
      boolean sudoWhileRoot = mode == Mode.sudo && root;
      Logger log = LoggerFactory.getLogger(Session.class);
      log.info("mode {}: {}", mode, root && !sudoWhileRoot ? "direct syscalls as root" : "privileged steps through sudo -n");
      host = CliHost.wrap(linux, sudoWhileRoot);
    }
    return host;
  }

  Fcproc fcproc(Config c) throws CliException {
    return Fcproc.create(host(), c);
  }

  Fcproc fcproc() throws CliException {
    return fcproc(config());
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
