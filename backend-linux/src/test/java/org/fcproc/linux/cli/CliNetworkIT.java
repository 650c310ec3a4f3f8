package org.fcproc.linux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bridge ensure} and {@code tap create} in the test JVM's own network namespace (the
 * unshare wrapper's {@code -n}: only {@code lo} is there at first, and every link made here
 * dies with it).
 */
class CliNetworkIT {

  @BeforeEach
  void inside() {
    Kernel.assumeInside();
  }

  @AfterEach
  void removeLinks() throws Exception {
    for (String link : new String[] {"tap-cli0", "tap-cli1", "br-cli", "fcbr0"}) {
      Jar.sh("ip", "link", "del", link); // tidy for the next test; the namespace takes the rest
    }
  }

  private static String link(String name) throws Exception {
    return Jar.sh("ip", "-d", "link", "show", name);
  }

  /** Every process the tests start (the jar runs included) lives in the throwaway namespaces. */
  @Test
  void theJarRunsInTheThrowawayNamespaces() throws Exception {
    for (String ns : new String[] {"mnt", "net"}) {
      String mine = Files.readSymbolicLink(Path.of("/proc/self/ns/" + ns)).toString();
      String outer = System.getenv("FCPROC_OUTER_" + ns.toUpperCase(java.util.Locale.ROOT) + "_NS");
      assertThat(mine).isNotEqualTo(outer);
      assertThat(Jar.sh("readlink", "/proc/self/ns/" + ns)).isEqualTo("exit 0\n" + mine + "\n");
    }
    assertThat(Jar.sh("ip", "-o", "link", "show").lines().skip(1).map(l -> l.split(": ")[1]))
        .doesNotContain("fcbr0", "br-cli", "tap-cli0");
  }

  @Test
  void bridgeEnsureWithTheDefaults() throws Exception {
    assertThat(link("fcbr0")).startsWith("exit 1");
    Jar.Run r = Jar.run("bridge", "ensure", "--json").expect(0);
    assertThat(r.json()).isEqualTo(Map.of("command", "bridge ensure", "ok", true, "bridge", "fcbr0", "ip", "172.16.0.1", "cidr", "24"));
    String shown = link("fcbr0");
    assertThat(shown).startsWith("exit 0").contains("bridge forward_delay").containsPattern("<[^>]*\\bUP\\b[^>]*>");
    assertThat(Jar.sh("ip", "-4", "addr", "show", "dev", "fcbr0")).contains("inet 172.16.0.1/24");

    // Again: exists, only set up; its address is not added twice.
    Jar.run("bridge", "ensure").expect(0);
    assertThat(Jar.sh("ip", "-4", "addr", "show", "dev", "fcbr0").split("inet ", -1)).hasSize(2);
  }

  @Test
  void bridgeEnsureWithOptions() throws Exception {
    Jar.run("--mode", "root", "bridge", "ensure", "--name", "br-cli", "--ip", "10.99.0.1", "--cidr", "16").expect(0);
    assertThat(link("br-cli")).contains("bridge forward_delay");
    assertThat(Jar.sh("ip", "-4", "addr", "show", "dev", "br-cli")).contains("inet 10.99.0.1/16");
    Jar.Run bad = Jar.run("bridge", "ensure", "--name", "br-bad", "--ip", "10.0.0.300", "--json").expect(2);
    assertThat(bad.error()).containsEntry("kind", "invalid-input");
    assertThat(link("br-bad")).startsWith("exit 1");
  }

  @Test
  void tapCreate() throws Exception {
    Jar.run("bridge", "ensure", "--name", "br-cli").expect(0);
    Jar.Run r = Jar.run("tap", "create", "--name", "tap-cli0", "--bridge", "br-cli", "--uid", "4242", "--gid", "4343", "--json")
        .expect(0);
    assertThat(r.json()).isEqualTo(Map.of("command", "tap create", "ok", true, "tap", "tap-cli0", "bridge", "br-cli", "uid", 4242L, "gid", 4343L));
    String tap = link("tap-cli0");
    assertThat(tap).contains("tun type tap", "user 4242", "group 4343", "master br-cli")
        .containsPattern("<[^>]*\\bUP\\b[^>]*>");

    // Again: the stale TAP is replaced; without --uid/--gid it belongs to the caller (root).
    Jar.run("tap", "create", "--name", "tap-cli0", "--bridge", "br-cli").expect(0);
    assertThat(link("tap-cli0")).contains("tun type tap", "user root", "master br-cli");
  }

  @Test
  void tapCreateRefusesALinkThatIsNotATap() throws Exception {
    Jar.run("bridge", "ensure", "--name", "br-cli").expect(0);
    Jar.Run r = Jar.run("tap", "create", "--name", "br-cli", "--bridge", "br-cli", "--json").expect(3);
    assertThat(r.error()).containsEntry("kind", "refused").containsEntry("path", "br-cli");
    assertThat((String) r.error().get("reason")).contains("bridge");
    assertThat(link("br-cli")).contains("bridge forward_delay");
  }

  /** A TAP is made only for a bridge that is there: none is left behind for a missing bridge. */
  @Test
  void tapCreateOnAMissingBridgeFailsAndLeavesNoTap() throws Exception {
    Jar.Run r = Jar.run("tap", "create", "--name", "tap-cli1", "--bridge", "br-none", "--json").expect(1);
    assertThat((String) r.error().get("message")).contains("the bridge br-none does not exist");
    assertThat(link("tap-cli1")).as("no TAP is left behind").startsWith("exit 1").contains("does not exist");
  }
}
