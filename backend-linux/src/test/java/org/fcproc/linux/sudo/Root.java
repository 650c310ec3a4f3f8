package org.fcproc.linux.sudo;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the test JVM itself does as root inside its throwaway namespaces: run a tool
 * ({@code mount}, {@code mknod}, {@code ip}, ...) and set up files with an exact owner and mode.
 * A tool that fails fails the test with its output, so a harness step never silently does less
 * than it says.
 */
final class Root {
  private Root() {}

  /** The exit code and merged output of a command the test runs as root. */
  record Result(List<String> argv, int exit, String output) {
    boolean ok() {
      return exit == 0;
    }
  }

  static Result run(String... argv) {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p = null;
    try {
      p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError(String.join(" ", argv) + " did not finish in 60 s");
      }
      return new Result(List.of(argv), p.exitValue(), out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", argv), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      if (p != null && p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  /** Runs a command that must succeed (exit 0), and returns its output. */
  static String must(String... argv) {
    Result r = run(argv);
    if (!r.ok()) {
      throw new AssertionError("harness step `" + String.join(" ", argv) + "` exited " + r.exit() + ": " + r.output());
    }
    return r.output();
  }

  static Path dir(Path p, int uid, int gid, String mode) throws IOException {
    Files.createDirectories(p);
    return own(p, uid, gid, mode);
  }

  static Path file(Path p, String content, int uid, int gid, String mode) throws IOException {
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return own(p, uid, gid, mode);
  }

  static Path own(Path p, int uid, int gid, String mode) throws IOException {
    Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    return p;
  }

  /** Whether {@code command -v name} finds a program here. */
  static boolean has(String program) {
    return run("sh", "-c", "command -v " + program).ok();
  }

  static int uid(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }

  static int nlink(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
  }

  static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  static boolean exists(Path p) {
    return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
  }
}
