package org.fcproc.linux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fcproc --version} names the commit the build came from; the build's script
 * ({@code src/build/build-info.sh}) says "unknown commit" without a repository and never fails.
 */
class VersionTest {
  private static final Path SCRIPT = Path.of("src/build/build-info.sh");

  @Test
  void versionNamesTheProjectVersionAndTheCommitOfThisBuild() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"--version"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    String line = out.toString(StandardCharsets.UTF_8).strip();
    assertThat(code).isZero();
    assertThat(line).matches("fcproc \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\((commit [0-9a-f]{40}(-dirty)?|unknown commit)\\)");
    String head = git("rev-parse", "HEAD");
    if (head != null) { // built from a clone: the commit must be that of HEAD (the classes were built from it)
      assertThat(line).contains("(commit " + head);
    } else {
      assertThat(line).endsWith("(unknown commit)");
    }
  }

  @Test
  void theLineSaysWhatIsMissing() {
    Properties p = new Properties();
    assertThat(FcprocCommand.Version.line(p)).isEqualTo(
        "fcproc (version unknown: build-info.properties missing from this build) (unknown commit)");
    p.setProperty("version", "1.2.3");
    p.setProperty("commit", "unknown commit");
    assertThat(FcprocCommand.Version.line(p)).isEqualTo("fcproc 1.2.3 (unknown commit)");
    p.setProperty("commit", "0123456789abcdef0123456789abcdef01234567-dirty");
    assertThat(FcprocCommand.Version.line(p)).isEqualTo("fcproc 1.2.3 (commit 0123456789abcdef0123456789abcdef01234567-dirty)");
  }

  @Test
  void theBuildScriptSaysUnknownCommitOutsideARepositoryAndSucceeds(@TempDir Path dir) throws Exception {
    Path project = Files.createDirectory(dir.resolve("fcproc-src"));
    Path out = dir.resolve("classes/org/fcproc/linux/cli/build-info.properties");
    Process p = new ProcessBuilder("sh", SCRIPT.toAbsolutePath().toString(), project.toString(), "9.9.9", out.toString())
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    Properties props = new Properties();
    try (var in = Files.newInputStream(out)) {
      props.load(in);
    }
    assertThat(props).containsEntry("version", "9.9.9").containsEntry("commit", "unknown commit");
  }

  /** {@code git -C <project root> ...}'s output, or null when there is no git or no repository. */
  private static String git(String... args) throws InterruptedException {
    try {
      java.util.List<String> argv = new java.util.ArrayList<>(java.util.List.of("git", "-C", Path.of("..").toAbsolutePath().normalize().toString()));
      argv.addAll(java.util.List.of(args));
      Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && !text.isEmpty() ? text : null;
    } catch (IOException e) {
      return null;
    }
  }
}
