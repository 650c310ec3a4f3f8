package org.fcproc.linux.sudo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What an attack must leave exactly as it found: every file under some roots — its existence,
 * type, owner, mode, link count, size and content (a digest), a symlink's target, a device's
 * numbers — the whole mount table, and every network link with its addresses.
 *
 * <p>The walk never follows a symlink and does not descend into another mount (a bind of the
 * host's {@code /usr/lib} an attack may have made is seen in the mount table, not walked).
 */
record HostState(Map<String, String> files, List<String> mounts, String network) {
  static HostState of(Path... roots) {
    Map<String, String> files = new TreeMap<>();
    for (Path root : roots) {
      walk(root, files);
    }
    return new HostState(files, mountTable(), Network.state());
  }

  /** Fails, listing each difference, unless nothing changed since {@code before}. */
  void assertSameAs(HostState before, String what) {
    List<String> diff = new ArrayList<>();
    TreeSet<String> paths = new TreeSet<>(before.files.keySet());
    paths.addAll(files.keySet());
    for (String p : paths) {
      String was = before.files.get(p);
      String now = files.get(p);
      if (!Objects.equals(was, now)) {
        diff.add(p + ": " + (was == null ? "(absent)" : was) + "  ->  " + (now == null ? "(absent)" : now));
      }
    }
    for (String m : before.mounts) {
      if (!mounts.contains(m)) {
        diff.add("mount gone: " + m);
      }
    }
    for (String m : mounts) {
      if (!before.mounts.contains(m)) {
        diff.add("mount added: " + m);
      }
    }
    if (!network.equals(before.network)) {
      diff.add("network links changed:\n--- before\n" + before.network + "--- after\n" + network);
    }
    assertThat(diff).as("the host after %s must be as it was before; what changed", what).isEmpty();
  }

  private static void walk(Path root, Map<String, String> into) {
    if (!Root.exists(root)) {
      into.put(root.toString(), "(absent)");
      return;
    }
    try {
      Object rootDev = Files.getAttribute(root, "unix:dev", LinkOption.NOFOLLOW_LINKS);
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          into.put(dir.toString(), describe(dir));
          boolean otherMount = !Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS).equals(rootDev);
          return otherMount ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          into.put(file.toString(), describe(file));
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot walk " + root, e);
    }
  }

  static String describe(Path p) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,nlink,size,rdev", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    String type = switch (mode & 0170000) {
      case 0040000 -> "dir";
      case 0100000 -> "file";
      case 0120000 -> "symlink";
      case 0140000 -> "socket";
      case 0060000 -> "block";
      case 0020000 -> "char";
      case 0010000 -> "fifo";
      default -> "type" + Integer.toOctalString(mode & 0170000);
    };
    StringBuilder d = new StringBuilder(type).append(' ').append(a.get("uid")).append(':').append(a.get("gid"))
        .append(" 0").append(Integer.toOctalString(mode & 07777)).append(" nlink=").append(a.get("nlink"));
    switch (type) {
      case "file" -> d.append(" size=").append(a.get("size")).append(" sha256=").append(digest(Files.readAllBytes(p)));
      case "symlink" -> d.append(" -> ").append(Files.readSymbolicLink(p));
      case "block", "char" -> d.append(" rdev=").append(a.get("rdev"));
      default -> { }
    }
    return d.toString();
  }

  /** Each mount as "mount point, file system type, source" from {@code /proc/self/mountinfo}. */
  private static List<String> mountTable() {
    try {
      List<String> out = new ArrayList<>();
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
        String[] f = line.split(" ");
        String[] tail = line.substring(line.indexOf(" - ") + 3).split(" ");
        out.add(f[4] + " (" + tail[0] + " " + tail[1] + ", root " + f[3] + ")");
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String digest(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
