package org.fcproc.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library as an application meets it: a small program ({@code embedding/Embed.java}, in the
 * test resources) compiled with javax.tools against what Maven gives a consumer of
 * fcproc-backend-sim (its classes and its compile and runtime dependencies, written by the
 * dependency plugin to {@code target/embedding-classpath.txt}; no test class, no test
 * dependency), then run in its own JVM. It must stage and clean up a chroot on the standard
 * simulated host and print OK; with the application's logging at INFO, fcproc must say nothing
 * (routine steps are DEBUG), and at DEBUG it must narrate them.
 */
class EmbeddingTest {
  @TempDir static Path work;
  static String classpath;

  @BeforeAll
  static void compile() throws IOException {
    Path listed = Path.of("target", "embedding-classpath.txt");
    assertThat(listed).as("written by the dependency plugin at generate-test-resources").exists();
    List<String> entries = new ArrayList<>();
    entries.add(Path.of("target", "classes").toAbsolutePath().toString());
    entries.addAll(Arrays.asList(Files.readString(listed).trim().split(File.pathSeparator)));
    assertThat(entries).noneMatch(e -> e.contains("junit") || e.contains("assertj") || e.contains("logback")
        || e.contains("test-classes"));
    Path source = work.resolve("src/example/Embed.java");
    Files.createDirectories(source.getParent());
    try (InputStream in = EmbeddingTest.class.getResourceAsStream("embedding/Embed.java")) {
      assertThat(in).as("test resource org/fcproc/sim/embedding/Embed.java").isNotNull();
      Files.write(source, in.readAllBytes());
    }
    Path classes = Files.createDirectories(work.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      boolean ok = javac.getTask(null, files, diagnostics,
          List.of("--release", "17", "-classpath", String.join(File.pathSeparator, entries), "-d", classes.toString()),
          null, files.getJavaFileObjects(source.toFile())).call();
      assertThat(ok).as("javac: %s", diagnostics.getDiagnostics()).isTrue();
    }
    entries.add(0, classes.toString());
    classpath = String.join(File.pathSeparator, entries);
  }

  record Run(int exit, String out, String err) {}

  /** Runs the program with Logback (from this JVM's test classpath) configured at {@code level}. */
  static Run run(String level) throws Exception {
    String logback = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> e.contains("logback-classic") || e.contains("logback-core"))
        .collect(Collectors.joining(File.pathSeparator));
    assertThat(logback).as("Logback on the test classpath").contains("logback-classic").contains("logback-core");
    Path config = work.resolve("logback-" + level + ".xml");
    Files.writeString(config, "<configuration>\n"
        + "  <appender name=\"ERR\" class=\"ch.qos.logback.core.ConsoleAppender\">\n"
        + "    <target>System.err</target>\n"
        + "    <encoder><pattern>%level %logger - %msg%n</pattern></encoder>\n"
        + "  </appender>\n"
        + "  <root level=\"" + level + "\"><appender-ref ref=\"ERR\"/></root>\n"
        + "</configuration>\n");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-Dlogback.configurationFile=" + config,
        "-cp", classpath + File.pathSeparator + logback, "example.Embed")
        .redirectError(work.resolve("err-" + level).toFile())
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the program exits").isTrue();
    return new Run(p.exitValue(), out, Files.readString(work.resolve("err-" + level)));
  }

  @Test
  void anEmbeddingProgramStagesAndCleansUpQuietlyAtInfo() throws Exception {
    Run r = run("INFO");
    assertThat(r.exit()).as("exit; stderr: %s", r.err()).isZero();
    assertThat(r.out()).isEqualTo("OK" + System.lineSeparator());
    assertThat(r.err()).as("fcproc logs nothing at INFO").doesNotContain("org.fcproc");
  }

  @Test
  void atDebugTheLibraryNarratesTheSteps() throws Exception {
    Run r = run("DEBUG");
    assertThat(r.exit()).as("exit; stderr: %s", r.err()).isZero();
    assertThat(r.out()).isEqualTo("OK" + System.lineSeparator());
    assertThat(r.err())
        .contains("DEBUG org.fcproc.JailStaging - staged jailer chroot /srv/jail/firecracker/vm1/root for 1000:1000")
        .contains("DEBUG org.fcproc.JailCleanup - cleaned up chroot /srv/jail/firecracker/vm1/root");
  }

  /** The BOM has no parent (it would export the parent's pins), so its version is written out. */
  @Test
  void theBomManagesTheThreeLibraryArtifactsAtTheProjectsVersion() throws IOException {
    String parent = Files.readString(Path.of("..", "pom.xml"));
    String bom = Files.readString(Path.of("..", "bom", "pom.xml"));
    assertThat(versionAfter(bom, "fcproc-bom")).isEqualTo(versionAfter(parent, "fcproc-parent"));
    assertThat(parent).contains("<module>bom</module>");
    for (String artifact : List.of("fcproc-core", "fcproc-backend-linux", "fcproc-backend-sim")) {
      assertThat(bom).contains("<artifactId>" + artifact + "</artifactId>\n        <version>${project.version}</version>");
    }
    assertThat(bom).doesNotContain("<parent>");
  }

  static String versionAfter(String pom, String artifactId) {
    Matcher m = Pattern.compile("<artifactId>" + artifactId + "</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
    assertThat(m.find()).as("%s's version in the pom", artifactId).isTrue();
    return m.group(1);
  }
}
