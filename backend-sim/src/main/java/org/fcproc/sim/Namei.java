package org.fcproc.sim;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import org.fcproc.host.Errno;
import org.fcproc.host.FileType;
import org.fcproc.host.HostException;
import org.fcproc.host.Resolve;

/**
 * Path resolution, the simulator's {@code fs/namei.c}: the one walk every call uses.
 *
 * <ul>
 *   <li>Every directory walked needs search permission (EACCES); a non-directory in the middle
 *       is ENOTDIR; a missing name ENOENT.
 *   <li>A name with a mount on it is crossed into the topmost mount ({@code follow_mount}),
 *       the final name included: that is why {@code lstat} of a mountpoint reports the mounted
 *       root. {@code ..} at a mount's root climbs to the mountpoint first
 *       ({@code follow_dotdot}); at the walk's root it stays.
 *   <li>Symlinks are followed, 40 at most per walk ({@code MAXSYMLINKS}, then ELOOP), except a
 *       final one when the caller says not to. {@code fs.protected_symlinks} is checked on
 *       every follow.
 *   <li>{@code openat2} restrictions: BENEATH makes the start the root and any escape EXDEV;
 *       IN_ROOT makes the start the root; NO_SYMLINKS refuses every symlink it would follow
 *       (ELOOP) — a final symlink not followed (O_NOFOLLOW) is returned, as
 *       {@code step_into} only calls {@code pick_link} for links it follows; NO_XDEV refuses
 *       any mount crossing (EXDEV), ".." and absolute jumps included.
 * </ul>
 */
final class Namei {
  static final int MAX_SYMLINKS = 40;

  private final MountTable mounts;

  Namei(MountTable mounts) {
    this.mounts = mounts;
  }

  /** The parent directory of a name, and the name, for calls that create or remove it. */
  record Parent(Location dir, String name) {
    Inode child() {
      return dir.inode().entries.get(name);
    }
  }

  /** One resolution: its root, its start, its restrictions and the links followed so far. */
  static final class Walk {
    final Location start;
    final Location root;
    final Set<Resolve> resolve;
    int links;

    private Walk(Location start, Location root, Set<Resolve> resolve) {
      this.start = start;
      this.root = root;
      this.resolve = resolve;
    }

    boolean has(Resolve r) {
      return resolve.contains(r);
    }
  }

  Walk begin(Op op, Location start, Set<Resolve> resolve) throws HostException {
    boolean scoped = resolve.contains(Resolve.BENEATH) || resolve.contains(Resolve.IN_ROOT);
    if (resolve.contains(Resolve.BENEATH) && resolve.contains(Resolve.IN_ROOT)) {
      throw op.fail(Errno.EINVAL, "RESOLVE_BENEATH with RESOLVE_IN_ROOT");
    }
    return new Walk(start, scoped ? start : mounts.nsRoot(), resolve);
  }

  Walk begin(Op op, Location start) throws HostException {
    return begin(op, start, Set.of());
  }

  /** The location {@code path} names from {@code from}; a final symlink followed if asked. */
  Location lookup(Op op, Walk w, Location from, String path, boolean followFinal) throws HostException {
    return run(op, w, from, path, followFinal, false).dir();
  }

  /** All but the last component resolved; the last one returned as a name, not looked up. */
  Parent parent(Op op, Walk w, Location from, String path) throws HostException {
    return run(op, w, from, path, false, true);
  }

  private Parent run(Op op, Walk w, Location from, String path, boolean followFinal, boolean parentMode)
      throws HostException {
    if (path.isEmpty()) {
      throw op.fail(Errno.ENOENT, "empty path");
    }
    Deque<String> parts = new ArrayDeque<>();
    boolean mustBeDir = pushFront(parts, path) && !parentMode;
    boolean follow = followFinal || mustBeDir;
    Location cur = from;
    if (path.startsWith("/")) {
      cur = jumpToRoot(op, w, cur, false);
    }
    while (!parts.isEmpty()) {
      String c = parts.pollFirst();
      boolean last = parts.isEmpty();
      if (!cur.inode().isDir()) {
        throw op.fail(Errno.ENOTDIR, "a component of the path is not a directory");
      }
      op.access().search(op, cur.inode());
      if (parentMode && last) {
        return new Parent(cur, c);
      }
      if (c.equals("..")) {
        cur = dotdot(op, w, cur);
        continue;
      }
      Inode child = cur.inode().entries.get(c);
      if (child == null) {
        throw op.fail(Errno.ENOENT);
      }
      if (child.type == FileType.SYMLINK && (!last || follow)) {
        if (w.has(Resolve.NO_SYMLINKS)) {
          throw op.fail(Errno.ELOOP, "RESOLVE_NO_SYMLINKS");
        }
        if (++w.links > MAX_SYMLINKS) {
          throw op.fail(Errno.ELOOP, "too many levels of symbolic links");
        }
        op.access().followLink(op, cur.inode(), child);
        String target = child.linkTarget;
        if (target.isEmpty()) {
          throw op.fail(Errno.ENOENT);
        }
        pushFront(parts, target);
        if (target.startsWith("/")) {
          cur = jumpToRoot(op, w, cur, true);
        }
        continue;
      }
      cur = crossDown(op, w, new Location(cur.mount(), child));
    }
    if (parentMode) {
      return new Parent(cur, ".");
    }
    if (mustBeDir && !cur.inode().isDir()) {
      throw op.fail(Errno.ENOTDIR);
    }
    return new Parent(cur, null);
  }

  /** Puts the components of {@code path} in front; returns whether it ends with a slash. */
  private static boolean pushFront(Deque<String> parts, String path) {
    String[] comps = path.split("/");
    for (int i = comps.length - 1; i >= 0; i--) {
      String c = comps[i];
      if (!c.isEmpty() && !c.equals(".")) {
        parts.addFirst(c);
      }
    }
    return path.endsWith("/") && path.length() > 1;
  }

  private Location jumpToRoot(Op op, Walk w, Location cur, boolean bySymlink) throws HostException {
    if (w.has(Resolve.BENEATH)) {
      throw op.fail(Errno.EXDEV, bySymlink ? "absolute symlink escapes RESOLVE_BENEATH" : "absolute path with RESOLVE_BENEATH");
    }
    if (bySymlink && w.has(Resolve.NO_XDEV) && w.root.mount() != cur.mount()) {
      throw op.fail(Errno.EXDEV, "RESOLVE_NO_XDEV");
    }
    return w.root;
  }

  private Location dotdot(Op op, Walk w, Location cur) throws HostException {
    Location at = cur;
    while (true) {
      if (at.equals(w.root)) {
        if (w.has(Resolve.BENEATH)) {
          throw op.fail(Errno.EXDEV, "\"..\" escapes RESOLVE_BENEATH");
        }
        return at;
      }
      if (!at.isMountRoot()) {
        break;
      }
      Mount m = at.mount();
      if (m.parent == null || !m.attached) {
        return at; // the namespace root, or a detached mount: ".." stays
      }
      if (w.has(Resolve.NO_XDEV)) {
        throw op.fail(Errno.EXDEV, "RESOLVE_NO_XDEV");
      }
      at = new Location(m.parent, m.mountpoint);
    }
    return crossDown(op, w, new Location(at.mount(), at.inode().parent));
  }

  /** {@code follow_mount}: into the topmost mount stacked on the location, repeatedly. */
  Location crossDown(Op op, Walk w, Location loc) throws HostException {
    Location at = loc;
    while (true) {
      Mount top = mounts.topAt(at.mount(), at.inode());
      if (top == null) {
        return at;
      }
      if (w != null && w.has(Resolve.NO_XDEV)) {
        throw op.fail(Errno.EXDEV, "RESOLVE_NO_XDEV");
      }
      at = new Location(top, top.root);
    }
  }
}
