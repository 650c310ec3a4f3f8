package org.fcproc.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * After the kernel scenarios, from the machine's own namespaces (Surefire execution
 * {@code kernel-root-leftovers}, a plain JVM): nothing of the run is left — no mount naming the
 * private root, no {@code /tmp/fcproc-root-*} directory of the run, no process of the run (the
 * fake firecrackers carry the root's name on their command line), and the wrapper found nothing
 * either. Skipped when the kernel scenarios did not run here.
 */
class KernelRootLeftoversTest {
  private static final Path REPORT = Path.of("target", "kernel-root");

  @Test
  void nothingOfTheKernelRunIsLeftOnTheMachine() throws IOException {
    Path last = REPORT.resolve("last-root.txt");
    boolean ran = Files.isRegularFile(last);
    if (!ran) {
      System.out.println("SKIPPING the kernel-root leftover check: no kernel run recorded in " + last);
    }
    assumeTrue(ran, "no kernel run recorded in " + last);
    String root = Files.readString(last, StandardCharsets.UTF_8).strip();
    String token = Path.of(root).getFileName().toString();
    assertThat(token).startsWith("fcproc-root-");

    assertThat(Path.of(root)).as("the private root's directory on the machine").doesNotExist();
    assertThat(lines(Path.of("/proc/self/mountinfo"), token)).as("mounts naming %s in this namespace", token).isEmpty();
    if (Files.isReadable(Path.of("/proc/1/mountinfo"))) {
      assertThat(lines(Path.of("/proc/1/mountinfo"), token)).as("mounts naming %s in pid 1's namespace", token).isEmpty();
    }
    List<String> procs = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path d : ds) {
        try {
          String cmdline = new String(Files.readAllBytes(d.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
          if (cmdline.contains(token)) {
            procs.add(d.getFileName() + " " + cmdline);
          }
        } catch (IOException e) {
          // exited meanwhile
        }
      }
    }
    assertThat(procs).as("processes of the kernel run still alive").isEmpty();
    Path verdict = REPORT.resolve("leftovers.txt");
    assertThat(verdict).as("the wrapper's own check after the JVM exited").exists();
    assertThat(Files.readString(verdict, StandardCharsets.UTF_8).strip()).as("the wrapper's own check").isEqualTo("clean");
  }

  private static List<String> lines(Path file, String needle) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> l.contains(needle)).toList();
  }
}
