package org.fcproc.linux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.fcproc.sim.SimHost;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The command line in-process on a simulated root host: input that can only be wrong is refused
 * with exit 2 before the host is touched or waited on (the host's journal shows no call but
 * who-am-I reads, and its virtual clock does not move), and a directory named as the firecracker binary is reported as
 * one, with the path, the call and the reason.
 */
class InputBeforeTouchTest {
  /** What the command line may ask before it parses its input: nothing on a file, no wait. */
  private static final Set<String> READS_OF_THE_PROCESS = Set.of("nanoTime", "getenv", "credentials");

  private SimHost host;

  record Run(int exit, String out, String err) {
    @SuppressWarnings("unchecked")
    Map<String, Object> error() {
      return (Map<String, Object>) MiniJson.object(out).get("error");
    }
  }

  @BeforeEach
  void setUp() {
    host = SimHost.create();
    host.mkdirs("/run/fcproc", 0711, 0, 0);
    host.mkdirs("/opt/firecracker", 0755, 0, 0);
    host.mkdirs("/usr/bin");
    host.writeFile("/usr/bin/firecracker", "\u007fELF fake firecracker\n", 0755, 0, 0);
  }

  private Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(host, args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Runs {@code args}, expecting a usage error (exit 2) and no host call and no time spent. */
  private Run refusedUntouched(String... args) {
    int calls = host.journal().size();
    long before = host.nanoTime();
    Run r = run(args);
    assertThat(r.exit()).as("exit of %s: %s", String.join(" ", args), r.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(host.journal().subList(calls, host.journal().size())).as("host calls but who am I and what time is it")
        .allMatch(e -> READS_OF_THE_PROCESS.contains(e.call()));
    assertThat(host.nanoTime() - before).as("nanoseconds waited").isZero();
    return r;
  }

  @Test
  void aRelativeFirecrackerBinIsAUsageError() {
    Run r = refusedUntouched("--json", "binary", "resolve", "--firecracker-bin", "relative/path");
    assertThat(r.error()).containsEntry("kind", "invalid-input").containsEntry("field", "firecracker binary");
    assertThat(r.err()).contains("\"relative/path\"", "relative path");
    refusedUntouched("binary", "resolve", "--firecracker-bin", "./firecracker");
    refusedUntouched("binary", "resolve", "--firecracker-bin", "/usr/bin/../bin/firecracker");
    assertThat(refusedUntouched("binary", "resolve", "--firecracker-bin", "").err()).contains("is empty");
  }

  @Test
  void aBareNameAndAnAbsolutePathStillResolve() {
    Run r = run("binary", "resolve", "--firecracker-bin", "/usr/bin/firecracker");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().strip()).isEqualTo("/usr/bin/firecracker");
    Run bare = run("binary", "resolve", "--firecracker-bin", "firecracker");
    assertThat(bare.exit()).as(bare.err()).isZero();
    assertThat(bare.out().strip()).isEqualTo("/usr/bin/firecracker");
  }

  @Test
  void aDirectoryAsTheBinaryIsReportedAsADirectory() {
    Run r = run("--json", "binary", "resolve", "--firecracker-bin", "/opt/firecracker");
    assertThat(r.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(r.error()).containsEntry("kind", "host-call").containsEntry("call", "stat")
        .containsEntry("errno", "EISDIR").containsEntry("path", "/opt/firecracker");
    assertThat(r.err()).contains("/opt/firecracker is a directory", "stat /opt/firecracker: EISDIR")
        .doesNotContain("ENOENT");
  }

  @Test
  void anEmptyChrootIsAUsageErrorOnTheCommandLine() {
    Run r = refusedUntouched("--json", "jail", "cleanup", "--chroot", "");
    assertThat(r.error()).containsEntry("kind", "usage");
    assertThat(r.err()).contains("--chroot is empty");
  }

  @Test
  void anEmptyTapPrefixIsAUsageErrorAndOmittingItSweepsNoTaps() {
    Run r = refusedUntouched("--json", "sweep", "--dry-run", "--firecracker-base", "/srv/jailer/firecracker",
        "--tap-prefix", "");
    assertThat(r.error()).containsEntry("kind", "usage");
    assertThat(r.err()).contains("--tap-prefix is empty");
    host.mkdirs("/srv/jailer/firecracker", 0711, 0, 0);
    Run omitted = run("sweep", "--dry-run", "--firecracker-base", "/srv/jailer/firecracker");
    assertThat(omitted.exit()).as(omitted.err()).isZero();
    assertThat(host.journal()).noneMatch(e -> e.args().contains("tap") || e.call().contains("link"));
  }

  @Test
  void aSocketPathTooLongForSunPathIsRefusedBeforeAnyWait() {
    String tooLong = "/run/fcproc/" + "s".repeat(210 - "/run/fcproc/".length());
    assertThat(tooLong.length()).isEqualTo(210);
    Run r = refusedUntouched("--json", "socket", "chown", "--timeout", "5s", "--uid", "1000", "--gid", "1000", tooLong);
    assertThat(r.error()).containsEntry("kind", "invalid-input").containsEntry("field", "socket path");
    assertThat(r.err()).contains("210 bytes", "107");
    // Without --timeout, a later bad path must not wait for the first one (core's 5 s) either.
    refusedUntouched("socket", "chown", "--uid", "1000", "--gid", "1000", "/run/fcproc/vm1.sock", tooLong);
    refusedUntouched("socket", "chown", "--async", "--timeout", "5s", "/run/fcproc/vm1.sock", "relative.sock");
  }

  @Test
  void aNegativeIdIsRefusedBeforeAnyWait() {
    Run r = refusedUntouched("--json", "socket", "chown", "--timeout", "5s", "--uid", "-1", "--gid", "1000",
        "/run/fcproc/vm1.sock");
    assertThat(r.error()).containsEntry("kind", "invalid-input").containsEntry("field", "uid");
    assertThat(r.err()).contains("-1 is negative");
    refusedUntouched("socket", "chown", "--uid", "1000", "--gid", "-5", "/run/fcproc/vm1.sock");
    refusedUntouched("tap", "create", "--name", "fc-tap0", "--uid", "-1", "--gid", "0");
  }
}
