package org.fcproc.linux.cli;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.fcproc.host.MountFlag;
import org.fcproc.host.UmountFlag;
import org.fcproc.linux.LinuxHost;

/**
 * The kernel side of the command-line tests: the same gate as the backend's kernel tests
 * ({@code org.fcproc.linux.KernelNamespace}: root, Linux, inside the unshare wrapper's
 * throwaway mount and network namespaces, checked against the namespaces it left), and a
 * scratch tmpfs under {@code /tmp} mounted inside that mount namespace.
 */
final class Kernel {
  private Kernel() {}

  /**
   * Skips (or, with {@code FCPROC_REQUIRE_KERNEL_TESTS}, fails) unless kernel tests can run.
   * {@code KernelNamespace} is package-private in {@code org.fcproc.linux}; it is reused as it
   * is, through reflection, so there is one gate for every kernel test.
   */
  static void assumeInside() {
    try {
      Class<?> c = Class.forName("org.fcproc.linux.KernelNamespace");
      Method m = c.getDeclaredMethod("assumeInside");
      m.setAccessible(true);
      m.invoke(null);
    } catch (InvocationTargetException e) {
      Throwable t = e.getCause();
      if (t instanceof RuntimeException r) {
        throw r;
      }
      if (t instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(t);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot reach org.fcproc.linux.KernelNamespace", e);
    }
  }

  /** A fresh tmpfs on {@code /tmp/fcproc-cli-*}, inside this JVM's private mount namespace. */
  static final class Scratch implements AutoCloseable {
    final Path dir;
    private final LinuxHost host = LinuxHost.create();
    private boolean mounted;

    Scratch() throws IOException {
      assumeInside();
      dir = Files.createTempDirectory(Path.of("/tmp"), "fcproc-cli-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      try {
        host.mount("tmpfs", dir.toString(), "tmpfs", EnumSet.noneOf(MountFlag.class), "mode=0755,size=64m");
        mounted = true;
      } catch (IOException e) {
        Files.deleteIfExists(dir);
        throw e;
      }
    }

    Path path(String relative) {
      return dir.resolve(relative);
    }

    @Override
    public void close() throws IOException {
      if (mounted) {
        host.umount2(dir.toString(), EnumSet.of(UmountFlag.DETACH)); // and every mount under it
        mounted = false;
      }
      Files.deleteIfExists(dir);
    }
  }

  /** The mount points of {@code /proc/self/mountinfo}, escapes decoded, at or under {@code dir}. */
  static List<String> mountsUnder(Path dir) throws IOException {
    List<String> found = new ArrayList<>();
    String prefix = dir.toString();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
      String mp = decode(line.split(" ")[4]);
      if (mp.equals(prefix) || mp.startsWith(prefix + "/")) {
        found.add(mp);
      }
    }
    return found;
  }

  /** The mountinfo line of the topmost mount at exactly {@code mountPoint}, or null. */
  static String mountLine(Path mountPoint) throws IOException {
    String last = null;
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
      if (decode(line.split(" ")[4]).equals(mountPoint.toString())) {
        last = line;
      }
    }
    return last;
  }

  private static String decode(String s) {
    return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
  }

  /** Deletes a tree this test made (no mounts in it), not following symlinks. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
