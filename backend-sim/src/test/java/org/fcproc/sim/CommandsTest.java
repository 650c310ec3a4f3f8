package org.fcproc.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.fcproc.host.CommandResult;
import org.fcproc.host.HostOps;
import org.fcproc.host.LinkInfo;
import org.junit.jupiter.api.Test;

/** The interpreted commands. */
class CommandsTest {
  private final SimHost host = SimHost.create();
  private final HostOps user = host.as(1000, 1000);

  private CommandResult run(HostOps h, String... argv) throws Exception {
    return h.run(List.of(argv));
  }

  @Test
  void bridgeLifecycle() throws Exception {
    CommandResult missing = run(host, "ip", "link", "show", "fcbr0");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.stderr()).isEqualTo("Device \"fcbr0\" does not exist.\n");
    assertThat(run(host, "ip", "link", "add", "name", "fcbr0", "type", "bridge").exitCode()).isZero();
    assertThat(run(host, "ip", "addr", "add", "172.16.0.1/24", "dev", "fcbr0").exitCode()).isZero();
    CommandResult again = run(host, "ip", "addr", "add", "172.16.0.1/24", "dev", "fcbr0");
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.stderr()).isEqualTo("RTNETLINK answers: File exists\n");
    assertThat(run(host, "ip", "link", "set", "fcbr0", "up").exitCode()).isZero();
    assertThat(run(host, "ip", "link", "show", "fcbr0").stdout()).contains("fcbr0").contains("state UP");
    LinkInfo br = host.link("fcbr0").orElseThrow();
    assertThat(br.kind()).isEqualTo(LinkInfo.Kind.BRIDGE);
    assertThat(br.up()).isTrue();
    assertThat(br.addresses()).containsExactly("172.16.0.1/24");
  }

  @Test
  void tapOwnedAndEnslaved() throws Exception {
    host.addLink("br0", LinkInfo.Kind.BRIDGE);
    host.addLink("veth0", LinkInfo.Kind.VETH);
    assertThat(run(user, "sudo", "ip", "tuntap", "add", "dev", "tap0", "mode", "tap", "user", "1000", "group", "1000")
        .exitCode()).isZero();
    assertThat(run(host, "ip", "tuntap", "add", "dev", "tap0", "mode", "tap", "user", "1", "group", "1").exitCode())
        .isEqualTo(1);
    assertThat(run(host, "ip", "link", "set", "tap0", "master", "br0").exitCode()).isZero();
    assertThat(run(host, "ip", "link", "set", "tap0", "master", "veth0").exitCode()).isNotZero();
    LinkInfo tap = host.link("tap0").orElseThrow();
    assertThat(tap.kind()).isEqualTo(LinkInfo.Kind.TAP);
    assertThat(tap.owner()).hasValue(1000);
    assertThat(tap.master()).isEqualTo("br0");
    assertThat(run(host, "ip", "link", "del", "tap0").exitCode()).isZero();
    assertThat(host.links()).extracting(LinkInfo::name).containsExactly("br0", "lo", "veth0");
  }

  @Test
  void linkChangesWithoutSudoAreRefusedForAUser() throws Exception {
    CommandResult r = run(user, "ip", "link", "add", "name", "evil", "type", "bridge");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).isEqualTo("RTNETLINK answers: Operation not permitted\n");
    assertThat(host.link("evil")).isEmpty();
  }

  @Test
  void unknownCommandsExit127() throws Exception {
    CommandResult r = run(host, "rm", "-rf", "/");
    assertThat(r.exitCode()).isEqualTo(127);
    assertThat(r.stderr()).contains("command not found");
  }

  @Test
  void sudoChmodFollowsASymlinkAndChownDashHDoesNot() throws Exception {
    host.writeFile("/etc/shadow", "s", 0600, 0, 0);
    host.mkdirs("/run/fc", 0755, 1000, 1000);
    host.symlink("/run/fc/api.sock", "/etc/shadow", 1000, 1000);
    assertThat(run(user, "chmod", "600", "/run/fc/api.sock").exitCode()).isEqualTo(1);
    assertThat(run(user, "sudo", "chmod", "644", "/run/fc/api.sock").exitCode()).isZero();
    assertThat(run(user, "sudo", "chown", "-h", "1000:1000", "/run/fc/api.sock").exitCode()).isZero();
    assertThat(host.inspect("/etc/shadow").orElseThrow().mode()).isEqualTo(0644);
    assertThat(host.inspect("/etc/shadow").orElseThrow().uid()).isZero();
    CommandResult missing = run(host, "chmod", "600", "/nope");
    assertThat(missing.stderr()).isEqualTo("chmod: cannot access '/nope': No such file or directory\n");
  }
}
