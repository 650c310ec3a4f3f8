package org.fcproc.linux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the production jar, {@code java -jar target/fcproc.jar ...}, as a separate process (it
 * inherits this JVM's namespaces), and a helper process from the test classes. Every process
 * is ended by its own handle and waited for.
 */
final class Jar {
  static final Path JAR = Path.of(System.getProperty("fcproc.jar", "target/fcproc.jar"));
  static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final long TIMEOUT_SECONDS = 60;

  private Jar() {}

  record Run(List<String> args, int exit, String out, String err) {
    Map<String, Object> json() {
      assertThat(out.strip().lines().count()).as("exactly one line on stdout for %s: %s / stderr %s", args, out, err)
          .isEqualTo(1);
      return MiniJson.object(out);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> error() {
      return (Map<String, Object>) json().get("error");
    }

    Run expect(int code) {
      assertThat(exit).as("exit code of fcproc %s%nstdout: %s%nstderr: %s", String.join(" ", args), out, err)
          .isEqualTo(code);
      return this;
    }
  }

  static void assumeBuilt() {
    assertThat(JAR).as("the shaded jar (mvn package builds it before the *IT tests)").isRegularFile();
  }

  static Run run(String... args) {
    return run(Map.of(), args);
  }

  static Run run(Map<String, String> env, String... args) {
    return runWith(List.of(), env, args);
  }

  /** {@code prefix} runs first, e.g. {@code setpriv --reuid ...} to run the jar as another user. */
  static Run runWith(List<String> prefix, Map<String, String> env, String... args) {
    assumeBuilt();
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(List.of(JAVA, "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(env);
    Process p = null;
    try {
      p = pb.start();
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("fcproc " + String.join(" ", args) + " did not finish in " + TIMEOUT_SECONDS + " s");
      }
      return new Run(List.of(args), p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      end(p);
    }
  }

  /** Starts a class of the test classes in its own JVM. */
  static Process startTestClass(Class<?> main, String... args) throws IOException {
    String classes = System.getProperty("fcproc.test.classes");
    if (classes == null) {
      classes = Path.of(main.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
    }
    List<String> cmd = new ArrayList<>(List.of(JAVA, "-XX:TieredStopAtLevel=1", "-cp", classes, main.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  /** Ends a process this test started, by its handle, and waits for it. */
  static void end(Process p) {
    if (p == null) {
      return;
    }
    if (p.isAlive()) {
      p.destroyForcibly();
    }
    try {
      p.waitFor(30, TimeUnit.SECONDS);
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

  static String sh(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError(String.join(" ", cmd) + " did not finish");
      }
      return "exit " + p.exitValue() + "\n" + out;
    } finally {
      end(p);
    }
  }

  static boolean exists(Path p) {
    return Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }
}
