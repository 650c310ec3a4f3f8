package org.fcproc.linux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production jar as a process, on commands that change nothing on the host. */
class CliJarIT {

  @Test
  void theJarIsSelfContained() throws Exception {
    Jar.assumeBuilt();
    try (JarFile jar = new JarFile(Jar.JAR.toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("org.fcproc.linux.cli.Main");
      for (String entry : new String[] {
          "org/fcproc/Fcproc.class", "org/fcproc/linux/LinuxHost.class", "jnr/posix/POSIXFactory.class",
          "jnr/ffi/LibraryLoader.class", "com/kenai/jffi/Foreign.class", "picocli/CommandLine.class",
          "org/slf4j/LoggerFactory.class", "ch/qos/logback/classic/Logger.class",
          "org/fcproc/linux/cli/logback-cli.xml", "META-INF/services/org.slf4j.spi.SLF4JServiceProvider"}) {
        assertThat(jar.getEntry(entry)).as(entry).isNotNull();
      }
      assertThat(jar.stream().anyMatch(e -> e.getName().startsWith("jni/x86_64-Linux/") || e.getName().startsWith("jni/aarch64-Linux/")))
          .as("jffi's native library").isTrue();
      assertThat(jar.stream().noneMatch(e -> e.getName().matches("META-INF/[^/]*\\.(SF|DSA|RSA|EC)")))
          .as("no signature files").isTrue();
      assertThat(jar.getEntry("logback.xml")).as("no logback.xml to hijack an embedding application").isNull();
    }
  }

  @Test
  void helpAndVersion() {
    Jar.Run r = Jar.run("--help").expect(0);
    assertThat(r.out()).contains("Usage: fcproc", "Exit codes:", "3  refused for safety", "sweep");
    assertThat(r.err()).isEmpty();
    assertThat(Jar.run("--version").expect(0).out()).startsWith("fcproc ");
    assertThat(Jar.run("jail", "cleanup", "--help").expect(0).out()).contains("--chroot=PATH");
  }

  @Test
  void usageErrorsExit2() {
    Jar.Run r = Jar.run("vm", "kill", "--json").expect(2);
    assertThat(r.json()).containsEntry("command", "vm kill").containsEntry("ok", false).containsEntry("exit", 2L);
    assertThat(r.err()).contains("fcproc: Missing required option: '--pid=N'");
    assertThat(Jar.run("vm", "wait", "--pid", "1", "--api-sock", "/run/x.sock", "--timeout", "1h").expect(2).err())
        .contains("'1h' is not a duration");
    assertThat(Jar.run("jail", "prepare", "--chroot", "/x", "--uid", "1", "--gid", "1", "--firecracker", "/f",
        "--kernel", "/k", "--drive", "rootfs").expect(2).err()).contains("NAME=PATH");
  }

  @Test
  void sweepRefusesABadBaseBeforeTouchingTheHost() {
    Jar.Run r = Jar.run("sweep", "--json", "--firecracker-base", "jail/firecracker").expect(2);
    assertThat(r.error()).containsEntry("kind", "invalid-input").containsEntry("field", "firecracker base");
  }

  @Test
  void binaryResolve(@TempDir Path dir) throws Exception {
    Path bin = dir.resolve("firecracker");
    Files.writeString(bin, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));

    Jar.Run byPath = Jar.run("binary", "resolve", "--firecracker-bin", bin.toString(), "--json").expect(0);
    assertThat(byPath.json()).isEqualTo(Map.of("command", "binary resolve", "ok", true, "path", bin.toString()));

    Jar.Run byName = Jar.run(Map.of("PATH", dir + ":/usr/bin:/bin"), "binary", "resolve").expect(0);
    assertThat(byName.out().strip()).isEqualTo(bin.toString());

    Path conf = dir.resolve("fcproc.conf");
    Files.writeString(conf, "# test\nfirecracker_bin = " + bin + "\n");
    assertThat(Jar.run("--config", conf.toString(), "binary", "resolve").expect(0).out().strip()).isEqualTo(bin.toString());

    Jar.Run missing = Jar.run("binary", "resolve", "--firecracker-bin", dir.resolve("nope").toString(), "--json").expect(1);
    assertThat((String) missing.error().get("message")).contains(dir.resolve("nope").toString());
    assertThat(missing.err()).startsWith("fcproc: ");
    Jar.run(Map.of("PATH", dir.resolve("empty").toString()), "binary", "resolve", "--firecracker-bin", "no-such-firecracker")
        .expect(1);
  }

  @Test
  void theVersionNamesTheCommitTheJarWasBuiltFrom() {
    assertThat(Jar.run("--version").expect(0).out().strip())
        .matches("fcproc \\S+ \\((commit [0-9a-f]{40}(-dirty)?|unknown commit)\\)");
  }

  @Test
  void aDirectoryAsTheBinaryIsSaidToBeOneAndARelativePathIsAUsageError(@TempDir Path dir) {
    Jar.Run r = Jar.run("binary", "resolve", "--firecracker-bin", dir.toString(), "--json").expect(1);
    assertThat(r.error()).containsEntry("kind", "host-call").containsEntry("call", "stat")
        .containsEntry("errno", "EISDIR").containsEntry("path", dir.toString());
    assertThat(r.err()).contains(dir + " is a directory").doesNotContain("ENOENT");
    Jar.Run relative = Jar.run("binary", "resolve", "--firecracker-bin", "relative/path", "--json").expect(2);
    assertThat(relative.error()).containsEntry("kind", "invalid-input");
  }

  /** {@code mvn package} builds the manual and the bash completion beside the jar (README, CLI). */
  @Test
  void theBuildMakesTheManPagesAndTheBashCompletion() throws Exception {
    Jar.assumeBuilt();
    Path target = Jar.JAR.toAbsolutePath().getParent();
    Path man = target.resolve("man");
    assertThat(Files.readString(man.resolve("fcproc.adoc"))).contains(":doctype: manpage", "= fcproc(1)", "*--json*");
    assertThat(Files.readString(man.resolve("fcproc-vm-wait.adoc"))).contains("= fcproc-vm-wait(1)", "*--pid*",
        "*--api-sock*", "*--timeout*");
    assertThat(Files.readString(man.resolve("fcproc-sweep.adoc"))).contains("*--tap-prefix*");
    Path completion = target.resolve("fcproc_completion");
    // What bash offers after "fcproc vm ", and after "fcproc sweep --", with the script sourced (outside a
    // real completion compopt complains on stderr; only the offers are compared).
    String offered = Jar.sh("bash", "-c", "source '" + completion + "'"
        + " && COMP_WORDS=(fcproc vm '') COMP_CWORD=2 && _complete_fcproc 2>/dev/null && echo \"${COMPREPLY[*]}\""
        + " && COMP_WORDS=(fcproc sweep --) COMP_CWORD=2 && _complete_fcproc 2>/dev/null && echo \"${COMPREPLY[*]}\"");
    java.util.List<String> lines = offered.lines().toList();
    assertThat(lines).as(offered).hasSize(3).first().isEqualTo("exit 0");
    assertThat(lines.get(1).split(" ")).contains("pid", "shutdown", "wait", "kill");
    assertThat(lines.get(2).split(" ")).contains("--dry-run", "--firecracker-base", "--tap-prefix");
  }

  @Test
  void verboseLogsGoToStderrOnly(@TempDir Path dir) throws Exception {
    Path bin = dir.resolve("firecracker");
    Files.writeString(bin, "x");
    Jar.Run r = Jar.run("-vv", "binary", "resolve", "--firecracker-bin", bin.toString(), "--json").expect(0);
    assertThat(r.json()).containsEntry("path", bin.toString());
    assertThat(r.err()).contains("DEBUG");
    assertThat(Jar.run("binary", "resolve", "--firecracker-bin", bin.toString()).expect(0).err()).isEmpty();
  }
}
