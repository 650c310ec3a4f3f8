package org.fcproc.linux.concurrency;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
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
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.MountFlag;
import org.fcproc.host.OpenHow;
import org.fcproc.host.UmountFlag;
import org.fcproc.linux.KernelNamespaceGate;
import org.fcproc.linux.LinuxHost;

/**
 * The concurrency tests' scratch area on the kernel: a fresh tmpfs on {@code /tmp/fcproc-conc-*},
 * mounted inside the test JVM's throwaway mount namespace (the Surefire wrapper's), detached and
 * removed by {@link #close()}. Everything the tests create, mount or delete lies under it, except
 * the {@code /dev} overlay (see {@link #overlayDevWithVsock()}), which lives in this namespace
 * only and is detached by {@link #close()} too. The helpers here refuse any path outside it.
 */
final class ConcScratch implements AutoCloseable {
  /** One line of mountinfo: id, parent id and mount point (escapes decoded). */
  record Mount(int id, int parentId, String mountPoint) {}

  final LinuxHost host;
  final Path dir;
  private boolean mounted;
  /** The mount id of the overlay on {@code /dev}, or 0 when none was made. */
  private long devOverlayId;

  private ConcScratch(LinuxHost host, Path dir) {
    this.host = host;
    this.dir = dir;
  }

  /** Skips the calling test class unless it runs as root in the wrapper's namespaces. */
  static ConcScratch create() throws IOException {
    KernelNamespaceGate.assumeInside();
    LinuxHost host = LinuxHost.create();
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "fcproc-conc-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    ConcScratch s = new ConcScratch(host, dir);
    try {
      host.mount("tmpfs", dir.toString(), "tmpfs", EnumSet.noneOf(MountFlag.class), "mode=0755,size=512m");
      s.mounted = true;
    } catch (IOException e) {
      Files.deleteIfExists(dir);
      throw e;
    }
    return s;
  }

  Path inside(Path p) {
    Path n = p.normalize();
    if (!n.startsWith(dir) || n.equals(dir)) {
      throw new IllegalStateException("refusing to touch " + p + ": not inside the scratch tmpfs " + dir);
    }
    return n;
  }

  void mkdir(Path p, int mode, int uid, int gid) throws IOException {
    Files.createDirectory(inside(p));
    own(p, mode, uid, gid);
  }

  void file(Path p, byte[] content, int mode, int uid, int gid) throws IOException {
    Files.write(inside(p), content, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);
    own(p, mode, uid, gid);
  }

  private void own(Path p, int mode, int uid, int gid) throws HostException {
    if (host.lstat(p.toString()).is(FileType.SYMLINK)) {
      throw new IllegalStateException("refusing to chmod through a symlink: " + p);
    }
    host.lchown(p.toString(), uid, gid);
    host.chmod(p.toString(), mode);
  }

  // ---------------------------------------------------------------- /dev/vhost-vsock

  /**
   * Makes {@code /dev/vhost-vsock} appear, in this mount namespace only, when the machine has
   * none: a tmpfs at {@code <scratch>/devov} gets a copy of every device node of {@code /dev}
   * (same numbers, mode and owner), its symlinks, a recursive bind of each of its directories
   * ({@code pts}, {@code shm}, ...), and a {@code vhost-vsock} node 10:241; then it is bound
   * recursively on {@code /dev}. {@link #close()} detaches it (only if the mount on {@code /dev}
   * is still that one). The host's devtmpfs is never written: nothing is created in it.
   *
   * @return what was done, for the report
   */
  String overlayDevWithVsock() throws IOException {
    if (Files.exists(Path.of("/dev/vhost-vsock"), LinkOption.NOFOLLOW_LINKS)) {
      return "/dev/vhost-vsock exists on this machine";
    }
    Path ov = dir.resolve("devov");
    mkdir(ov, 0755, 0, 0);
    host.mount("tmpfs", ov.toString(), "tmpfs", EnumSet.of(MountFlag.NOSUID), "mode=0755,size=1m");
    int nodes = 0;
    int links = 0;
    int dirs = 0;
    try (Handle ovh = host.open(ov.toString(), OpenHow.directoryNoFollow());
        DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/dev"))) {
      for (Path e : entries) {
        String name = e.getFileName().toString();
        FileStat st = host.lstat(e.toString());
        Path target = ov.resolve(name);
        if (st.is(FileType.SYMLINK)) {
          Files.createSymbolicLink(target, Files.readSymbolicLink(e));
          links++;
        } else if (st.is(FileType.CHAR_DEVICE) || st.is(FileType.BLOCK_DEVICE)) {
          host.mknodAt(ovh, name, st.type(), st.mode() & 07777, st.rdev());
          host.lchown(target.toString(), st.uid(), st.gid());
          host.chmod(target.toString(), st.mode() & 07777);
          nodes++;
        } else if (st.is(FileType.DIRECTORY)) {
          Files.createDirectory(target);
          try (Handle src = host.open(e.toString(), OpenHow.directoryNoFollow());
              Handle tgt = host.open(target.toString(), OpenHow.directoryNoFollow())) {
            host.bindMount(src, tgt, true);
          }
          dirs++;
        } else {
          // a socket, FIFO or file in /dev: an empty file with the original bound on it
          Files.createFile(target);
          try (Handle src = host.open(e.toString(), OpenHow.pathNoFollow());
              Handle tgt = host.open(target.toString(), OpenHow.pathNoFollow())) {
            host.bindMount(src, tgt, false);
          }
          nodes++;
        }
      }
      host.mknodAt(ovh, "vhost-vsock", FileType.CHAR_DEVICE, 0666, new DeviceNumber(10, 241));
      host.chmod(ov.resolve("vhost-vsock").toString(), 0666);
      try (Handle dev = host.open("/dev", OpenHow.directoryNoFollow())) {
        host.bindMount(ovh, dev, true);
      }
    }
    try (Handle dev = host.open("/dev", OpenHow.directoryNoFollow())) {
      devOverlayId = host.fstat(dev).mountId();
    }
    FileStat vsock = host.lstat("/dev/vhost-vsock");
    if (!vsock.is(FileType.CHAR_DEVICE) || !Files.isReadable(Path.of("/dev/null"))) {
      throw new IllegalStateException("the /dev overlay does not work: " + vsock);
    }
    return "this machine has no /dev/vhost-vsock: /dev overlaid in the test's mount namespace (" + nodes
        + " nodes copied, " + links + " symlinks, " + dirs + " directories bound, plus vhost-vsock 10:241)";
  }

  // ---------------------------------------------------------------- mounts

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

  /** The whole mount table as text lines, sorted: two equal tables are the same mounts. */
  Set<String> mountTable() throws HostException {
    return new TreeSet<>(List.of(host.mountInfo().split("\n")));
  }

  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length() && isOctal(s.charAt(i + 1)) && isOctal(s.charAt(i + 2)) && isOctal(s.charAt(i + 3))) {
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
   * The tidy-up after a failed test: detaches every mount at or under {@code prefix} (inside the
   * scratch), deepest first, by path with {@code MNT_DETACH|UMOUNT_NOFOLLOW}. Returns how many.
   */
  int detachAllUnder(String prefix) throws HostException {
    inside(Path.of(prefix));
    int detached = 0;
    for (int round = 0; round < 16; round++) {
      List<Mount> under = mountsUnder(prefix);
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

  /** Deletes a tree inside the scratch, never following a symlink, once nothing is mounted in it. */
  void deleteTree(Path root) throws IOException {
    Path r = inside(root);
    if (!Files.exists(r, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!mountsUnder(r.toString()).isEmpty()) {
      throw new AssertionError("refusing to delete " + r + ": mounts under it " + mountsUnder(r.toString()));
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
   * Every name under the scratch (its root included) except the subtrees in {@code excluded}:
   * path → type, mode, owner, link count, size, inode, rdev, mount id, and the SHA-256 of a regular
   * file's content or a symlink's target.
   */
  Map<String, String> snapshot(Set<Path> excluded) throws IOException {
    Map<String, String> out = new TreeMap<>();
    Files.walkFileTree(dir, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
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
        .append(st.type()).append(' ').append(String.format("%04o", st.mode()))
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

  static List<String> diff(Map<String, String> before, Map<String, String> after) {
    List<String> out = new ArrayList<>();
    Set<String> paths = new TreeSet<>(before.keySet());
    paths.addAll(after.keySet());
    for (String p : paths) {
      String a = before.get(p);
      String b = after.get(p);
      if (a == null) {
        out.add("+ " + p + ": " + b);
      } else if (b == null) {
        out.add("- " + p + ": " + a);
      } else if (!a.equals(b)) {
        out.add("~ " + p + ": " + a + " => " + b);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- the end

  @Override
  public void close() throws IOException {
    if (devOverlayId != 0) {
      long now;
      try (Handle dev = host.open("/dev", OpenHow.directoryNoFollow())) {
        now = host.fstat(dev).mountId();
      }
      if (now == devOverlayId) {
        host.umount2("/dev", EnumSet.of(UmountFlag.DETACH, UmountFlag.NOFOLLOW)); // its binds go with it
      } else {
        throw new IllegalStateException("/dev is mount " + now + " now, not the overlay " + devOverlayId + ": left alone");
      }
      devOverlayId = 0;
    }
    if (mounted) {
      host.umount2(dir.toString(), EnumSet.of(UmountFlag.DETACH)); // takes every mount under it too
      mounted = false;
    }
    Files.deleteIfExists(dir);
  }
}
