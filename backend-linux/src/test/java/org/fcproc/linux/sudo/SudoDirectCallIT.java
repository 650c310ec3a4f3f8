package org.fcproc.linux.sudo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fcproc.linux.sudo.SudoSandbox.DEV;
import static org.fcproc.linux.sudo.SudoSandbox.OTHER;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The caller skips fcproc's own command line and types the sudo command itself:
 * {@code sudo -n <java> -jar <jar> --mode root --json <anything>} — the rule's {@code *} lets it
 * add whatever it likes after the fixed prefix. Hostile global options ({@code --config} of a
 * file only root may read, a second {@code --mode}, an {@code @file} argument) must be rejected
 * without reading or echoing the file, and an ordinary subcommand is judged by the policy exactly
 * as when fcproc's command line sends it, with one audit line.
 */
class SudoDirectCallIT extends SandboxedCallerTest {

  private Outcome attack(String what, String... args) {
    HostState before = host();
    Outcome o = dev.helper(args);
    host().assertSameAs(before, what + " (" + o.describe() + ")");
    return o;
  }

  /** No line of {@code file} (read here as root) appears in what the command printed. */
  private static void leaksNothingOf(Path file, Outcome o) throws Exception {
    for (String line : Files.readAllLines(file)) {
      if (line.strip().length() >= 8) {
        assertThat(o.out() + o.err()).as("%s must not show %s", o.describe(), file).doesNotContain(line.strip());
      }
    }
  }

  @Test
  void configOfShadowIsRejectedUnread() throws Exception {
    Outcome o = attack("--config /etc/shadow", "--config", "/etc/shadow", "jail", "cleanup", "--chroot=" + OTHER.home());
    o.rejected();
    leaksNothingOf(Path.of("/etc/shadow"), o);
    assertThat(Root.exists(OTHER.home().resolve(".ssh/authorized_keys"))).isTrue();
  }

  @Test
  void aSecondModeIsRejected() throws Exception {
    attack("--mode root twice", "--mode", "root", "jail", "cleanup", "--chroot=" + OTHER.home()).rejected();
    attack("--mode sudo after --mode root", "--mode", "sudo", "jail", "cleanup", "--chroot=" + OTHER.home()).rejected();
    assertThat(Root.exists(OTHER.home().resolve(".ssh/authorized_keys"))).isTrue();
  }

  /** A root-only file named where an argument file or a config file would be read: never read, never shown. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"@/srv/secret/token", "--config=/srv/secret/token", "--chroot=@/srv/secret/token"})
  void aRootOnlyFileInTheArgumentsIsNeverRead(String hostile) throws Exception {
    String[] args = switch (hostile) {
      case "--chroot=@/srv/secret/token" -> new String[] {"jail", "cleanup", hostile};
      case "--config=/srv/secret/token" -> new String[] {hostile, "sweep"};
      default -> new String[] {hostile};
    };
    Outcome o = attack(hostile, args);
    o.rejected();
    leaksNothingOf(SudoSandbox.SECRET_TOKEN, o);
    assertThat(o.out() + o.err()).doesNotContain("SECRET-TOKEN");
  }

  /** The helper applies its policy whoever wrote the arguments, and audits the refusal. */
  @Test
  void cleanupOfAVictimsHomeTypedDirectlyIsRefusedAndAudited() throws Exception {
    String home = OTHER.home().toString();
    attack("jail cleanup of fcother's home, typed directly", "jail", "cleanup", "--chroot=" + home).refusedNaming(home);
    assertThat(Root.exists(OTHER.home().resolve(".ssh/authorized_keys"))).isTrue();
    AuditLines.assertOne(sandbox.audit().takeUntilMark(), "jail cleanup of fcother's home", DEV.uid(), "jail cleanup", home,
        "refused", "invalid");
  }

  @Test
  void prepareWithARootOnlyKernelTypedDirectlyIsRefusedAndAudited() throws Exception {
    Path chroot = SudoSandbox.JAIL_BASE.resolve("vm1/root");
    Path secret = SudoSandbox.SECRET.resolve("vmlinux");
    attack("jail prepare with root's kernel, typed directly", "jail", "prepare", "--chroot=" + chroot,
        "--uid=4711", "--gid=4711", "--firecracker=" + SudoSandbox.FIRECRACKER, "--kernel=" + secret)
        .refusedNaming(secret.toString());
    assertThat(Root.nlink(secret)).isEqualTo(1);
    assertThat(Root.uid(secret)).isZero();
    AuditLines.assertOne(sandbox.audit().takeUntilMark(), "jail prepare with root's kernel", DEV.uid(), "jail prepare",
        chroot.toString(), "refused", "invalid");
  }

  @Test
  void killOfARootProcessTypedDirectlyIsRefusedAndAudited() throws Exception {
    Process victim = new ProcessBuilder("sleep", "600").start();
    started.add(victim);
    String pid = Long.toString(victim.pid());
    Outcome o = attack("vm kill --pid " + pid + ", typed directly", "vm", "kill", "--pid=" + pid);
    SudoRefusalIT.assertAlive(victim, "root's sleep");
    o.refusedNaming(pid, "api-sock", "api_sock");
    List<String> lines = sandbox.audit().takeUntilMark();
    assertThat(lines).as("audit of the refused kill").hasSize(1);
    assertThat(lines.get(0)).contains("caller_uid=4711", "vm kill").containsPattern("\\b(refused|invalid)\\b");
  }
}
