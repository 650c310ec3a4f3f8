package org.fcproc.features.driver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.HostException;
import org.fcproc.linux.LinuxHost;

/**
 * The visible state of the private kernel root at one moment, in the simulator's form
 * ({@code org.fcproc.sim.Snapshot}): every path of the scenario trees with its inode's type,
 * mode, owner, link count, identity, size and content hash, symlink text and device numbers —
 * mounts crossed as the walk meets them, symlinks never followed — and the mount table by
 * mount point, root, filesystem type, options and propagation. {@link #diff} has the
 * simulator's line format.
 *
 * <p>What is walked: everything under {@code /} except {@code /proc}, {@code /sys}, the
 * wrapper's area and base mounts (the project, the Maven repository), and {@code /usr}, which
 * is the machine's own {@code /usr} under an overlay: there only what the scenario changed is
 * walked — every path in the overlay's upper layer (files the layout wrote, anything fcproc
 * would have added or changed; a path removed from the real /usr shows as a whiteout). A walk
 * does not descend into a mount of the machine's own filesystems (a bind of {@code /usr/lib}
 * inside a chroot shows as its mount point, and in the mount table).
 */
final class KernelHostState implements HostState {
  private static final int LIMIT = 200_000;

  private final SortedMap<String, String> files;
  private final List<String> mounts;

  private KernelHostState(SortedMap<String, String> files, List<String> mounts) {
    this.files = Collections.unmodifiableSortedMap(files);
    this.mounts = List.copyOf(mounts);
  }

  static KernelHostState take(LinuxHost host) {
    List<KernelMounts.Entry> table = KernelMounts.read();
    Set<String> skip = new java.util.HashSet<>(KernelRoot.baseMountPoints());
    skip.remove("/");
    skip.add("/proc");
    skip.add("/sys");
    skip.add(KernelRoot.AREA.toString());
    skip.add("/usr");
    // devices of the filesystems a walk must not descend into: the machine's own (binds of the
    // project, the Maven repository, the real /usr) and the /usr overlay (walked through its
    // upper layer instead), /proc and /sys.
    Set<String> foreign = new java.util.HashSet<>();
    String rootDev = table.stream().filter(m -> m.mountPoint().equals("/")).map(KernelMounts.Entry::dev).findFirst().orElse("");
    for (KernelMounts.Entry m : table) {
      if (!m.fstype().equals("tmpfs") && !m.dev().equals(rootDev)) {
        foreign.add(m.dev());
      }
    }
    TreeMap<String, String> files = new TreeMap<>();
    walk(host, "/", skip, foreign, files);
    files.put("/usr", describe(host, "/usr"));
    Path upper = KernelRoot.overlayUpper();
    if (Files.isDirectory(upper)) {
      walkUpper(host, upper, "/usr", files);
    }
    List<String> mounts = new ArrayList<>();
    for (KernelMounts.Entry m : table) {
      mounts.add(m.mountPoint() + " root=" + KernelMounts.hostPathOf(m, table) + " " + m.fstype() + " " + m.options() + " "
          + m.propagation());
    }
    Collections.sort(mounts);
    return new KernelHostState(files, mounts);
  }

  private static void walk(LinuxHost host, String path, Set<String> skip, Set<String> foreign, TreeMap<String, String> out) {
    if (out.size() >= LIMIT) {
      out.put(path, "(snapshot truncated)");
      return;
    }
    if (skip.contains(path)) {
      return;
    }
    FileStat st;
    try {
      st = host.lstat(path);
    } catch (HostException e) {
      return; // gone meanwhile
    }
    out.put(path, describe(path, st));
    if (st.type() != FileType.DIRECTORY || foreign.contains(devOf(path))) {
      return;
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of(path))) {
      ds.forEach(p -> names.add(p.getFileName().toString()));
    } catch (IOException e) {
      out.put(path, out.get(path) + " (unreadable: " + e.getMessage() + ")");
      return;
    }
    Collections.sort(names);
    for (String n : names) {
      walk(host, path.equals("/") ? "/" + n : path + "/" + n, skip, foreign, out);
    }
  }

  /** The {@code major:minor} of the filesystem {@code path} is on, from mountinfo's point of view. */
  private static String devOf(String path) {
    try {
      Object dev = Files.getAttribute(Path.of(path), "unix:dev", java.nio.file.LinkOption.NOFOLLOW_LINKS);
      long d = (Long) dev;
      long major = ((d >>> 8) & 0xfff) | ((d >>> 32) & ~0xfffL);
      long minor = (d & 0xff) | ((d >>> 12) & ~0xffL);
      return major + ":" + minor;
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static void walkUpper(LinuxHost host, Path upperDir, String merged, TreeMap<String, String> out) {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(upperDir)) {
      ds.forEach(children::add);
    } catch (IOException e) {
      return;
    }
    for (Path c : children) {
      String p = merged + "/" + c.getFileName();
      out.put(p, describe(host, p));
      if (Files.isDirectory(c, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        walkUpper(host, c, p, out);
      }
    }
  }

  private static String describe(LinuxHost host, String path) {
    try {
      return describe(path, host.lstat(path));
    } catch (HostException e) {
      return "(removed from the machine's " + path + ": " + e.errno() + ")";
    }
  }

  private static String describe(String path, FileStat st) {
    StringBuilder sb = new StringBuilder()
        .append(st.type()).append(' ').append(st.octalMode())
        .append(' ').append(st.uid()).append(':').append(st.gid())
        .append(" nlink=").append(st.nlink())
        .append(" ino=").append(st.dev()).append('/').append(st.ino());
    if (st.type() == FileType.REGULAR) {
      sb.append(" size=").append(st.size()).append(" sha256=").append(sha256(path));
    } else if (st.type() == FileType.SYMLINK) {
      try {
        sb.append(" -> ").append(Files.readSymbolicLink(Path.of(path)));
      } catch (IOException e) {
        sb.append(" -> ?");
      }
    } else if (st.type().isDevice()) {
      sb.append(" rdev=").append(st.rdev());
    }
    return sb.toString();
  }

  private static String sha256(String path) {
    try (InputStream in = Files.newInputStream(Path.of(path), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[65536];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest(), 0, 8);
    } catch (IOException e) {
      return "(unreadable)";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One line per path then one per mount, as the simulator's {@code Snapshot.render()}. */
  String render() {
    StringBuilder sb = new StringBuilder();
    files.forEach((p, d) -> sb.append(p).append(": ").append(d).append('\n'));
    mounts.forEach(m -> sb.append("mount ").append(m).append('\n'));
    return sb.toString();
  }

  @Override
  public List<String> diff(HostState after) {
    KernelHostState a = (KernelHostState) after;
    List<String> out = new ArrayList<>();
    TreeMap<String, Boolean> paths = new TreeMap<>();
    files.keySet().forEach(p -> paths.put(p, true));
    a.files.keySet().forEach(p -> paths.put(p, true));
    for (String p : paths.keySet()) {
      String x = files.get(p);
      String y = a.files.get(p);
      if (x == null) {
        out.add("+ " + p + ": " + y);
      } else if (y == null) {
        out.add("- " + p + ": " + x);
      } else if (!x.equals(y)) {
        out.add("~ " + p + ": " + x + " => " + y);
      }
    }
    List<String> gone = new ArrayList<>(mounts);
    List<String> added = new ArrayList<>(a.mounts);
    for (String m : mounts) {
      if (added.remove(m)) {
        gone.remove(m);
      }
    }
    gone.forEach(m -> out.add("- mount " + m));
    added.forEach(m -> out.add("+ mount " + m));
    return out;
  }

  @Override
  public String toString() {
    return "KernelHostState(" + files.size() + " paths, " + mounts.size() + " mounts)";
  }
}
