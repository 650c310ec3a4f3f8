package org.fcproc.linux.sudo;

import static org.fcproc.linux.sudo.SudoSandbox.DEV;
import static org.fcproc.linux.sudo.SudoSandbox.JAIL_BASE;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The policy is trusted only when nobody but root can have written it: {@code helper.conf} and
 * every directory above it root-owned and not group- or other-writable. Otherwise every
 * privileged command the caller asks for — each one the policy would grant — is refused, exit 3,
 * naming the file, and the host is left as it was.
 */
class SudoPolicyIT extends SandboxedCallerTest {

  /** How the policy is made untrustworthy. */
  enum Insecurity {
    FILE_GROUP_WRITABLE {
      @Override
      void apply() throws Exception {
        Root.own(SudoSandbox.POLICY, 0, 0, "rw-rw-r--");
      }
    },
    FILE_OWNED_BY_THE_CALLER {
      @Override
      void apply() throws Exception {
        Root.own(SudoSandbox.POLICY, DEV.uid(), DEV.gid(), "rw-r--r--");
      }
    },
    DIRECTORY_WRITABLE_BY_THE_CALLER {
      @Override
      void apply() throws Exception {
        Root.own(SudoSandbox.POLICY_DIR, DEV.uid(), DEV.gid(), "rwxr-xr-x");
      }
    },
    DIRECTORY_OTHER_WRITABLE {
      @Override
      void apply() throws Exception {
        Root.own(SudoSandbox.POLICY_DIR, 0, 0, "rwxrwxrwx");
      }
    };

    abstract void apply() throws Exception;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Insecurity.class)
  void everyPrivilegedCommandIsRefusedNamingThePolicy(Insecurity insecurity) throws Exception {
    // What the policy would grant: the caller's running VM (vmp), a stale chroot (vmq), a new one (vmr).
    Path vmp = JAIL_BASE.resolve("vmp/root");
    for (Path d : List.of(vmp.getParent(), vmp, vmp.resolve("run"))) {
      Root.dir(d, DEV.uid(), DEV.gid(), "rwxr-xr-x");
    }
    Path sock = vmp.resolve("run/firecracker.socket");
    Process fc = dev.fakeFirecracker(sock);
    started.add(fc);
    Path vmq = JAIL_BASE.resolve("vmq/root");
    Root.dir(vmq.getParent(), DEV.uid(), DEV.gid(), "rwxr-xr-x");
    Root.dir(vmq, DEV.uid(), DEV.gid(), "rwxr-xr-x");
    Root.file(vmq.resolve("leftover"), "a stale VM's file\n", DEV.uid(), DEV.gid(), "rw-r--r--");
    Path vmr = JAIL_BASE.resolve("vmr/root");
    insecurity.apply();

    List<String[]> commands = List.of(
        new String[] {"jail", "prepare", "--chroot", vmr.toString(), "--uid", "4711", "--gid", "4711",
            "--firecracker", SudoSandbox.FIRECRACKER.toString(), "--kernel", SudoSandbox.KERNEL.toString()},
        new String[] {"jail", "cleanup", "--chroot", vmq.toString()},
        new String[] {"socket", "chown", sock.toString(), "--uid", "4711", "--gid", "4711"},
        new String[] {"sweep", "--firecracker-base", JAIL_BASE.toString()},
        new String[] {"bridge", "ensure"},
        new String[] {"tap", "create", "--name", "fc-tap0", "--uid", "4711", "--gid", "4711"},
        new String[] {"vm", "kill", "--pid", Long.toString(fc.pid()), "--api-sock", sock.toString()});
    HostState before = HostState.of(Path.of("/srv"), Path.of("/home"), SudoSandbox.SOCKET_DIR, SudoSandbox.POLICY_DIR);
    List<String> wrong = new ArrayList<>();
    for (String[] c : commands) {
      Outcome o = dev.fcproc(c);
      String message = o.exit() == 3 ? String.valueOf(o.error()) : "";
      if (o.exit() != 3 || !message.contains(SudoSandbox.POLICY_DIR.toString())) {
        wrong.add(o.describe());
      }
    }
    HostState after = HostState.of(Path.of("/srv"), Path.of("/home"), SudoSandbox.SOCKET_DIR, SudoSandbox.POLICY_DIR);
    SoftAssertions soft = new SoftAssertions();
    soft.check(() -> after.assertSameAs(before, "privileged commands with an untrustworthy policy (" + insecurity + ")"));
    soft.check(() -> SudoRefusalIT.assertAlive(fc, "the VM"));
    soft.assertThat(wrong).as("commands not refused (exit 3, naming %s) with the policy %s", SudoSandbox.POLICY, insecurity)
        .isEmpty();
    soft.assertAll();
  }
}
