package org.fcproc.linux.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.fcproc.Config;
import org.fcproc.HelperPolicy;
import org.fcproc.host.CommandResult;
import org.fcproc.host.Credentials;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.FileType;
import org.fcproc.sim.SimHost;

/**
 * A simulated host for sudo mode: its own view acts as uid {@value #USER} (the caller), and
 * {@value #FCPROC} is installed as a command whose process is the real command line
 * ({@link Main#run(org.fcproc.host.HostOps, String[], PrintStream, PrintStream)}) — run under
 * the simulator's {@code sudo}, it is root with {@code SUDO_UID} set: the privileged helper, with
 * its policy at {@link HelperPolicy#PATH}.
 */
final class SudoSimHost {
  static final String FCPROC = "/usr/local/bin/fcproc";
  static final int USER = 1000;
  static final int OTHER = 1001;
  static final String BASE = "/srv/jail/firecracker";
  static final String CHROOT = BASE + "/vm1/root";
  static final String RUN = CHROOT + "/run";
  static final String API_SOCK = RUN + "/firecracker.socket";
  static final String KERNEL = "/var/lib/fcproc/images/vmlinux";
  static final String ROOTFS = "/var/lib/fcproc/vms/vm1/rootfs.ext4";
  static final String RUNTIME = "/run/fcproc";
  static final Config CONFIG = new Config("/usr/bin/firecracker", "fcbr0", "172.16.0.1", "24", RUNTIME);

  /** The helper's root-owned policy: what it may do for the sudo caller. */
  static final String POLICY = "jail_base = " + BASE + "\nsocket_dir = " + RUNTIME
      + "\ntap_prefix = fc-\nbridge_name = fcbr0\nbridge_ip = 172.16.0.1\ncidr = 24\n";

  private SudoSimHost() {}

  /** The host; {@code helperRuns} sees every argv the installed helper runs with. */
  static SimHost create(Consumer<List<String>> helperRuns) {
    SimHost host = SimHost.builder().credentials(new Credentials(USER, USER, USER)).build();
    host.mkdirs("/etc");
    host.writeFile("/etc/shadow", "root:$6$not-a-real-hash:19000:0:99999:7:::\n", 0640, 0, 42);
    host.mkdirs("/dev");
    host.mknod("/dev/vhost-vsock", FileType.CHAR_DEVICE, 0666, new DeviceNumber(10, 241), 0, 0);
    host.mkdirs("/usr/bin");
    host.writeFile("/usr/bin/firecracker", "\u007fELF fake firecracker\n", 0755, 0, 0);
    host.mkdirs("/usr/lib");
    host.writeFile("/usr/lib/libc.so.6", "\u007fELF libc\n", 0755, 0, 0);
    host.mkdirs("/usr/lib64");
    host.writeFile("/usr/lib64/ld-linux-x86-64.so.2", "\u007fELF ld.so\n", 0755, 0, 0);
    host.symlink("/lib", "usr/lib");
    host.symlink("/lib64", "usr/lib64");
    host.mkdirs("/var/lib/fcproc/images");
    host.writeFile(KERNEL, "fake kernel image\n", 0644, 0, 0);
    host.mkdirs("/var/lib/fcproc/vms/vm1");
    host.writeFile(ROOTFS, "fake rootfs\n", 0644, 0, 0);
    host.mkdirs(RUNTIME, 0711, 0, 0);
    host.mkdirs("/srv/jail", 0711, 0, 0);
    host.mkdirs(BASE, 0711, 0, 0);
    host.mkdirs("/etc/fcproc", 0755, 0, 0);
    host.writeFile(HelperPolicy.PATH, POLICY, 0644, 0, 0);
    host.installCommand(FCPROC, (argv, asCaller) -> {
      helperRuns.accept(argv);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = Main.run(asCaller, argv.subList(1, argv.size()).toArray(String[]::new),
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
      return new CommandResult(argv, code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    });
    return host;
  }
}
