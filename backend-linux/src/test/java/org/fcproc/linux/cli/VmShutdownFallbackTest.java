package org.fcproc.linux.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.fcproc.ApiException;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.sim.ApiMode;
import org.fcproc.sim.GuestBehaviour;
import org.fcproc.sim.SimHost;
import org.junit.jupiter.api.Test;

/**
 * {@code fcproc --json vm shutdown} in-process on a simulated host whose fake Firecracker refuses
 * or stalls the way the real one does: the error carries the API's status and fault_message, and
 * with {@code --kill} a VM that cannot be sent Ctrl-Alt-Del is killed at once, saying why.
 */
class VmShutdownFallbackTest {
  private static final String SOCK = "/run/fcproc/vm1.sock";
  private static final String CTRL_ALT_DEL = "PUT /actions {\"action_type\":\"SendCtrlAltDel\"}";

  private final SimHost host = SimHost.create();
  private final int fc;

  VmShutdownFallbackTest() {
    host.mkdirs("/run/fcproc", 0711, 0, 0);
    fc = host.spawnFirecracker(SOCK, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
  }

  private record Run(int exit, Map<String, Object> json, String err) {
    @SuppressWarnings("unchecked")
    Map<String, Object> error() {
      return (Map<String, Object>) json.get("error");
    }
  }

  private Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(host, args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    String o = out.toString(StandardCharsets.UTF_8);
    assertThat(o.strip().lines().count()).as("one line on stdout: %s / stderr %s", o, err).isEqualTo(1);
    return new Run(code, MiniJson.object(o), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void withoutKillTheUnsupportedAnswerIsTheErrorWithStatusAndFaultMessage() {
    host.setApiMode(fc, ApiMode.AARCH64);
    Run r = run("--json", "vm", "shutdown", "--api-sock", SOCK);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.error()).containsEntry("kind", "api").containsEntry("status", 400L)
        .containsEntry("fault_message", "SendCtrlAltDel does not supported on aarch64.")
        .containsEntry("api_error", "unsupported").containsEntry("method", "PUT")
        .containsEntry("request_path", "/actions").containsEntry("api_sock", SOCK);
    assertThat((String) r.error().get("message")).contains(SOCK, "answered 400");
    assertThat(host.isRunning(fc)).as("nothing killed without --kill").isTrue();
  }

  @Test
  void withKillTheUnsupportedAnswerFallsBackToTheSafeKill() {
    host.setApiMode(fc, ApiMode.AARCH64);
    Run r = run("--json", "vm", "shutdown", "--api-sock", SOCK, "--kill");
    assertThat(r.exit()).isZero();
    assertThat(r.json()).containsEntry("ok", true).containsEntry("pid", (long) fc).containsEntry("killed", true)
        .containsEntry("exited", false).containsEntry("fallback", "kill").containsEntry("status", 400L)
        .containsEntry("api_error", "unsupported")
        .containsEntry("fault_message", "SendCtrlAltDel does not supported on aarch64.");
    assertThat((String) r.json().get("reason")).contains("firecracker answered 400 (unsupported)");
    assertThat(host.isRunning(fc)).isFalse();
    assertThat(host.apiRequests(fc)).containsExactly(CTRL_ALT_DEL);
  }

  @Test
  void withKillAVmNeverStartedIsKilledAtOnce() {
    host.setApiMode(fc, ApiMode.NOT_BOOTED);
    long before = host.nanoTime();
    Run r = run("--json", "vm", "shutdown", "--api-sock", SOCK, "--kill", "--timeout", "10s");
    assertThat(r.exit()).isZero();
    assertThat(r.json()).containsEntry("fallback", "kill").containsEntry("api_error", "not-booted");
    assertThat(host.nanoTime() - before).as("no wait for a guest that does not exist").isLessThan(Duration.ofSeconds(1).toNanos());
    assertThat(host.isRunning(fc)).isFalse();
  }

  @Test
  void tooManyConnectionsIsAnErrorEvenWithKill() {
    host.setApiMode(fc, ApiMode.FULL);
    Run r = run("--json", "vm", "shutdown", "--api-sock", SOCK, "--kill");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.error()).containsEntry("kind", "api").containsEntry("status", 503L).containsEntry("fault_message", null)
        .containsEntry("api_error", "too-many-connections").containsEntry("api_sock", SOCK);
    assertThat(host.isRunning(fc)).as("a busy API is no reason to kill").isTrue();
  }

  @Test
  void aSilentApiIsATimeoutNamingThePhase() {
    host.setApiMode(fc, ApiMode.SILENT);
    Run r = run("--json", "vm", "shutdown", "--api-sock", SOCK, "--kill");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.error()).containsEntry("kind", "api-timeout").containsEntry("phase", "read")
        .containsEntry("api_sock", SOCK).containsEntry("request_path", "/actions").containsEntry("timeout_ms", 5000L);
    assertThat(r.err()).contains("timed out in read", SOCK);
    assertThat(host.isRunning(fc)).isTrue();
  }

  @Test
  void onAarch64WithKillTheRequestIsNotEvenSent() throws Exception {
    Fcproc fcproc = Fcproc.create(host, new Config("/usr/bin/firecracker", "fcbr0", "172.16.0.1", "24", "/run/fcproc"));
    Result r = VmCommands.shutdown(fcproc, SOCK, Duration.ofSeconds(10), true, "aarch64");
    assertThat(r.fields()).containsEntry("fallback", "kill").containsEntry("killed", true).doesNotContainKey("status");
    assertThat((String) r.fields().get("reason")).contains("os.arch is aarch64", "x86_64 only");
    assertThat(r.text()).contains("pid " + fc, "killed (SIGKILL)");
    assertThat(host.apiRequests(fc)).isEmpty();
    assertThat(host.isRunning(fc)).isFalse();
  }

  @Test
  void onAarch64WithoutKillTheRequestIsSentAndItsRefusalIsTheError() throws Exception {
    host.setApiMode(fc, ApiMode.AARCH64);
    Fcproc fcproc = Fcproc.create(host, new Config("/usr/bin/firecracker", "fcbr0", "172.16.0.1", "24", "/run/fcproc"));
    assertThatThrownBy(() -> VmCommands.shutdown(fcproc, SOCK, Duration.ofSeconds(10), false, "aarch64"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.fault()).isEqualTo(ApiException.Fault.UNSUPPORTED));
    assertThat(host.apiRequests(fc)).containsExactly(CTRL_ALT_DEL);
    assertThat(host.isRunning(fc)).isTrue();
  }

  @Test
  void onlyAarch64LacksCtrlAltDel() {
    assertThat(VmCommands.withoutCtrlAltDel("aarch64")).isTrue();
    assertThat(VmCommands.withoutCtrlAltDel("amd64")).isFalse();
    assertThat(VmCommands.withoutCtrlAltDel("x86_64")).isFalse();
  }

  @Test
  void onX86WithKillAnObedientGuestStillShutsDownByItself() throws Exception {
    Fcproc fcproc = Fcproc.create(host, new Config("/usr/bin/firecracker", "fcbr0", "172.16.0.1", "24", "/run/fcproc"));
    Result r = VmCommands.shutdown(fcproc, SOCK, Duration.ofSeconds(10), true, "amd64");
    assertThat(r.fields()).containsEntry("exited", true).containsEntry("killed", false).doesNotContainKey("fallback");
    assertThat(host.apiRequests(fc)).containsExactly(CTRL_ALT_DEL);
  }
}
