package org.fcproc.linux.race;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.HostException;
import org.fcproc.host.MountFlag;
import org.fcproc.host.UmountFlag;
import org.fcproc.linux.KernelNamespaceGate;
import org.fcproc.linux.LinuxHost;
import org.slf4j.LoggerFactory;

/**
 * The racing tests' scratch area: a fresh tmpfs on {@code /tmp/fcproc-race-*}, mounted inside
 * the test JVM's throwaway mount namespace (the Surefire wrapper's), detached and removed by
 * {@link #close()}. Everything the tests create, mount, swap or delete lies under it; the helpers
 * here refuse any path that does not.
 *
 * <p>Also: the mount table from {@code /proc/self/mountinfo} (escapes decoded), a snapshot of a
 * tree that a racing cleanup must leave byte-identical, and the tidy-up between iterations.
 */
final class RaceScratch implements AutoCloseable {
  /** One line of mountinfo: its id and its mount point, decoded. */
  record Mount(int id, int parentId, String mountPoint) {}

  final LinuxHost host;
  final Path dir;
  private boolean mounted;

  private RaceScratch(LinuxHost host, Path dir) {
    this.host = host;
    this.dir = dir;
  }

  /** Skips the calling test class unless it runs as root in the wrapper's namespaces. */
  static RaceScratch create() throws IOException {
    KernelNamespaceGate.assumeInside();
    LinuxHost host = LinuxHost.create();
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "fcproc-race-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    RaceScratch s = new RaceScratch(host, dir);
    try {
      host.mount("tmpfs", dir.toString(), "tmpfs", EnumSet.noneOf(MountFlag.class), "mode=0755,size=64m");
      s.mounted = true;
    } catch (IOException e) {
      Files.deleteIfExists(dir);
      throw e;
    }
    return s;
  }

  /** {@code dir/relative}, as a string. */
  String path(String relative) {
    return dir.resolve(relative).toString();
  }

  /** Refuses any path outside the scratch tmpfs (the tests' absolute rule). */
  Path inside(Path p) {
    Path n = p.normalize();
    if (!n.startsWith(dir) || n.equals(dir)) {
      throw new IllegalStateException("refusing to touch " + p + ": not inside the scratch tmpfs " + dir);
    }
    return n;
  }

  // ---------------------------------------------------------------- building

  void mkdir(String relative, int mode, int uid, int gid) throws IOException {
    Path p = inside(dir.resolve(relative));
    Files.createDirectory(p);
    own(p, mode, uid, gid);
  }

  void file(String relative, String content, int mode, int uid, int gid) throws IOException {
    Path p = inside(dir.resolve(relative));
    Files.write(p, content.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);
    own(p, mode, uid, gid);
  }

  void symlink(String relative, String target, int uid, int gid) throws IOException {
    Path p = inside(dir.resolve(relative));
    Files.createSymbolicLink(p, Path.of(target));
    host.lchown(p.toString(), uid, gid);
  }

  /** chown and chmod of a name the caller just made (no racer runs while the tests build). */
  void own(Path p, int mode, int uid, int gid) throws HostException {
    FileStat st = host.lstat(p.toString());
    if (st.is(FileType.SYMLINK)) {
      throw new IllegalStateException("refusing to chmod through a symlink: " + p);
    }
    host.lchown(p.toString(), uid, gid);
    host.chmod(p.toString(), mode);
  }

  // ---------------------------------------------------------------- mounts

  /** The mount table, decoded. */
  List<Mount> mounts() throws HostException {
    List<Mount> out = new ArrayList<>();
    for (String line : host.mountInfo().split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split(" ");
      out.add(new Mount(Integer.parseInt(f[0]), Integer.parseInt(f[1]), unescape(f[4])));
    }
    return out;
  }

  /** {@code \040 \011 \012 \134} and any other {@code \ooo}, as the kernel writes them. */
  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length()
          && isOctal(s.charAt(i + 1)) && isOctal(s.charAt(i + 2)) && isOctal(s.charAt(i + 3))) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean isOctal(char c) {
    return c >= '0' && c <= '7';
  }

  static boolean atOrUnder(String path, String prefix) {
    return path.equals(prefix) || path.startsWith(prefix + "/");
  }

  /**
   * Detaches every mount at or under {@code prefix} (which must be inside the scratch tmpfs),
   * deepest first, by path with {@code MNT_DETACH|UMOUNT_NOFOLLOW}; the paths come from
   * mountinfo, which names them as they are now, and no racer runs during the tidy-up. Returns
   * how many were detached; fails if any remains.
   */
  int detachAllUnder(String prefix) throws HostException {
    inside(Path.of(prefix));
    int detached = 0;
    for (int round = 0; round < 16; round++) {
      List<Mount> under = new ArrayList<>();
      for (Mount m : mounts()) {
        if (atOrUnder(m.mountPoint(), prefix)) {
          under.add(m);
        }
      }
      if (under.isEmpty()) {
        return detached;
      }
      under.sort(Comparator.comparingInt((Mount m) -> m.mountPoint().length()).reversed()
          .thenComparing(Comparator.comparingInt(Mount::id).reversed()));
      for (Mount m : under) {
        inside(Path.of(m.mountPoint()));
        try {
          host.umount2(m.mountPoint(), EnumSet.of(UmountFlag.DETACH, UmountFlag.NOFOLLOW));
          detached++;
        } catch (HostException e) {
          if (!e.is(Errno.EINVAL) && !e.is(Errno.ENOENT)) {
            throw e;
          }
        }
      }
    }
    throw new AssertionError("mounts remain under " + prefix + " after the tidy-up: " + mountsUnder(prefix));
  }

  List<Mount> mountsUnder(String prefix) throws HostException {
    List<Mount> under = new ArrayList<>();
    for (Mount m : mounts()) {
      if (atOrUnder(m.mountPoint(), prefix)) {
        under.add(m);
      }
    }
    return under;
  }

  /**
   * Deletes a tree inside the scratch tmpfs, never following a symlink, after checking that
   * nothing is mounted at or under it (so the delete cannot reach through a bind mount).
   */
  void deleteTree(Path root) throws IOException {
    Path r = inside(root);
    if (!Files.exists(r, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Mount> under = mountsUnder(r.toString());
    if (!under.isEmpty()) {
      throw new AssertionError("refusing to delete " + r + ": mounts under it " + under);
    }
    Files.walkFileTree(r, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(inside(file));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(inside(d));
        return FileVisitResult.CONTINUE;
      }
    });
  }

  // ---------------------------------------------------------------- snapshots

  /**
   * Every name under {@code root} (itself included), except the subtrees in {@code excluded}:
   * path → type, mode, owner, link count, size, device and inode, mount id, and the SHA-256 of
   * a regular file's content or a symlink's target. No racer may run while it is taken.
   */
  Map<String, String> snapshot(Path root, Set<Path> excluded) throws IOException {
    Map<String, String> out = new TreeMap<>();
    Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
        if (excluded.contains(d)) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        out.put(d.toString(), describe(d));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (!excluded.contains(file)) {
          out.put(file.toString(), describe(file));
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        throw e;
      }
    });
    return out;
  }

  String describe(Path p) throws IOException {
    FileStat st = host.lstat(p.toString());
    StringBuilder b = new StringBuilder()
        .append(st.type()).append(' ').append(st.octalMode())
        .append(' ').append(st.uid()).append(':').append(st.gid())
        .append(" nlink=").append(st.nlink())
        .append(" size=").append(st.size())
        .append(" ino=").append(st.dev()).append(':').append(st.ino())
        .append(" rdev=").append(st.rdev())
        .append(" mnt=").append(st.mountId());
    if (st.is(FileType.REGULAR)) {
      b.append(" sha256=").append(sha256(Files.readAllBytes(p)));
    } else if (st.is(FileType.SYMLINK)) {
      b.append(" -> ").append(Files.readSymbolicLink(p));
    }
    return b.toString();
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The differences between two snapshots, one line each, for a failure message. */
  static String diff(Map<String, String> before, Map<String, String> after) {
    StringBuilder b = new StringBuilder();
    Set<String> all = new TreeSet<>(before.keySet());
    all.addAll(after.keySet());
    for (String p : all) {
      String x = before.get(p);
      String y = after.get(p);
      if (x == null) {
        b.append("  added   ").append(p).append(": ").append(y).append('\n');
      } else if (y == null) {
        b.append("  missing ").append(p).append(" (was ").append(x).append(")\n");
      } else if (!x.equals(y)) {
        b.append("  changed ").append(p).append(":\n    before ").append(x).append("\n    after  ").append(y).append('\n');
      }
    }
    return b.toString();
  }

  // ---------------------------------------------------------------- logs

  /**
   * Turns fcproc's INFO logs (one line per detach, cleanup or hand-off) down to WARN for the
   * thousands of iterations, through Logback when it is the runtime (it is a runtime-only
   * dependency here, hence reflection); the returned action restores the level.
   */
  static Runnable quietFcprocLogs() {
    try {
      Object logger = LoggerFactory.getLogger("org.fcproc");
      Class<?> level = Class.forName("ch.qos.logback.classic.Level");
      Method get = logger.getClass().getMethod("getLevel");
      Method set = logger.getClass().getMethod("setLevel", level);
      Object old = get.invoke(logger);
      set.invoke(logger, level.getField("WARN").get(null));
      return () -> {
        try {
          set.invoke(logger, old);
        } catch (ReflectiveOperationException e) {
          // leave it
        }
      };
    } catch (ReflectiveOperationException | RuntimeException e) {
      return () -> {};
    }
  }

  /** Detaches the tmpfs (and every mount left under it) and removes the empty directory. */
  @Override
  public void close() throws IOException {
    if (mounted) {
      host.umount2(dir.toString(), EnumSet.of(UmountFlag.DETACH));
      mounted = false;
    }
    Files.deleteIfExists(dir);
  }
}
