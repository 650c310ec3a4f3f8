package org.fcproc.linux.cli;

import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.host.Credentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fcproc bridge ...} and {@code fcproc tap ...}. */
final class NetworkCommands {
  private NetworkCommands() {}

  @Command(name = "bridge", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES,
      description = "The host bridge.",
      subcommands = Bridge.Ensure.class)
  static final class Bridge {
    @Command(name = "ensure", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES, sortOptions = false,
        description = {
          "Seed: EnsureBridge. If the bridge exists, set it up; else add it, add IP/CIDR to "
              + "it, set it up. Defaults: --name fcbr0, --ip 172.16.0.1, --cidr 24 (or the "
              + "--config file's)."
        })
    static final class Ensure implements Action {
      @Option(names = "--name", paramLabel = "NAME", description = "Bridge name (bridge_name).")
      String name;

      @Option(names = "--ip", paramLabel = "IP", description = "Bridge IPv4 address (bridge_ip).")
      String ip;

      @Option(names = "--cidr", paramLabel = "N", description = "Prefix length (cidr).")
      String cidr;

      @Override
      public Result run(Session s) throws Exception {
        Config c = Session.with(s.config(), null, name, ip, cidr, null);
        s.fcproc(c).ensureBridge();
        return new Result("bridge " + c.bridgeName() + " is up")
            .put("bridge", c.bridgeName())
            .put("ip", c.bridgeIp())
            .put("cidr", c.cidr());
      }
    }
  }

  @Command(name = "tap", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES,
      description = "TAP devices.",
      subcommands = Tap.Create.class)
  static final class Tap {
    @Command(name = "create", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES, sortOptions = false,
        description = {
          "Seed: CreateTap / CreateTapOwned. Delete a TAP of that name if present, add it "
              + "owned by uid:gid (default: the caller's), enslave it to the bridge, set TAP and "
              + "bridge up. A link of that name that is not a TAP is refused (exit 3)."
        })
    static final class Create implements Action {
      @Option(names = "--name", required = true, paramLabel = "TAP", description = "TAP device name.")
      String name;

      @Option(names = "--bridge", paramLabel = "NAME", description = "Bridge to enslave it to (bridge_name, default fcbr0).")
      String bridge;

      @Option(names = "--uid", paramLabel = "N", description = "Owner uid (default: the caller's; with --gid).")
      Integer uid;

      @Option(names = "--gid", paramLabel = "N", description = "Owner gid (default: the caller's; with --uid).")
      Integer gid;

      @Override
      public Result run(Session s) throws Exception {
        Owner owner = Owner.of(uid, gid);
        Config c = Session.with(s.config(), null, bridge, null, null, null);
        Fcproc fc = s.fcproc(c);
        int u;
        int g;
        if (owner == null) {
          fc.createTap(name);
          Credentials me = fc.host().credentials();
          u = me.uid();
          g = me.gid();
        } else {
          fc.createTapOwned(name, owner.uid(), owner.gid());
          u = owner.uid();
          g = owner.gid();
        }
        return new Result("tap " + name + " owned by " + u + ":" + g + " is up on bridge " + c.bridgeName())
            .put("tap", name)
            .put("bridge", c.bridgeName())
            .put("uid", u)
            .put("gid", g);
      }
    }
  }
}
