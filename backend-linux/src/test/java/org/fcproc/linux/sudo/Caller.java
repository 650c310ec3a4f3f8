package org.fcproc.linux.sudo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands as a sandbox user — really that uid: {@code setpriv --reuid --regid
 * --init-groups} from the root test JVM, with a clean environment and the user's home as the
 * working directory. The commands a test needs:
 * <ul>
 *   <li>{@link #fcproc}: the command line in sudo mode, as a deployment runs it:
 *       {@code java -jar /opt/fcproc-it/fcproc.jar --mode sudo --json ...}; it calls
 *       {@code sudo -n <java> -jar <jar> --mode root --json <subcommand> ...} itself;
 *   <li>{@link #helper}: that sudo command typed by the caller directly, with whatever arguments
 *       it likes after the rule's fixed prefix (the {@code *});
 *   <li>{@link #sudo}: any other {@code sudo -n} command, to show the rule is the only right.
 * </ul>
 */
final class Caller {
  private static final long TIMEOUT_SECONDS = 120;

  private final SudoSandbox sandbox;
  private final SudoSandbox.User user;

  Caller(SudoSandbox sandbox, SudoSandbox.User user) {
    this.sandbox = sandbox;
    this.user = user;
  }

  SudoSandbox.User user() {
    return user;
  }

  /** {@code fcproc --mode sudo --json ARGS} as this user. */
  Outcome fcproc(String... args) {
    List<String> argv = new ArrayList<>(jvm());
    argv.addAll(List.of("-jar", SudoSandbox.JAR.toString(), "--mode", "sudo", "--json"));
    argv.addAll(List.of(args));
    return run(argv);
  }

  /** {@code sudo -n <java> -jar <jar> --mode root --json ARGS}: the rule, called directly. */
  Outcome helper(String... args) {
    List<String> argv = new ArrayList<>(List.of(sandbox.sudo, "-n", sandbox.java, "-jar", SudoSandbox.JAR.toString(),
        "--mode", "root", "--json"));
    argv.addAll(List.of(args));
    return run(argv);
  }

  /** {@code sudo -n ARGS}. */
  Outcome sudo(String... args) {
    List<String> argv = new ArrayList<>(List.of(sandbox.sudo, "-n"));
    argv.addAll(List.of(args));
    return run(argv);
  }

  Outcome run(List<String> argv) {
    Process p = null;
    try {
      p = builder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError(String.join(" ", argv) + " (as " + user.name() + ") did not finish in " + TIMEOUT_SECONDS + " s");
      }
      return new Outcome(argv, p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      end(p);
    }
  }

  /**
   * Starts {@code org.fcproc.linux.cli.FakeFirecracker --api-sock SOCK} as this user (from the
   * root-owned copy of its classes under {@code /opt/fcproc-it}) and waits for its "ready":
   * the socket is bound, by this uid. The caller ends it with {@link #end}.
   */
  Process fakeFirecracker(Path sock) throws IOException {
    List<String> argv = new ArrayList<>(jvm());
    argv.addAll(List.of("-cp", SudoSandbox.CLASSES.toString(), "org.fcproc.linux.cli.FakeFirecracker", "--api-sock", sock.toString()));
    Process p = builder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (IOException e) {
        return "<" + e + ">";
      }
    });
    String line;
    try {
      line = first.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      end(p);
      throw new AssertionError("the fake firecracker on " + sock + " (as " + user.name() + ") did not start: " + e, e);
    }
    if (!"ready".equals(line)) {
      end(p);
      throw new AssertionError("the fake firecracker on " + sock + " (as " + user.name() + ") said " + line);
    }
    return p;
  }

  /** The JVM and its options for this user's own Java processes (no perf data file in /tmp). */
  private List<String> jvm() {
    return List.of(sandbox.java, "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto");
  }

  private ProcessBuilder builder(List<String> argv) {
    List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + user.uid(), "--regid=" + user.gid(), "--init-groups", "--"));
    cmd.addAll(argv);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(user.home().toFile());
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    env.put("HOME", user.home().toString());
    env.put("USER", user.name());
    env.put("LOGNAME", user.name());
    env.put("LANG", "C.UTF-8");
    return pb;
  }

  /** Ends a process a test started, by its handle, and waits for it. */
  static void end(Process p) {
    if (p == null) {
      return;
    }
    if (p.isAlive()) {
      p.destroyForcibly();
    }
    try {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("process %s ended", p.pid()).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "<read failed: " + e + ">";
      }
    });
  }
}
