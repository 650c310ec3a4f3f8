package org.fcproc.linux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.fcproc.HelperPolicy;
import org.fcproc.host.CommandResult;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.FileType;
import org.fcproc.sim.GuestBehaviour;
import org.fcproc.sim.SimHost;
import org.fcproc.sim.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * In sudo mode the caller of the root helper is the adversary: sudoers' {@code *} lets it run
 * {@code sudo -n fcproc --mode root --json <anything>} with any arguments it likes. Each test here
 * is such a call, made as uid {@value SudoSimHost#USER} on the simulated host, straight to the
 * helper (no client-side checks in between), and then the host is compared with how it was: the
 * helper must refuse, and change nothing. Without the policy's confinement each of these calls
 * did what root mode does — delete a home directory, hand a root-only file to the caller, signal
 * any process.
 */
class CallerIsTheAdversaryTest {
  private SimHost host;
  private final List<List<String>> helperRuns = new ArrayList<>();
  private final ListAppender<ILoggingEvent> audit = new ListAppender<>();

  @BeforeEach
  void setUp() {
    host = SudoSimHost.create(helperRuns::add);
    host.mkdirs("/home/victim/.ssh", 0700, SudoSimHost.OTHER, SudoSimHost.OTHER);
    host.writeFile("/home/victim/.ssh/authorized_keys", "ssh-ed25519 AAAA victim\n", 0600, SudoSimHost.OTHER, SudoSimHost.OTHER);
    host.mkdirs("/root", 0700, 0, 0);
    host.writeFile("/root/secret-kernel", "root's own image\n", 0600, 0, 0);
    host.mkdirs("/opt/private", 0755, 0, 0);
    host.writeFile("/opt/private/firecracker", "\u007fELF root-only build\n", 0700, 0, 0);
    host.mknod("/dev/sda", FileType.BLOCK_DEVICE, 0660, new DeviceNumber(8, 0), 0, 6);
    audit.start();
    Logger auditLogger = (Logger) LoggerFactory.getLogger(Audit.LOGGER);
    auditLogger.setLevel(ch.qos.logback.classic.Level.INFO);
    auditLogger.addAppender(audit);
  }

  @AfterEach
  void detachAudit() {
    ((Logger) LoggerFactory.getLogger(Audit.LOGGER)).detachAppender(audit);
  }

  /** {@code sudo -n fcproc --mode root --json ARGS}, run by the caller itself. */
  private CommandResult helper(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("sudo", "-n", SudoSimHost.FCPROC, "--mode", "root", "--json"));
    argv.addAll(List.of(args));
    return host.run(argv);
  }

  /** The call is refused (exit 2 or 3, the path named) and the host is exactly as it was. */
  private CommandResult refusedAndUnchanged(int exit, String named, String... args) throws Exception {
    Snapshot before = host.snapshot();
    CommandResult r = helper(args);
    assertThat(r.exitCode()).as("exit of %s: %s", List.of(args), r.stdout() + r.stderr()).isEqualTo(exit);
    assertThat(r.stdout()).contains("\"ok\":false").contains(named);
    assertThat(before.diff(host.snapshot())).as("the host after %s", List.of(args)).isEmpty();
    return r;
  }

  @Test
  void cleanupOfAHomeDirectoryIsInvalidInput() throws Exception {
    refusedAndUnchanged(2, "/home/victim", "jail", "cleanup", "--chroot=/home/victim");
    refusedAndUnchanged(2, "/home/victim/.ssh", "jail", "cleanup", "--chroot=/home/victim/.ssh");
  }

  @Test
  void cleanupOfAJailOutsideThePolicysBasesIsRefused() throws Exception {
    host.mkdirs("/srv/other/firecracker/vm1/root", 0755, 0, 0);
    host.writeFile("/srv/other/firecracker/vm1/root/data", "another service's jail\n", 0644, 0, 0);
    CommandResult r = refusedAndUnchanged(3, "/srv/other/firecracker/vm1/root",
        "jail", "cleanup", "--chroot=/srv/other/firecracker/vm1/root");
    assertThat(r.stdout()).contains(HelperPolicy.PATH).contains("jail_base");
  }

  @Test
  void aFileTheCallerCannotReadIsNeverStaged() throws Exception {
    for (String source : List.of("--kernel=/root/secret-kernel", "--drive=rootfs=/root/secret-kernel",
        "--initrd=/root/secret-kernel")) {
      List<String> args = new ArrayList<>(List.of("jail", "prepare", "--chroot=" + SudoSimHost.CHROOT,
          "--uid=" + SudoSimHost.USER, "--gid=" + SudoSimHost.USER, "--firecracker=/usr/bin/firecracker"));
      args.add(source.startsWith("--kernel") ? source : "--kernel=" + SudoSimHost.KERNEL);
      if (!source.startsWith("--kernel")) {
        args.add(source);
      }
      CommandResult r = refusedAndUnchanged(3, "/root/secret-kernel", args.toArray(String[]::new));
      assertThat(r.stdout()).contains("may not read it");
    }
  }

  @Test
  void aBinaryTheCallerCannotReadIsNeverCopied() throws Exception {
    host.mkdirs("/srv/jail/private", 0711, 0, 0);
    CommandResult r = refusedAndUnchanged(3, "/opt/private/firecracker", "jail", "prepare",
        "--chroot=" + SudoSimHost.CHROOT, "--uid=1000", "--gid=1000", "--firecracker=/opt/private/firecracker",
        "--kernel=" + SudoSimHost.KERNEL);
    assertThat(r.stdout()).contains("may not read it");
  }

  @Test
  void aBlockDeviceTheCallerCannotOpenIsNeverADrive() throws Exception {
    CommandResult r = refusedAndUnchanged(3, "/dev/sda", "jail", "prepare", "--chroot=" + SudoSimHost.CHROOT,
        "--uid=1000", "--gid=1000", "--firecracker=/usr/bin/firecracker", "--kernel=" + SudoSimHost.KERNEL,
        "--drive=disk=/dev/sda");
    assertThat(r.stdout()).contains("may not read it");
  }

  @Test
  void aVmOfAnotherUserIsRefused() throws Exception {
    CommandResult r = refusedAndUnchanged(3, SudoSimHost.CHROOT, "jail", "prepare", "--chroot=" + SudoSimHost.CHROOT,
        "--uid=" + SudoSimHost.OTHER, "--gid=" + SudoSimHost.OTHER, "--firecracker=/usr/bin/firecracker",
        "--kernel=" + SudoSimHost.KERNEL);
    assertThat(r.stdout()).contains("uid 1001 is neither the caller's nor within vm_ids");
  }

  @Test
  void aSocketOfAnotherServiceIsNeverHandedOff() throws Exception {
    host.mkdirs("/run/dbus", 0755, 0, 0);
    host.socket("/run/dbus/system_bus_socket", 0, 0, 0600);
    refusedAndUnchanged(2, "/run/dbus/system_bus_socket", "socket", "chown", "--uid=1000", "--gid=1000", "--timeout=1s",
        "--", "/run/dbus/system_bus_socket");
    host.mkdirs("/srv/other/firecracker/vm1/root/run", 0755, 0, 0);
    host.socket("/srv/other/firecracker/vm1/root/run/api.sock", 0, 0, 0600);
    refusedAndUnchanged(3, "/srv/other/firecracker/vm1/root/run/api.sock", "socket", "chown", "--uid=1000",
        "--gid=1000", "--timeout=1s", "--", "/srv/other/firecracker/vm1/root/run/api.sock");
  }

  @Test
  void aSweepOutsideThePolicyIsRefused() throws Exception {
    host.mkdirs("/srv/other/firecracker/vm1/root", 0755, 0, 0);
    refusedAndUnchanged(3, "/srv/other/firecracker", "sweep", "--firecracker-base=/srv/other/firecracker",
        "--runtime-dir=" + SudoSimHost.RUNTIME);
    refusedAndUnchanged(3, "evil", "sweep", "--firecracker-base=" + SudoSimHost.BASE,
        "--runtime-dir=" + SudoSimHost.RUNTIME, "--tap-prefix=evil");
  }

  @Test
  void aBarePidIsNeverSignalled() throws Exception {
    int sshd = host.spawn(List.of("/usr/sbin/sshd", "-D"), "/usr/sbin/sshd", 0, 0);
    refusedAndUnchanged(3, "pid " + sshd, "vm", "kill", "--pid=" + sshd);
    assertThat(host.process(sshd)).isPresent();
    // With an API socket that is not a VM's under a jail base: refused too.
    host.mkdirs("/run/other", 0755, 0, 0);
    int fc = host.spawnFirecracker("/run/other/api.sock", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    refusedAndUnchanged(3, "/run/other/api.sock", "vm", "kill", "--pid=" + fc, "--api-sock=/run/other/api.sock");
    assertThat(host.process(fc)).isPresent();
  }

  @Test
  void onlyThePolicysBridgeAndTapsWithItsPrefix() throws Exception {
    refusedAndUnchanged(3, "other0", "bridge", "ensure", "--name=other0", "--ip=10.0.0.1", "--cidr=8");
    refusedAndUnchanged(3, "evil0", "tap", "create", "--name=evil0", "--uid=1000", "--gid=1000", "--bridge=fcbr0");
    refusedAndUnchanged(2, "-fc-x", "tap", "create", "--name=-fc-x", "--uid=1000", "--gid=1000", "--bridge=fcbr0");
    refusedAndUnchanged(3, "fc-tap0", "tap", "create", "--name=fc-tap0", "--uid=1000", "--gid=1000", "--bridge=other0");
  }

  @Test
  void hostileOptionsAreRefused() throws Exception {
    refusedAndUnchanged(2, "--config", "--config", "/etc/shadow", "jail", "cleanup", "--chroot=" + SudoSimHost.CHROOT);
    refusedAndUnchanged(2, "--mode", "--mode", "root", "jail", "cleanup", "--chroot=" + SudoSimHost.CHROOT);
    refusedAndUnchanged(2, "vm pid", "vm", "pid", "--api-sock=" + SudoSimHost.API_SOCK);
    refusedAndUnchanged(2, "binary resolve", "binary", "resolve", "--firecracker-bin=/root/secret-kernel");
  }

  @Test
  void anUntrustworthyPolicyRefusesEverything() throws Exception {
    host.mkdirs(SudoSimHost.BASE + "/vm1/root", 0755, 1000, 1000);
    String[] cleanup = {"jail", "cleanup", "--chroot=" + SudoSimHost.CHROOT};
    host.setMode(HelperPolicy.PATH, 0664);
    assertThat(refusedAndUnchanged(3, HelperPolicy.PATH, cleanup).stdout()).contains("writable by its group");
    host.setMode(HelperPolicy.PATH, 0644);
    host.setOwner(HelperPolicy.PATH, 1000, 1000);
    assertThat(refusedAndUnchanged(3, HelperPolicy.PATH, cleanup).stdout()).contains("owned by uid 1000");
    host.setOwner(HelperPolicy.PATH, 0, 0);
    host.setOwner("/etc/fcproc", 1000, 1000);
    assertThat(refusedAndUnchanged(3, HelperPolicy.PATH, cleanup).stdout()).contains("/etc/fcproc is owned by uid 1000");
    host.setOwner("/etc/fcproc", 0, 0);
    host.writeFile(HelperPolicy.PATH, SudoSimHost.POLICY + "allow_everything = yes\n", 0644, 0, 0);
    assertThat(refusedAndUnchanged(3, HelperPolicy.PATH, cleanup).stdout()).contains("unknown key");
    host.writeFile(HelperPolicy.PATH, SudoSimHost.POLICY, 0644, 0, 0);
    assertThat(helper(cleanup).exitCode()).as("trusted again: the cleanup runs").isZero();
  }

  @Test
  void everyCommandRunForTheCallerIsAudited() throws Exception {
    helper("jail", "cleanup", "--chroot=/home/victim");
    helper("jail", "cleanup", "--chroot=" + SudoSimHost.CHROOT);
    List<String> lines = audit.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains("caller_uid=1000", "command=\"jail cleanup\"", "/home/victim", "outcome=invalid",
        "exit=2");
    assertThat(lines.get(1)).contains("caller_uid=1000", "command=\"jail cleanup\"", SudoSimHost.CHROOT, "outcome=done",
        "exit=0");
  }

  @Test
  void policyCheckPrintsTheEffectivePolicyAndRefusesAnUntrustworthyOne() throws Exception {
    CommandResult ok = helper("policy", "check");
    assertThat(ok.exitCode()).as(ok.stdout() + ok.stderr()).isZero();
    assertThat(ok.stdout()).contains("\"jail_base\":[\"" + SudoSimHost.BASE + "\"]", "\"tap_prefix\":\"fc-\"",
        "\"audit_socket\":\"/dev/log\"");
    host.setMode("/etc/fcproc", 0777);
    CommandResult bad = helper("policy", "check");
    assertThat(bad.exitCode()).isEqualTo(3);
    assertThat(bad.stdout()).contains("/etc/fcproc is writable by its group and others");
  }
}
