package org.fcproc.linux.cli;

import org.fcproc.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fcproc binary resolve} and {@code fcproc sweep}. */
final class MiscCommands {
  private MiscCommands() {}

  @Command(name = "binary", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES,
      description = "The firecracker binary.",
      subcommands = Binary.Resolve.class)
  static final class Binary {
    @Command(name = "resolve", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES,
        description = {
          "Seed: ResolveBinary. A path with a / must exist; a bare name is looked up on "
              + "PATH. Prints the path. Default: firecracker (firecracker_bin)."
        })
    static final class Resolve implements Action {
      @Option(names = "--firecracker-bin", paramLabel = "PATH", description = "Path or bare name (firecracker_bin).")
      String firecrackerBin;

      @Override
      public Result run(Session s) throws Exception {
        Config c = Session.with(s.config(), firecrackerBin, null, null, null, null);
        String path = s.fcproc(c).resolveBinary();
        return new Result(path).put("path", path);
      }
    }
  }

  static final String SWEEP_NOT_IMPLEMENTED = "sweep is not implemented yet (orphan sweep issue)";

  @Command(name = "sweep", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES,
      description = {
          "The orphan sweep: reclaim the chroots, mounts, TAPs and sockets of VMs whose "
              + "process is gone. NOT IMPLEMENTED YET (a later issue): it does nothing and exits "
              + "1."
        })
  static final class Sweep implements Action {
    @Option(names = "--dry-run", description = "Only say what would be reclaimed.")
    boolean dryRun;

    @Override
    public Result run(Session s) throws CliException {
      throw new CliException(ExitCodes.FAILED, "not-implemented", SWEEP_NOT_IMPLEMENTED);
    }
  }
}
