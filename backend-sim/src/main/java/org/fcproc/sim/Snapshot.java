package org.fcproc.sim;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.fcproc.host.FileType;

/**
 * The visible state of a simulated host at one moment: every path reachable from {@code /}
 * (mounts crossed as a walk crosses them, symlinks not followed) with its inode's identity,
 * type, mode, owner, link count, size, content hash, symlink text and device numbers; and the
 * mount table. Two snapshots {@link #diff} to the changes between them, in a deterministic
 * text form: this is how a test checks the jail invariant (docs/DESIGN.md#jail-invariant) ("no inode outside the
 * VM's area changed").
 */
public final class Snapshot {
  private static final int LIMIT = 200_000;

  private final SortedMap<String, String> files;
  private final List<String> mounts;

  private Snapshot(SortedMap<String, String> files, List<String> mounts) {
    this.files = Collections.unmodifiableSortedMap(files);
    this.mounts = List.copyOf(mounts);
  }

  static Snapshot take(Vfs vfs) {
    TreeMap<String, String> files = new TreeMap<>();
    walk(vfs, vfs.mounts.nsRoot(), "/", files);
    List<String> mounts = new ArrayList<>();
    for (Mount m : vfs.mounts.attached()) {
      mounts.add((m.parent == null ? "/" : vfs.mounts.pathOf(m.parent, m.mountpoint))
          + " root=" + MountTable.rootWithin(m) + " " + m.fstype + " " + MountTable.options(m) + " " + m.propagation);
    }
    Collections.sort(mounts);
    return new Snapshot(files, mounts);
  }

  private static void walk(Vfs vfs, Location loc, String path, TreeMap<String, String> out) {
    if (out.size() >= LIMIT) {
      out.put(path, "(snapshot truncated)");
      return;
    }
    out.put(path, describe(vfs, loc.inode()));
    if (!loc.inode().isDir()) {
      return;
    }
    for (Map.Entry<String, Inode> e : loc.inode().entries.entrySet()) {
      Location child = new Location(loc.mount(), e.getValue());
      Mount top;
      while ((top = vfs.mounts.topAt(child.mount(), child.inode())) != null) {
        child = new Location(top, top.root);
      }
      walk(vfs, child, path.equals("/") ? "/" + e.getKey() : path + "/" + e.getKey(), out);
    }
  }

  private static String describe(Vfs vfs, Inode i) {
    StringBuilder sb = new StringBuilder()
        .append(i.type).append(' ').append(String.format("%04o", i.mode))
        .append(' ').append(i.uid).append(':').append(i.gid)
        .append(" nlink=").append(i.nlink)
        .append(" ino=").append(i.sb.dev).append('/').append(i.ino);
    if (i.type == FileType.REGULAR) {
      byte[] bytes = vfs.contents.read(i);
      sb.append(" size=").append(bytes.length).append(" sha256=").append(sha256(bytes));
    } else if (i.type == FileType.SYMLINK) {
      sb.append(" -> ").append(i.linkTarget);
    } else if (i.type.isDevice()) {
      sb.append(" rdev=").append(i.rdev);
    }
    return sb.toString();
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Path to description, in path order. */
  public SortedMap<String, String> files() {
    return files;
  }

  /** One line per attached mount: mountpoint, root, fstype, options, propagation; sorted. */
  public List<String> mounts() {
    return mounts;
  }

  /**
   * What changed from this snapshot to {@code after}, one line each, in path order:
   * {@code + path: desc} (appeared), {@code - path: desc} (gone),
   * {@code ~ path: before => after} (changed), then {@code + mount ...} and {@code - mount ...}.
   * Empty when nothing changed.
   */
  public List<String> diff(Snapshot after) {
    List<String> out = new ArrayList<>();
    TreeMap<String, Boolean> paths = new TreeMap<>();
    files.keySet().forEach(p -> paths.put(p, true));
    after.files.keySet().forEach(p -> paths.put(p, true));
    for (String p : paths.keySet()) {
      String a = files.get(p);
      String b = after.files.get(p);
      if (a == null) {
        out.add("+ " + p + ": " + b);
      } else if (b == null) {
        out.add("- " + p + ": " + a);
      } else if (!a.equals(b)) {
        out.add("~ " + p + ": " + a + " => " + b);
      }
    }
    List<String> gone = new ArrayList<>(mounts);
    List<String> added = new ArrayList<>(after.mounts);
    for (String m : mounts) {
      if (added.remove(m)) {
        gone.remove(m);
      }
    }
    gone.forEach(m -> out.add("- mount " + m));
    added.forEach(m -> out.add("+ mount " + m));
    return out;
  }

  /** The whole snapshot as text, one line per path then one per mount. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    files.forEach((p, d) -> sb.append(p).append(": ").append(d).append('\n'));
    mounts.forEach(m -> sb.append("mount ").append(m).append('\n'));
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Snapshot s && s.files.equals(files) && s.mounts.equals(mounts);
  }

  @Override
  public int hashCode() {
    return files.hashCode() * 31 + mounts.hashCode();
  }

  @Override
  public String toString() {
    return "Snapshot(" + files.size() + " paths, " + mounts.size() + " mounts)";
  }
}
