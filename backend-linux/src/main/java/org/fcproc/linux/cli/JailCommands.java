package org.fcproc.linux.cli;

import java.util.ArrayList;
import java.util.List;
import org.fcproc.ChrootDriveSpec;
import org.fcproc.ChrootSpec;
import org.fcproc.JailPath;
import org.fcproc.JailerCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fcproc jail ...}: the jailer chroot. As root directly; in sudo mode core runs the same
 * subcommand as {@code sudo -n <this fcproc> --mode root --json jail ...} (the privileged helper).
 */
final class JailCommands {
  private JailCommands() {}

  @Command(name = "jail", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES,
      description = "The jailer chroot (root; in sudo mode through sudo -n of this fcproc in --mode root).",
      subcommands = {Jail.Prepare.class, Jail.Cleanup.class, Jail.Argv.class})
  static final class Jail {

    @Command(name = "prepare", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES, sortOptions = false,
        description = {
          "Seed: PrepareJailerChroot. Stage <jail base>/<firecracker base>/<vm dir>/<root>: "
              + "directories and owners, hard links to the kernel, initrd and file drives (same "
              + "filesystem as the chroot), block-device nodes for device drives, "
              + "dev/vhost-vsock, a copy of the firecracker binary, the self-bind, and read-only "
              + "private binds of /usr/lib, /usr/lib64, /lib, /lib64. A planted symlink, a "
              + "hard-linked secret, a replaced node... is refused (exit 3)."
        })
    static final class Prepare implements Action {
      @Option(names = "--chroot", required = true, paramLabel = "PATH", description = "The chroot root.")
      String chroot;

      @Option(names = "--uid", required = true, paramLabel = "N", description = "The jailed uid.")
      int uid;

      @Option(names = "--gid", required = true, paramLabel = "N", description = "The jailed gid.")
      int gid;

      @Option(names = "--firecracker", required = true, paramLabel = "PATH", description = "The binary to copy in.")
      String firecracker;

      @Option(names = "--kernel", required = true, paramLabel = "PATH", description = "The kernel image to link in.")
      String kernel;

      @Option(names = "--kernel-name", paramLabel = "NAME", description = "Its name in the chroot (default: its file name).")
      String kernelName;

      @Option(names = "--initrd", paramLabel = "PATH", description = "An initrd to link in.")
      String initrd;

      @Option(names = "--initrd-name", paramLabel = "NAME", description = "Its name in the chroot (default: its file name).")
      String initrdName;

      @Option(names = "--drive", paramLabel = "NAME=PATH", converter = DriveArg.Converter.class,
          description = "A drive: its name in the chroot and the host file or block device (repeatable).")
      List<DriveArg> drives = new ArrayList<>();

      @Option(names = "--vsock", description = "Make dev/vhost-vsock in the chroot.")
      boolean vsock;

      @Override
      public Result run(Session s) throws Exception {
        if (initrd == null && initrdName != null) {
          throw CliException.usage("--initrd-name needs --initrd");
        }
        List<ChrootDriveSpec> specs = new ArrayList<>();
        for (DriveArg d : drives) {
          specs.add(new ChrootDriveSpec(d.name(), d.hostPath()));
        }
        String initrdPath = initrd == null ? "" : initrd;
        ChrootSpec spec = new ChrootSpec(
            chroot, uid, gid, firecracker, kernel,
            kernelName != null ? kernelName : leaf(kernel),
            initrdPath,
            initrd == null ? "" : (initrdName != null ? initrdName : leaf(initrd)),
            specs, vsock);
        s.fcproc().prepareJailerChroot(spec);
        List<Object> driveNames = new ArrayList<>();
        specs.forEach(d -> driveNames.add(d.chrootName()));
        return new Result("staged jailer chroot " + chroot + " for " + uid + ":" + gid)
            .put("chroot", chroot)
            .put("uid", uid)
            .put("gid", gid)
            .put("kernel", spec.kernelName())
            .put("initrd", initrd == null ? null : spec.initrdName())
            .put("drives", driveNames)
            .put("vsock", vsock);
      }

      private static String leaf(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
          p = p.substring(0, p.length() - 1);
        }
        return p.substring(p.lastIndexOf('/') + 1);
      }
    }

    @Command(name = "cleanup", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES,
        description = {
          "Seed: CleanupJailerChroot. Refuse (exit 3) a symlink, a non-directory, a path "
              + "that resolves elsewhere; detach every mount at or under the chroot, deepest "
              + "first; refuse while a mount remains; then delete through handles, never crossing "
              + "a mount. A missing chroot is done."
        })
    static final class Cleanup implements Action {
      @Option(names = "--chroot", required = true, paramLabel = "PATH", description = "The chroot root.")
      String chroot;

      @Override
      public Result run(Session s) throws Exception {
        // Core keeps the seed's "a blank chroot is nothing to do" for its callers; typed on a
        // command line, an empty --chroot is a mistake (an unset variable), not a request.
        if (chroot.isBlank()) {
          throw CliException.usage("--chroot is empty: name the chroot to clean up, <jail base>/<exec name>/<id>/root");
        }
        s.fcproc().cleanupJailerChroot(chroot);
        return new Result("cleaned up jailer chroot " + chroot).put("chroot", chroot);
      }
    }

    /**
     * {@code fcproc jail command}: the jailer's command line for a chroot {@code jail prepare}
     * staged ({@link JailerCommand}). It only prints; nothing on the host is read or changed.
     */
    @Command(name = "command", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES, sortOptions = false,
        description = {
          "Print the jailer's command line for the chroot <jail base>/<exec name>/<id>/root, checked "
              + "with the rules of jail prepare, so that the chroot the jailer computes "
              + "(--chroot-base-dir/<exec file name>/--id/root) is the staged one. Firecracker's "
              + "own arguments follow --. Text: one line, shell-quoted; --json: \"argv\", one array. "
              + "Reads and changes nothing."
        })
    static final class Argv implements Action {
      @Option(names = "--jailer", required = true, paramLabel = "PATH", description = "The jailer binary (argv[0]).")
      String jailer;

      @Option(names = "--chroot", required = true, paramLabel = "PATH", description = "The chroot root, as staged.")
      String chroot;

      @Option(names = "--firecracker", required = true, paramLabel = "PATH",
          description = "The exec file; its file name must be the chroot's exec name.")
      String firecracker;

      @Option(names = "--uid", required = true, paramLabel = "N", description = "The jailed uid.")
      int uid;

      @Option(names = "--gid", required = true, paramLabel = "N", description = "The jailed gid.")
      int gid;

      @Option(names = "--parent-cgroup", paramLabel = "PATH",
          description = "The cgroup v2 parent, relative to the cgroup root (adds --cgroup-version 2).")
      String parentCgroup = "";

      @Option(names = "--cgroup", paramLabel = "FILE=VALUE",
          description = "A cgroup v2 setting, <controller>.<knob>=<value> (repeatable; adds --cgroup-version 2).")
      List<String> cgroups = new ArrayList<>();

      @Option(names = "--netns", paramLabel = "PATH", description = "A network namespace under /run/netns or /var/run/netns.")
      String netns = "";

      @Option(names = "--resource-limit", paramLabel = "RESOURCE=N",
          description = "fsize=N or no-file=N (repeatable).")
      List<String> resourceLimits = new ArrayList<>();

      @Option(names = "--new-pid-ns", description = "The jailer's --new-pid-ns.")
      boolean newPidNs;

      @Option(names = "--daemonize", description = "The jailer's --daemonize.")
      boolean daemonize;

      @Parameters(paramLabel = "FIRECRACKER-ARG", description = "After --: Firecracker's arguments, e.g. --api-sock /run/firecracker.socket.")
      List<String> firecrackerArgs = new ArrayList<>();

      @Override
      public Result run(Session s) {
        JailerCommand.Builder b = JailerCommand.builder(jailer, JailPath.parse("chroot", chroot), firecracker)
            .uid(uid).gid(gid).parentCgroup(parentCgroup).netns(netns).newPidNs(newPidNs).daemonize(daemonize)
            .firecrackerArgs(firecrackerArgs.toArray(new String[0]));
        cgroups.forEach(c -> b.cgroup(JailerCommand.Cgroup.parse(c)));
        resourceLimits.forEach(r -> b.resourceLimit(JailerCommand.ResourceLimit.parse(r)));
        JailerCommand c = b.build();
        List<String> argv = c.argv();
        StringBuilder line = new StringBuilder();
        for (String a : argv) {
          line.append(line.length() == 0 ? "" : " ").append(shellQuote(a));
        }
        return new Result(line.toString())
            .put("chroot", c.jailPath().chrootRoot())
            .put("argv", new ArrayList<Object>(argv));
      }

      /**
       * {@code a} as one word to bash: as it is when it holds only characters no shell treats
       * specially, in single quotes otherwise, and as {@code $'...'} when it holds a control
       * character (a jail base may hold a newline), so the command stays one line.
       */
      static String shellQuote(String a) {
        if (!a.isEmpty() && a.matches("[A-Za-z0-9_@%+=:,./-]+")) {
          return a;
        }
        boolean control = a.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f);
        if (!control) {
          return "'" + a.replace("'", "'\\''") + "'";
        }
        StringBuilder q = new StringBuilder("$'");
        for (int i = 0; i < a.length(); i++) {
          char ch = a.charAt(i);
          switch (ch) {
            case '\\' -> q.append("\\\\");
            case '\'' -> q.append("\\'");
            case '\n' -> q.append("\\n");
            case '\t' -> q.append("\\t");
            default -> q.append(ch < 0x20 || ch == 0x7f ? String.format("\\x%02x", (int) ch) : String.valueOf(ch));
          }
        }
        return q.append("'").toString();
      }
    }
  }
}
