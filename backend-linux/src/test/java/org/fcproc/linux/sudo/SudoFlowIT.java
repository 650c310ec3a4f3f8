package org.fcproc.linux.sudo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fcproc.linux.sudo.SudoSandbox.DEV;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Sudo mode's ordinary flow, end to end, with the one documented sudoers rule and no other sudo
 * right: the unprivileged caller ({@code fcdev}, uid 4711) stages a jail, runs a (fake)
 * firecracker in it, takes its API socket, sets up the bridge and a TAP, kills the VM, cleans up
 * and sweeps — every privileged step through {@code sudo -n <java> -jar <jar> --mode root --json
 * ...} — and each privileged action leaves one audit line naming the caller.
 *
 * <p>The host is checked after each step (files, owners, links, mounts, links of the network
 * namespace); the audit lines last, so that a missing audit does not hide how far the flow got.
 */
class SudoFlowIT extends SandboxedCallerTest {
  private final List<Runnable> auditChecks = new ArrayList<>();

  private Outcome step(String what, String command, String path, String... args) {
    Outcome o = dev.fcproc(args);
    o.expect(0);
    assertThat(o.json()).as("JSON of %s", o.describe()).containsEntry("ok", true).containsEntry("command", command);
    List<String> lines = sandbox.audit().takeUntilMark();
    auditChecks.add(() -> AuditLines.assertOne(lines, what, DEV.uid(), command, path, "done"));
    return o;
  }

  private static String[] prepare(Path chroot) {
    return new String[] {"jail", "prepare", "--chroot", chroot.toString(), "--uid", "4711", "--gid", "4711",
        "--firecracker", SudoSandbox.FIRECRACKER.toString(), "--kernel", SudoSandbox.KERNEL.toString(),
        "--initrd", SudoSandbox.INITRD.toString(), "--initrd-name", "initrd",
        "--drive", "rootfs=" + SudoSandbox.ROOTFS};
  }

  private static List<String> mountsUnder(Path dir) throws Exception {
    List<String> found = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String mp = line.split(" ")[4];
      if (mp.equals(dir.toString()) || mp.startsWith(dir + "/")) {
        found.add(mp);
      }
    }
    return found;
  }

  @Test
  void jailVmSocketKillCleanupAndSweepThroughTheOneRule() throws Exception {
    Path vm1 = SudoSandbox.JAIL_BASE.resolve("vm1/root");

    step("jail prepare", "jail prepare", vm1.toString(), prepare(vm1));
    assertThat(Files.isSameFile(vm1.resolve("vmlinux"), SudoSandbox.KERNEL)).as("kernel linked").isTrue();
    assertThat(Files.isSameFile(vm1.resolve("rootfs"), SudoSandbox.ROOTFS)).as("drive linked").isTrue();
    assertThat(Root.uid(SudoSandbox.ROOTFS)).as("the caller's own drive keeps its owner").isEqualTo(DEV.uid());
    assertThat(Files.readString(vm1.resolve("firecracker"))).isEqualTo(Files.readString(SudoSandbox.FIRECRACKER));
    assertThat(Files.isSameFile(vm1.resolve("firecracker"), SudoSandbox.FIRECRACKER)).as("binary copied, not linked").isFalse();
    assertThat(Root.uid(vm1)).isEqualTo(DEV.uid());
    assertThat(mountsUnder(vm1)).as("the chroot's self-bind and library binds").contains(vm1.toString());

    // The VM: a fake firecracker the caller starts, on the API socket in its chroot.
    Path sock = vm1.resolve("run/firecracker.socket");
    dev.run(List.of("mkdir", vm1.resolve("run").toString())).expect(0);
    Process fc = dev.fakeFirecracker(sock);
    started.add(fc);

    Outcome chown = step("socket chown", "socket chown", sock.toString(),
        "socket", "chown", sock.toString(), "--uid", "4711", "--gid", "4711");
    assertThat(chown.json()).containsEntry("paths", List.of(sock.toString()));
    assertThat(Root.uid(sock)).isEqualTo(DEV.uid());
    assertThat(Root.mode(sock)).as("socket mode").isEqualTo(0600);

    step("vm kill", "vm kill", sock.toString(), "vm", "kill", "--pid", Long.toString(fc.pid()), "--api-sock", sock.toString());
    assertThat(fc.waitFor(20, TimeUnit.SECONDS)).as("the VM's process was killed").isTrue();

    step("jail cleanup", "jail cleanup", vm1.toString(), "jail", "cleanup", "--chroot", vm1.toString());
    assertThat(Root.exists(vm1)).as("chroot removed").isFalse();
    assertThat(mountsUnder(SudoSandbox.JAIL_BASE)).isEmpty();
    assertThat(Root.nlink(SudoSandbox.KERNEL)).isEqualTo(1);
    assertThat(Root.nlink(SudoSandbox.ROOTFS)).isEqualTo(1);
    assertThat(Root.uid(SudoSandbox.KERNEL)).isEqualTo(DEV.uid());
    assertThat(Files.readString(SudoSandbox.KERNEL)).isEqualTo("fcdev's kernel image\n");

    // A VM whose process never started: the sweep reclaims it.
    Path vm2 = SudoSandbox.JAIL_BASE.resolve("vm2/root");
    step("jail prepare (vm2)", "jail prepare", vm2.toString(), prepare(vm2));
    Outcome sweep = step("sweep", "sweep", SudoSandbox.JAIL_BASE.toString(),
        "sweep", "--firecracker-base", SudoSandbox.JAIL_BASE.toString());
    assertThat(sweep.json().get("reclaimed").toString()).contains(vm2.toString());
    assertThat(Root.exists(vm2.getParent())).as("vm2 reclaimed").isFalse();
    assertThat(mountsUnder(SudoSandbox.JAIL_BASE)).isEmpty();
    assertThat(Root.nlink(SudoSandbox.KERNEL)).isEqualTo(1);

    auditChecks.forEach(Runnable::run);
  }

  /**
   * A VM uid from the policy's {@code vm_ids} (not the caller's own): granted. The caller's
   * private drive, which the caller owns, is given to that uid, as root mode does for a source
   * the VM could not otherwise read.
   */
  @Test
  void prepareForAVmUidFromThePolicyRange() throws Exception {
    Path vm3 = SudoSandbox.JAIL_BASE.resolve("vm3/root");
    String[] args = prepare(vm3);
    args[5] = "100000"; // --uid
    args[7] = "100000"; // --gid
    step("jail prepare --uid 100000", "jail prepare", vm3.toString(), args);
    assertThat(Root.uid(vm3)).isEqualTo(100000);
    assertThat(Files.isSameFile(vm3.resolve("rootfs"), SudoSandbox.ROOTFS)).isTrue();
    assertThat(Root.uid(SudoSandbox.ROOTFS)).as("the caller's own 0600 drive, given to the VM uid").isEqualTo(100000);
    assertThat(Root.uid(SudoSandbox.KERNEL)).as("a readable kernel keeps its owner").isEqualTo(DEV.uid());
    step("jail cleanup", "jail cleanup", vm3.toString(), "jail", "cleanup", "--chroot", vm3.toString());
    assertThat(Root.exists(vm3)).as("chroot removed").isFalse();
    assertThat(mountsUnder(SudoSandbox.JAIL_BASE)).isEmpty();
    auditChecks.forEach(Runnable::run);
  }

  @Test
  void bridgeAndTapThroughTheOneRuleWithoutSudoIp() throws Exception {
    step("bridge ensure", "bridge ensure", "fcbr0", "bridge", "ensure");
    String bridge = Network.link("fcbr0");
    assertThat(bridge).as("fcbr0 made").isNotNull().contains("bridge").containsPattern("<[^>]*\\bUP\\b[^>]*>");
    assertThat(Root.must("ip", "-4", "addr", "show", "dev", "fcbr0")).contains("inet 172.16.0.1/24");

    Outcome tap = step("tap create", "tap create", "fc-tap0", "tap", "create", "--name", "fc-tap0", "--uid", "4711", "--gid", "4711");
    assertThat(tap.json()).containsEntry("tap", "fc-tap0");
    String shown = Network.link("fc-tap0");
    assertThat(shown).as("fc-tap0 made").isNotNull().contains("tun type tap", "master fcbr0");
    assertThat(shown).as("owned by the caller").containsAnyOf("user 4711", "user fcdev");
    assertThat(shown).containsAnyOf("group 4711", "group fcdev");

    auditChecks.forEach(Runnable::run);
  }

  /**
   * The harness itself: a syslog datagram the caller sends to the policy's audit socket reaches
   * the listener, alone — so an audit line the helper does not send is missing, not lost.
   */
  @Test
  void theAuditSocketDeliversADatagramSentToIt() {
    String probe = "<86>Dec  4 15:00:00 fcproc-it probe: audit caller_uid=4711 command=\"probe\" outcome=done";
    dev.run(List.of(sandbox.python, "-c",
        "import socket, sys\n"
            + "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n"
            + "s.sendto(sys.argv[1].encode(), sys.argv[2])\n",
        probe, SudoSandbox.AUDIT_SOCKET.toString())).expect(0);
    assertThat(sandbox.audit().takeUntilMark()).containsExactly(probe);
  }

  /**
   * The harness itself: the caller is really uid 4711 in the throwaway namespaces, and the one
   * rule is its only sudo right — {@code sudo -n ip}, {@code kill}, a shell, or the same JVM
   * with other arguments are all denied by sudo itself.
   */
  @Test
  void theRuleIsTheCallersOnlySudoRight() throws Exception {
    Outcome id = dev.run(List.of("id", "-u")).expect(0);
    assertThat(id.out().strip()).isEqualTo("4711");
    for (String ns : List.of("mnt", "net")) {
      String outer = System.getenv("FCPROC_OUTER_" + ns.toUpperCase(java.util.Locale.ROOT) + "_NS");
      Outcome mine = dev.run(List.of("readlink", "/proc/self/ns/" + ns)).expect(0);
      assertThat(mine.out().strip()).as("the caller's %s namespace", ns).isNotEqualTo(outer).isNotBlank();
    }

    Outcome list = dev.sudo("-l").expect(0);
    assertThat(list.out()).contains(sandbox.java, SudoSandbox.JAR.toString(), "--mode root --json *");
    assertThat(list.out().split("NOPASSWD:", -1)).as("one rule: %s", list.out()).hasSize(2);

    for (List<String> denied : List.of(
        List.of("ip", "link"),
        List.of("ip", "link", "add", "name", "fcbr9", "type", "bridge"),
        List.of("kill", "-KILL", "1"),
        List.of("/bin/sh", "-c", "id"),
        List.of(sandbox.java, "-version"),
        List.of(sandbox.java, "-jar", SudoSandbox.JAR.toString(), "--mode", "sudo", "--json", "sweep"))) {
      Outcome o = dev.sudo(denied.toArray(String[]::new));
      assertThat(o.exit()).as("sudo must deny %s", o.describe()).isNotZero();
      assertThat(o.err()).as("sudo's own refusal for %s", o.describe()).contains("sudo:");
    }
    assertThat(Network.link("fcbr9")).isNull();
  }
}
