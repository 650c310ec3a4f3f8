package org.fcproc.linux.sudo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fcproc.linux.sudo.SudoSandbox.DEV;
import static org.fcproc.linux.sudo.SudoSandbox.JAIL_BASE;
import static org.fcproc.linux.sudo.SudoSandbox.OTHER;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The caller attacks through its one sudo right, {@code fcproc --mode sudo ...}, and the root
 * helper must refuse what its policy ({@code /etc/fcproc/helper.conf}) does not grant: exit 2 or
 * 3, a JSON error naming what was refused, and the host exactly as it was — every file under
 * {@code /srv}, {@code /home}, the socket directory and the policy directory (owner, mode, link
 * count, content, existence), the mount table and the network links — checked by
 * {@link HostState}. Processes an attack aims at must still be alive.
 *
 * <p>Each attack is one the helper, being root, could carry out: today's helper (root mode's
 * code with no policy) carries out several of them, which these tests show.
 */
class SudoRefusalIT extends SandboxedCallerTest {

  /** Runs the attack as the caller, checks the host is unchanged, and returns what it answered. */
  private Outcome attack(String what, String... args) {
    HostState before = host();
    Outcome o = dev.fcproc(args);
    host().assertSameAs(before, what + " (" + o.describe() + ")");
    return o;
  }

  private void auditAtMostOne(String what, String command, String path) {
    AuditLines.assertAtMostOne(sandbox.audit().takeUntilMark(), what, DEV.uid(), command, path, "refused", "invalid");
  }

  private static List<String> prepareArgs(Path chroot, int uid, int gid, Path firecracker, Path kernel, Path initrd, Path drive) {
    List<String> a = new ArrayList<>(List.of("jail", "prepare", "--chroot", chroot.toString(),
        "--uid", Integer.toString(uid), "--gid", Integer.toString(gid),
        "--firecracker", firecracker.toString(), "--kernel", kernel.toString()));
    if (initrd != null) {
      a.addAll(List.of("--initrd", initrd.toString(), "--initrd-name", "initrd"));
    }
    if (drive != null) {
      a.addAll(List.of("--drive", "rootfs=" + drive));
    }
    return a;
  }

  // ------------------------------------------------------------------ jail cleanup

  /**
   * {@code jail cleanup} of anything but {@code <jail_base>/<id>/root}: a victim's home, its
   * {@code .ssh}, look-alike layouts outside the base, a {@code ..} climbing out of it, a base
   * that only shares the prefix, the VM directory instead of its chroot, a deeper layout, an id
   * outside {@code [A-Za-z0-9-]}, and the base itself. Root mode deletes a directory wherever it
   * is; the helper serving a sudo caller must not.
   */
  @ParameterizedTest(name = "jail cleanup --chroot {0}")
  @ValueSource(strings = {
      "/home/fcother",
      "/home/fcother/.ssh",
      "/srv/other/x/root",
      "/srv/jailer/firecracker/../other/x/root",
      "/srv/jailer/firecracker2/vm1/root",
      "/srv/jailer/firecracker/vm1",
      "/srv/jailer/firecracker/a/b/root",
      "/srv/jailer/firecracker/vm.1/root",
      "/srv/jailer/firecracker",
  })
  void cleanupOutsideTheJailLayoutIsRefused(String chroot) throws Exception {
    Path target = Path.of(chroot).normalize();
    Path witness;
    if (target.startsWith(OTHER.home())) {
      witness = OTHER.home().resolve(".ssh/authorized_keys");
    } else if (Root.exists(target)) {
      witness = Root.file(target.resolve("victim-data"), "data in " + target + "\n", OTHER.uid(), OTHER.gid(), "rw-r--r--");
    } else {
      witness = SudoSandbox.victimTree(target).resolve("victim-data");
    }
    attack("jail cleanup --chroot " + chroot, "jail", "cleanup", "--chroot", chroot)
        .refusedNaming(chroot, target.toString());
    assertThat(Root.exists(witness)).as("%s", witness).isTrue();
    auditAtMostOne("jail cleanup --chroot " + chroot, "jail cleanup", chroot);
  }

  // ------------------------------------------------------------------ jail prepare

  /**
   * A source the caller cannot read, given as kernel, initrd, drive or firecracker binary: the
   * helper opens every source as the caller, so a root-only file is refused — never hard-linked
   * into a chroot the caller's VM uid owns, chowned to it, or copied. Today's root mode links
   * and chowns a private (one-link) file to the VM uid, and copies any binary root can read.
   */
  @ParameterizedTest(name = "jail prepare with a root-only {0}")
  @ValueSource(strings = {"kernel", "initrd", "drive", "firecracker"})
  void prepareWithARootOnlySourceIsRefused(String which) throws Exception {
    Path chroot = JAIL_BASE.resolve("vm1/root");
    Path secret = SudoSandbox.SECRET.resolve(switch (which) {
      case "kernel" -> "vmlinux";
      case "initrd" -> "initrd.img";
      case "drive" -> "rootfs.ext4";
      default -> "firecracker";
    });
    List<String> args = prepareArgs(chroot, DEV.uid(), DEV.gid(),
        which.equals("firecracker") ? secret : SudoSandbox.FIRECRACKER,
        which.equals("kernel") ? secret : SudoSandbox.KERNEL,
        which.equals("initrd") ? secret : SudoSandbox.INITRD,
        which.equals("drive") ? secret : SudoSandbox.ROOTFS);
    attack("jail prepare with a root-only " + which, args.toArray(String[]::new)).refusedNaming(secret.toString());
    assertThat(Root.uid(secret)).isZero();
    assertThat(Root.nlink(secret)).isEqualTo(1);
    assertThat(Root.mode(secret)).isEqualTo(0600);
    auditAtMostOne("jail prepare with a root-only " + which, "jail prepare", chroot.toString());
  }

  /**
   * A block device as a drive is made as a node in the chroot, owned by the VM uid: allowed only
   * when the caller itself can open the device read-write. A 0600 root node it cannot open is
   * refused (today's root mode makes the node, 0660, owned by the caller).
   */
  @Test
  void prepareWithABlockDeviceTheCallerCannotOpenIsRefused() throws Exception {
    Path chroot = JAIL_BASE.resolve("vm1/root");
    List<String> args = prepareArgs(chroot, DEV.uid(), DEV.gid(), SudoSandbox.FIRECRACKER, SudoSandbox.KERNEL, null,
        SudoSandbox.SECRET_BLOCK);
    attack("jail prepare with a root-only block device", args.toArray(String[]::new))
        .refusedNaming(SudoSandbox.SECRET_BLOCK.toString());
    assertThat(Root.exists(chroot.resolve("rootfs"))).isFalse();
    auditAtMostOne("jail prepare with a root-only block device", "jail prepare", chroot.toString());
  }

  /**
   * A VM uid/gid that is neither the caller's own nor in {@code vm_ids}: another user's (the
   * caller's 0600 drive would be chowned to it, the chroot given to it), root's.
   */
  @ParameterizedTest(name = "jail prepare --uid {0} --gid {1}")
  @CsvSource({"4712, 4712", "4711, 4712", "0, 0"})
  void prepareForAnIdTheCallerMayNotUseIsRefused(int uid, int gid) throws Exception {
    Path chroot = JAIL_BASE.resolve("vm1/root");
    List<String> args = prepareArgs(chroot, uid, gid, SudoSandbox.FIRECRACKER, SudoSandbox.KERNEL, SudoSandbox.INITRD,
        SudoSandbox.ROOTFS);
    String bad = uid != DEV.uid() ? Integer.toString(uid) : Integer.toString(gid);
    attack("jail prepare --uid " + uid + " --gid " + gid, args.toArray(String[]::new))
        .refusedNaming(chroot.toString(), "uid " + bad, "gid " + bad, "uid=" + bad, "gid=" + bad, " " + bad + " ");
    assertThat(Root.uid(SudoSandbox.ROOTFS)).isEqualTo(DEV.uid());
    auditAtMostOne("jail prepare --uid " + uid + " --gid " + gid, "jail prepare", chroot.toString());
  }

  // ------------------------------------------------------------------ socket chown

  /**
   * {@code socket chown} of a root-owned listening socket outside {@code socket_dir} and outside
   * any chroot: today's helper hands it to the caller (owner 4711, mode 0600).
   */
  @ParameterizedTest(name = "socket chown {0}")
  @ValueSource(strings = {"/srv/other/root.sock", "/run/fcproc-root.sock"})
  void socketChownOutsideTheSocketDirIsRefused(String path) throws Exception {
    Path sock = Path.of(path);
    Root.dir(sock.getParent(), 0, 0, "rwxr-xr-x");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      Root.own(sock, 0, 0, "rwxr-xr-x");
      HostState before = HostState.of(Path.of("/srv"), Path.of("/home"), sock);
      Outcome o = dev.fcproc("socket", "chown", path, "--uid", "4711", "--gid", "4711");
      HostState.of(Path.of("/srv"), Path.of("/home"), sock).assertSameAs(before, "socket chown " + path);
      o.refusedNaming(path);
      assertThat(Root.uid(sock)).isZero();
    } finally {
      java.nio.file.Files.deleteIfExists(sock);
    }
    auditAtMostOne("socket chown " + path, "socket chown", path);
  }

  // ------------------------------------------------------------------ sweep

  /**
   * {@code sweep} of a firecracker base the policy does not name: every {@code <id>/root} under
   * it with no live process would be reclaimed (deleted) by root mode's sweep.
   */
  @ParameterizedTest(name = "sweep --firecracker-base {0}")
  @CsvSource({"/srv/other/firecracker, /srv/other/firecracker/x/root", "/srv/jailer, /srv/jailer/x/root"})
  void sweepOfABaseOutsideThePolicyIsRefused(String base, String victim) throws Exception {
    if (!Root.exists(Path.of(victim))) {
      SudoSandbox.victimTree(Path.of(victim));
    }
    attack("sweep --firecracker-base " + base, "sweep", "--firecracker-base", base).refusedNaming(base);
    assertThat(Root.exists(Path.of(victim, "victim-data"))).isTrue();
    auditAtMostOne("sweep --firecracker-base " + base, "sweep", base);
  }

  // ------------------------------------------------------------------ vm kill

  /** Still running two seconds later: the attack did not kill it. */
  static void assertAlive(Process p, String what) throws InterruptedException {
    assertThat(p.waitFor(2, TimeUnit.SECONDS)).as("%s (pid %s) must not have been killed", what, p.pid()).isFalse();
  }

  /** {@code vm kill} of a root process by bare pid: only a VM's process, named by its API socket, may be killed. */
  @Test
  void vmKillOfABarePidIsRefused() throws Exception {
    Process victim = new ProcessBuilder("sleep", "600").start();
    started.add(victim);
    String pid = Long.toString(victim.pid());
    Outcome o = attack("vm kill --pid " + pid, "vm", "kill", "--pid", pid);
    assertAlive(victim, "root's sleep");
    o.refusedNaming(pid, "api-sock", "api_sock");
    auditAtMostOne("vm kill --pid " + pid, "vm kill", pid);
  }

  /**
   * {@code vm kill} of a root process with the API socket of a real VM of the caller, under the
   * jail base: the pid is not the process listening on that socket.
   */
  @Test
  void vmKillOfAProcessThatIsNotTheSocketsVmIsRefused() throws Exception {
    Path run = JAIL_BASE.resolve("vmk/root/run");
    for (Path d : List.of(run.getParent().getParent(), run.getParent(), run)) {
      Root.dir(d, DEV.uid(), DEV.gid(), "rwxr-xr-x");
    }
    Path sock = run.resolve("firecracker.socket");
    Process fc = dev.fakeFirecracker(sock);
    started.add(fc);
    Process victim = new ProcessBuilder("sleep", "600").start();
    started.add(victim);
    String pid = Long.toString(victim.pid());

    Outcome o = attack("vm kill --pid " + pid + " --api-sock " + sock, "vm", "kill", "--pid", pid, "--api-sock", sock.toString());
    assertAlive(victim, "root's sleep");
    assertAlive(fc, "the VM whose socket was named");
    o.refusedNaming(sock.toString(), pid);
    auditAtMostOne("vm kill of root's process with a VM's socket", "vm kill", sock.toString());
  }

  /** The helper kills only VMs under a jail base: the caller's own process, its socket in its home, is not one. */
  @Test
  void vmKillWithASocketOutsideEveryJailBaseIsRefused() throws Exception {
    Path outside = DEV.home().resolve("fc.sock");
    Process own = dev.fakeFirecracker(outside);
    started.add(own);
    String pid = Long.toString(own.pid());
    Outcome o = attack("vm kill of a VM outside the jail base", "vm", "kill", "--pid", pid, "--api-sock", outside.toString());
    assertAlive(own, "the process outside the jail base");
    o.refusedNaming(outside.toString());
    auditAtMostOne("vm kill of a VM outside the jail base", "vm kill", outside.toString());
  }

  // ------------------------------------------------------------------ bridge and TAP

  /** Only the policy's bridge ({@code bridge_name = fcbr0}) is the helper's to set up. */
  @Test
  void bridgeEnsureOfAnotherBridgeIsRefused() throws Exception {
    attack("bridge ensure --name other0", "bridge", "ensure", "--name", "other0").refusedNaming("other0");
    assertThat(Network.link("other0")).isNull();
    auditAtMostOne("bridge ensure --name other0", "bridge ensure", "other0");
  }

  /**
   * TAP names without the policy's {@code tap_prefix} ({@code fc-}), one beginning with
   * {@code -} (an option to {@code ip}), and a TAP for a uid the caller may not give a VM. The
   * policy's bridge exists, so nothing but the name or owner stands in the way.
   */
  @ParameterizedTest(name = "tap create --name={0} --uid {1}")
  @CsvSource({"evil0, 4711", "-fc-tap0, 4711", "fc-tap2, 4712"})
  void tapCreateOutsideThePolicyIsRefused(String name, int uid) throws Exception {
    Root.must("ip", "link", "add", "name", "fcbr0", "type", "bridge");
    String subject = uid == DEV.uid() ? name : Integer.toString(uid);
    attack("tap create --name=" + name + " --uid " + uid,
        "tap", "create", "--name=" + name, "--uid", Integer.toString(uid), "--gid", Integer.toString(uid))
        .refusedNaming(name, subject);
    assertThat(Network.links()).containsExactlyInAnyOrder("lo", "fcbr0");
    auditAtMostOne("tap create --name=" + name, "tap create", name);
  }
}
