package org.fcproc.linux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in-process, on paths that never reach the host: help, usage errors, exit codes. */
class MainTest {
  record Run(int exit, String out, String err) {
    Map<String, Object> json() {
      assertThat(out.strip().lines().count()).as("one line on stdout: %s", out).isEqualTo(1);
      return MiniJson.object(out);
    }
  }

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpDocumentsExitCodesDefaultsAndTheSweep() {
    Run r = run("--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains("Exit codes:", "0  done", "1  failed", "2  usage", "3  refused for safety")
        .contains("bridge_name     = fcbr0", "bridge_ip       = 172.16.0.1", "cidr            = 24",
            "runtime_dir     = /run/fcproc", "firecracker_bin = firecracker")
        .contains("fcproc sweep (the orphan sweep, root)", "--dry-run only lists", "TAPs only with")
        .contains("privileged helper", "/etc/fcproc/helper.conf", "One sudoers rule")
        .contains("bridge", "tap", "binary", "socket-dir", "socket", "vm", "jail", "policy");
    assertThat(run("jail", "prepare", "--help").out()).contains("--drive=NAME=PATH", "--vsock", "--kernel-name");
    assertThat(run("vm", "shutdown", "--help").out()).contains("--kill", "--timeout=DURATION");
  }

  @Test
  void usageErrorsExit2AndSayWhy() {
    Run r = run("vm", "pid");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("fcproc: Missing required option: '--api-sock=PATH'", "fcproc vm pid --help");

    assertThat(run("frobnicate").exit()).isEqualTo(2);
    assertThat(run("vm").err()).contains("missing subcommand: fcproc vm <pid|shutdown|wait|kill>");
    assertThat(run("--mode", "yes", "sweep").err()).contains("--mode");
    assertThat(run("vm", "wait", "--pid", "x", "--api-sock", "/a").exit()).isEqualTo(2);
  }

  @Test
  void usageErrorsInJsonAreOneObject() {
    Map<String, Object> j = run("vm", "shutdown", "--api-sock", "/run/x.sock", "--timeout", "5h", "--json").json();
    assertThat(j).containsEntry("command", "vm shutdown").containsEntry("ok", false).containsEntry("exit", 2L);
    @SuppressWarnings("unchecked")
    Map<String, Object> error = (Map<String, Object>) j.get("error");
    assertThat(error).containsEntry("kind", "usage");
    assertThat((String) error.get("message")).contains("'5h' is not a duration", "500ms, 5s, 2m");
  }

  @Test
  void uidWithoutGidIsAUsageErrorBeforeAnythingIsTouched() {
    Run r = run("--json", "tap", "create", "--name", "tap0", "--uid", "1000");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.json()).containsEntry("command", "tap create");
    assertThat(r.err()).contains("--uid and --gid go together");
    assertThat(run("socket", "chown", "/run/x.sock", "--gid", "1").exit()).isEqualTo(2);
  }

  @Test
  void initrdNameNeedsInitrd() {
    Run r = run("jail", "prepare", "--chroot", "/srv/jail/fc/vm1/root", "--uid", "1", "--gid", "1",
        "--firecracker", "/usr/bin/firecracker", "--kernel", "/k/vmlinux", "--initrd-name", "initrd");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--initrd-name needs --initrd");
  }

  @Test
  void badConfigFileIsAUsageError(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("fcproc.conf");
    Files.writeString(conf, "bridge_name = br0\nfirecracker = /x\n");
    Run r = run("binary", "resolve", "--config", conf.toString(), "--json");
    assertThat(r.exit()).isEqualTo(2);
    @SuppressWarnings("unchecked")
    Map<String, Object> error = (Map<String, Object>) r.json().get("error");
    assertThat((String) error.get("message")).contains(conf + " line 2", "unknown key \"firecracker\"");
    assertThat(run("binary", "resolve", "--config", dir.resolve("missing.conf").toString()).exit()).isEqualTo(2);
  }

  @Test
  void sweepChecksItsInputBeforeTouchingTheHost() {
    Run r = run("sweep", "--dry-run", "--firecracker-base", "srv/jail/firecracker");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("firecracker base", "is not absolute");
    Map<String, Object> j = run("sweep", "--json", "--firecracker-base", "/firecracker").json();
    assertThat(j).containsEntry("command", "sweep").containsEntry("ok", false).containsEntry("exit", 2L);
    @SuppressWarnings("unchecked")
    Map<String, Object> error = (Map<String, Object>) j.get("error");
    assertThat(error).containsEntry("kind", "invalid-input");
    assertThat(run("sweep", "--firecracker-base", "/srv/jail/../firecracker").exit()).isEqualTo(2);
    assertThat(run("sweep", "--help").out()).contains("--dry-run", "--firecracker-base=DIR", "--runtime-dir=DIR",
        "/srv/jailer/firecracker", "\"refused\"");
  }

  @Test
  void jsonFlagIsSeenEvenWhenParsingFails() {
    assertThat(Main.jsonRequested(new String[] {"vm", "--json", "--bogus"})).isTrue();
    assertThat(Main.jsonRequested(new String[] {"socket", "chown", "--", "--json"})).isFalse();
    assertThat(run("vm", "pid", "--bogus", "--json").json()).containsEntry("exit", 2L);
  }
}
