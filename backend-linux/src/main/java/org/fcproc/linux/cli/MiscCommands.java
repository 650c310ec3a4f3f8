package org.fcproc.linux.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.FcprocException;
import org.fcproc.InvalidInputException;
import org.fcproc.HelperPolicy;
import org.fcproc.SweepReport;
import org.fcproc.SweepSpec;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
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
              + "PATH. Prints the path. Default: firecracker (firecracker_bin). A relative or "
              + "unclean path, or an empty value, is a usage error (exit 2); a directory is "
              + "reported as one (exit 1)."
        })
    static final class Resolve implements Action {
      @Option(names = "--firecracker-bin", paramLabel = "PATH", description = "Path or bare name (firecracker_bin).")
      String firecrackerBin;

      @Override
      public Result run(Session s) throws Exception {
        if (firecrackerBin != null) {
          checkShape("--firecracker-bin", firecrackerBin);
        }
        Config c = Session.with(s.config(), firecrackerBin, null, null, null, null);
        if (firecrackerBin == null && !c.firecrackerBin().isEmpty()) {
          checkShape("firecracker_bin (--config)", c.firecrackerBin()); // blank: the seed's own message
        }
        Fcproc fc = s.fcproc(c);
        String path = fc.resolveBinary();
        refuseDirectory(fc.host(), path);
        return new Result(path).put("path", path);
      }

      /**
       * Refuses (exit 2) a value that can only name the wrong file, before anything is looked
       * at: empty (an unset variable, not "no binary"), or a path with a {@code /} that is not
       * absolute and clean. A relative path would be resolved against whatever directory the
       * caller, or the privileged helper under sudo, happens to run in; the seed's
       * {@code exec.LookPath} takes it as it is, and the Linux backend refuses it with EINVAL,
       * which used to surface as a failure (exit 1) instead of the usage error it is. A bare name
       * is looked up on {@code PATH}, as the seed does.
       */
      static void checkShape(String option, String value) {
        String why = null;
        if (value.isEmpty()) {
          why = "is empty; give a path, or a bare name to look up on PATH";
        } else if (value.indexOf('\0') >= 0) {
          why = "contains a NUL byte";
        } else if (value.indexOf('/') >= 0 && !value.startsWith("/")) {
          why = "is a relative path; give an absolute path, or a bare name to look up on PATH";
        } else if (value.indexOf('/') >= 0 && (value.endsWith("/")
            || Arrays.stream(value.substring(1).split("/", -1))
                .anyMatch(p -> p.isEmpty() || p.equals(".") || p.equals("..")))) {
          why = "has an empty, '.' or '..' component, or ends with '/'";
        }
        if (why != null) {
          throw new InvalidInputException("firecracker binary", option + " " + Audit.quote(value) + " " + why);
        }
      }

      /**
       * The seed's {@code ResolveBinary} only checks that a path with a {@code /} exists, so a
       * directory passed as the binary was printed as if it were one, and failed only later,
       * when {@code execve(2)} refused it. Resolving means naming an executable file: a
       * directory is reported here, with the path, the call that saw it and why (EISDIR).
       */
      private static void refuseDirectory(HostOps host, String path) throws FcprocException {
        FileStat st;
        try {
          st = host.stat(path);
        } catch (HostException e) {
          throw new FcprocException("firecracker binary at " + path + " cannot be looked at", e);
        }
        if (st.is(FileType.DIRECTORY)) {
          throw new FcprocException("firecracker binary at " + path + " is a directory, not an executable;"
              + " install firecracker or set firecracker_bin",
              new HostException(Errno.EISDIR, "stat", path, "S_IFDIR: a directory cannot be executed"));
        }
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
        description = "Also delete the TAP devices whose name starts with PREFIX that no process has open "
            + "(without it, TAPs are not swept; an empty PREFIX is a usage error).")
    String tapPrefix;

    @Override
    public Result run(Session s) throws Exception {
      // Omitted means no TAP sweep; given empty it would mean the same to core, silently. An
      // empty value is more likely an unset variable than a wish, and a prefix that matched every
      // name would be a different wish: both are refused rather than guessed.
      if (tapPrefix != null && tapPrefix.isEmpty()) {
        throw CliException.usage("--tap-prefix is empty: give the prefix of the VMs' TAP names (e.g. fc-),"
            + " or leave the option out to sweep no TAPs");
      }
      Config c = Session.with(s.config(), null, null, null, null, runtimeDir);
      SweepSpec spec = new SweepSpec(firecrackerBase, dryRun, tapPrefix == null ? "" : tapPrefix);
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
