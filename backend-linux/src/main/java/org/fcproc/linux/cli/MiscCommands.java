package org.fcproc.linux.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fcproc.Config;
import org.fcproc.HelperPolicy;
import org.fcproc.SweepReport;
import org.fcproc.SweepSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fcproc binary resolve}, {@code fcproc sweep} and {@code fcproc policy check}. */
final class MiscCommands {
  private MiscCommands() {}

  @Command(name = "policy", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES,
      description = "The privileged helper's policy, " + HelperPolicy.PATH + ".",
      subcommands = Policy.Check.class)
  static final class Policy {
    @Command(name = "check", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES,
        description = {
          "Read " + HelperPolicy.PATH + " as the helper does and print the effective policy. "
              + "Exit 3 when it or a directory above it could be written by someone other than "
              + "root, when it is missing, or when its text is not a valid policy (the message "
              + "names the file, the line and why): then every privileged command of a sudo "
              + "caller refuses."
        })
    static final class Check implements Action {
      @Override
      public Result run(Session s) throws Exception {
        HelperPolicy p = s.policy();
        StringBuilder text = new StringBuilder(HelperPolicy.PATH + ": trusted (root-owned, writable only by root)\n");
        p.describe().forEach((k, v) -> text.append(String.format("%-12s = %s%n", k,
            v instanceof List<?> l ? String.join(", ", l.stream().map(String::valueOf).toList()) : v)));
        Result r = new Result(text.toString().stripTrailing()).put("path", HelperPolicy.PATH);
        p.describe().forEach(r::put);
        return r;
      }
    }
  }

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

  @Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
      footer = {
        "%nJSON: {\"command\":\"sweep\",\"ok\":...,\"dry_run\":...,\"firecracker_base\":...,"
            + "\"runtime_dir\":...,\"reclaimed\":[{\"kind\":\"vm|mount|socket|directory|tap\",\"path\":...,"
            + "\"reason\":...}],\"refused\":[...],\"alive\":[...],\"failed\":[...]}.",
        "%nExit codes: 0 everything found was reclaimed (or would be) or is alive, 1 failed (also:"
            + " something could not be inspected or reclaimed; see \"failed\"), 2 usage, 3 a guard"
            + " refused something (see \"refused\"; it was left as it was). See fcproc --help."
      },
      description = {
          "The orphan sweep (root; in sudo mode through sudo -n of this fcproc in --mode root): each <firecracker base>/<id> is a VM of the jailer's "
              + "layout, its chroot <id>/root. A VM no live process belongs to (none runs from "
              + "<id>/, names <id> on its command line or has --id <id>; no socket under the "
              + "chroot has a listener) is reclaimed: its chroot through the guarded cleanup of "
              + "jail cleanup (mounts detached; a refusal is reported, never forced), then the "
              + "emptied <id> directory (rmdir). Sockets in the runtime directory that nobody "
              + "listens on are unlinked. With --tap-prefix, each TAP whose name starts with it that no "
              + "process has open is deleted (a TAP in use is alive; another kind of link with the "
              + "prefix is refused, never deleted). When unsure, a VM counts as alive. Idempotent. Do not run it while VMs are being staged or started."
        })
  static final class Sweep implements Action {
    /** The jailer's default: {@code --chroot-base-dir /srv/jailer}, exec file {@code firecracker}. */
    static final String DEFAULT_FIRECRACKER_BASE = "/srv/jailer/firecracker";

    @Option(names = "--dry-run", description = "Only list what would be reclaimed, and why; change nothing.")
    boolean dryRun;

    @Option(names = "--firecracker-base", paramLabel = "DIR",
        description = "<jail base>/<firecracker base>, holding one <id>/root per VM (default: ${DEFAULT-VALUE}).")
    String firecrackerBase = DEFAULT_FIRECRACKER_BASE;

    @Option(names = "--runtime-dir", paramLabel = "DIR",
        description = "The runtime socket directory whose stale sockets are unlinked (runtime_dir).")
    String runtimeDir;

    @Option(names = "--tap-prefix", paramLabel = "PREFIX",
        description = "Also delete the TAP devices whose name starts with PREFIX that no process has open (default: TAPs are not swept).")
    String tapPrefix = "";

    @Override
    public Result run(Session s) throws Exception {
      Config c = Session.with(s.config(), null, null, null, null, runtimeDir);
      SweepSpec spec = new SweepSpec(firecrackerBase, dryRun, tapPrefix);
      SweepReport r = s.fcproc(c).sweep(spec);
      int exit = !r.failed().isEmpty() ? ExitCodes.FAILED : !r.refused().isEmpty() ? ExitCodes.REFUSED : ExitCodes.DONE;
      String text = (r.dryRun() ? "sweep (dry run): would reclaim " : "sweep: reclaimed ") + r.reclaimed().size()
          + ", refused " + r.refused().size() + ", alive " + r.alive().size() + ", failed " + r.failed().size()
          + lines(r.dryRun() ? "would reclaim" : "reclaimed", r.reclaimed()) + lines("refused", r.refused())
          + lines("alive", r.alive()) + lines("failed", r.failed());
      Result out = new Result(text)
          .put("dry_run", r.dryRun())
          .put("firecracker_base", r.firecrackerBase())
          .put("runtime_dir", r.runtimeDir())
          .put("reclaimed", items(r.reclaimed()))
          .put("refused", items(r.refused()))
          .put("alive", items(r.alive()))
          .put("failed", items(r.failed()));
      return out.exit(exit, exit == ExitCodes.FAILED
          ? "sweep: " + r.failed().size() + " item(s) could not be inspected or reclaimed: " + r.failed().get(0).reason()
          : "sweep: a guard refused " + r.refused().size() + " item(s), left as they were: " + first(r.refused()));
    }

    private static String first(List<SweepReport.Item> items) {
      return items.isEmpty() ? "" : items.get(0).path() + ": " + items.get(0).reason();
    }

    private static String lines(String label, List<SweepReport.Item> items) {
      StringBuilder sb = new StringBuilder();
      for (SweepReport.Item i : items) {
        sb.append("\n  ").append(label).append(' ').append(i.kind().name().toLowerCase(Locale.ROOT)).append(' ')
            .append(i.path()).append(": ").append(i.reason());
      }
      return sb.toString();
    }

    private static List<Object> items(List<SweepReport.Item> items) {
      List<Object> out = new ArrayList<>();
      for (SweepReport.Item i : items) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", i.kind().name().toLowerCase(Locale.ROOT));
        m.put("path", i.path());
        m.put("reason", i.reason());
        out.add(m);
      }
      return out;
    }
  }
}
