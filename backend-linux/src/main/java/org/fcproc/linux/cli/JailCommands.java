package org.fcproc.linux.cli;

import java.util.ArrayList;
import java.util.List;
import org.fcproc.ChrootDriveSpec;
import org.fcproc.ChrootSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fcproc jail ...}: the jailer chroot. As root directly; in sudo mode core runs the same
 * subcommand as {@code sudo -n <this fcproc> --mode root --json jail ...} (the privileged helper).
 */
final class JailCommands {
  private JailCommands() {}

  @Command(name = "jail", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES,
      description = "The jailer chroot (root; in sudo mode through sudo -n of this fcproc in --mode root).",
      subcommands = {Jail.Prepare.class, Jail.Cleanup.class})
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
  }
}
