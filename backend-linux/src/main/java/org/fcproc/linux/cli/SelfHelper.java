package org.fcproc.linux.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.fcproc.PrivilegedHelper;

/**
 * The command line's own privileged helper in sudo mode: this very command line, started again
 * the way this JVM was started, so that {@code sudo -n <it> --mode root --json <subcommand> ...}
 * runs the same code as root (docs/DESIGN.md#socket-hand-off-checks-and-sudo-mode; see {@link PrivilegedHelper} for why).
 *
 * <ul>
 *   <li>the program is the running {@code java}, as the kernel knows it
 *       ({@code /proc/self/exe}, through {@link ProcessHandle.Info#command()}; else
 *       {@code java.home}/bin/java) — an absolute path with symlinks resolved, which is what a
 *       sudoers rule must name;
 *   <li>then {@code -jar <jar>} when {@code Main} was loaded from a jar whose manifest names it
 *       as the main class (the production {@code fcproc.jar}: {@code Main}'s code source);
 *   <li>otherwise (classes directories, or this jar embedded in another application)
 *       {@code -cp <java.class.path> org.fcproc.linux.cli.Main}.
 * </ul>
 *
 * A sudoers rule for the production jar reads, for instance,
 * {@code dev ALL=(root) NOPASSWD: /usr/lib/jvm/java-17-openjdk-amd64/bin/java -jar /opt/fcproc/fcproc.jar --mode root --json *}.
 * The jar and the JVM must be owned by root and writable by nobody else.
 */
final class SelfHelper {
  private SelfHelper() {}

  static Optional<PrivilegedHelper> discover() {
    try {
      String java = ProcessHandle.current().info().command()
          .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      if (!java.startsWith("/")) {
        return Optional.empty();
      }
      CodeSource cs = Main.class.getProtectionDomain().getCodeSource();
      if (cs == null || cs.getLocation() == null) {
        return Optional.empty();
      }
      Path location = Path.of(cs.getLocation().toURI()).toAbsolutePath().normalize();
      if (Files.isRegularFile(location) && namesMain(location)) {
        return Optional.of(new PrivilegedHelper(List.of(java, "-jar", location.toString())));
      }
      String classpath = System.getProperty("java.class.path", "");
      if (classpath.isBlank()) {
        return Optional.empty();
      }
      return Optional.of(new PrivilegedHelper(List.of(java, "-cp", classpath, Main.class.getName())));
    } catch (URISyntaxException | IllegalArgumentException | SecurityException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  private static boolean namesMain(Path jar) {
    try (JarFile f = new JarFile(jar.toFile())) {
      Manifest m = f.getManifest();
      return m != null && Main.class.getName().equals(m.getMainAttributes().getValue("Main-Class"));
    } catch (IOException e) {
      return false;
    }
  }
}
