package org.fcproc.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.fcproc.host.MountFlag;
import org.fcproc.host.Propagation;

/**
 * The mount namespace: every mount ever made, by id, and the rules that connect them.
 *
 * <p>Stacking: several mounts may sit on one (parent mount, directory); a walk crosses into
 * the one made last, which is how an overmount hides what was there ({@code lookup_mnt}
 * returns the topmost). Propagation follows {@code Documentation/filesystems/sharedsubtree.rst}
 * to one level: a mount attached under a shared mount becomes shared itself and is copied to
 * the parent's peers (as peers) and slaves (as slaves) that can see the mountpoint; an umount
 * under a shared parent removes those copies. Copies do not propagate further.
 */
final class MountTable {
  private final TreeMap<Integer, Mount> byId = new TreeMap<>();
  private int nextId = 21;
  private int nextGroup = 1;
  private Mount root;

  Mount createRoot(Superblock sb) {
    root = register(sb, sb.root(), sb.fstype, sb.source, Set.of());
    return root;
  }

  Mount root() {
    return root;
  }

  Location nsRoot() {
    return new Location(root, root.root);
  }

  /** A new mount object, not yet attached anywhere. */
  Mount register(Superblock sb, Inode rootInode, String fstype, String source, Set<MountFlag> flags) {
    Mount m = new Mount(nextId++, sb, rootInode, fstype, source, flags);
    byId.put(m.id, m);
    return m;
  }

  int newPeerGroup() {
    return nextGroup++;
  }

  /** The attached mount on top of {@code dir} as reached through {@code parent}, or null. */
  Mount topAt(Mount parent, Inode dir) {
    Mount top = null;
    for (Mount m : byId.values()) {
      if (m.attached && m.parent == parent && m.mountpoint == dir) {
        top = m; // ids grow, so the last match is the last mounted
      }
    }
    return top;
  }

  /** Whether any attached mount sits on {@code inode}: such a name cannot be removed (EBUSY). */
  boolean isMountpoint(Inode inode) {
    for (Mount m : byId.values()) {
      if (m.attached && m.mountpoint == inode && m.parent != null) {
        return true;
      }
    }
    return false;
  }

  List<Mount> children(Mount parent) {
    List<Mount> out = new ArrayList<>();
    for (Mount m : byId.values()) {
      if (m.attached && m.parent == parent) {
        out.add(m);
      }
    }
    return out;
  }

  List<Mount> attached() {
    List<Mount> out = new ArrayList<>();
    for (Mount m : byId.values()) {
      if (m.attached) {
        out.add(m);
      }
    }
    return out;
  }

  /**
   * A copy of {@code source} rooted at {@code rootInode}, as {@code clone_mnt} makes for a bind
   * mount: same superblock, same per-mount flags (so a bind inherits nosuid), and the source's
   * peer group when it is shared (a bind of a shared mount is its peer), its master when it is
   * a slave.
   */
  Mount cloneOf(Mount source, Inode rootInode) {
    Mount c = register(source.sb, rootInode, source.fstype, source.source, source.flags);
    if (source.propagation == Propagation.SHARED) {
      c.propagation = Propagation.SHARED;
      c.peerGroup = source.peerGroup;
    } else if (source.propagation == Propagation.SLAVE) {
      c.propagation = Propagation.SLAVE;
      c.masterGroup = source.masterGroup;
    }
    return c;
  }

  /** {@code copy_tree}: clones of {@code source}'s attached submounts under {@code rootInode}. */
  void copySubmounts(Mount source, Inode rootInode, Mount clone) {
    for (Mount child : children(source)) {
      if (child.propagation == Propagation.UNBINDABLE || !contains(rootInode, child.mountpoint)) {
        continue;
      }
      Mount cc = cloneOf(child, child.root);
      cc.parent = clone;
      cc.mountpoint = child.mountpoint;
      copySubmounts(child, child.root, cc);
    }
  }

  /**
   * Attaches {@code tree} (a fresh mount and the submounts already hung under it) at
   * {@code mountpoint} of {@code parent}, then propagates it.
   */
  void graft(Mount tree, Mount parent, Inode mountpoint) {
    tree.parent = parent;
    tree.mountpoint = mountpoint;
    List<Mount> members = subtree(tree);
    if (parent.propagation != Propagation.SHARED) {
      return;
    }
    for (Mount t : members) {
      if (t.propagation != Propagation.SHARED) {
        t.propagation = Propagation.SHARED;
        t.masterGroup = 0;
        t.peerGroup = newPeerGroup();
      }
    }
    for (Mount receiver : attached()) {
      if (receiver == parent || members.contains(receiver)) {
        continue;
      }
      boolean peer = receiver.propagation == Propagation.SHARED && receiver.peerGroup == parent.peerGroup;
      boolean slave = receiver.masterGroup == parent.peerGroup;
      if ((!peer && !slave) || receiver.sb != parent.sb || !contains(receiver.root, mountpoint)) {
        continue;
      }
      Mount copy = propagatedCopy(tree, peer);
      copy.parent = receiver;
      copy.mountpoint = mountpoint;
    }
  }

  private Mount propagatedCopy(Mount original, boolean asPeer) {
    Mount c = register(original.sb, original.root, original.fstype, original.source, original.flags);
    if (asPeer) {
      c.propagation = Propagation.SHARED;
      c.peerGroup = original.peerGroup;
    } else {
      c.propagation = Propagation.SLAVE;
      c.masterGroup = original.peerGroup;
    }
    for (Mount child : children(original)) {
      Mount cc = propagatedCopy(child, asPeer);
      cc.parent = c;
      cc.mountpoint = child.mountpoint;
    }
    return c;
  }

  /** {@code m} and every attached mount below it, parents before children. */
  List<Mount> subtree(Mount m) {
    List<Mount> out = new ArrayList<>();
    out.add(m);
    for (int i = 0; i < out.size(); i++) {
      out.addAll(children(out.get(i)));
    }
    return out;
  }

  /**
   * {@code umount_tree}: takes {@code m} and all below it out of the namespace. Handles on them
   * keep working; walks from them no longer cross into their former submounts. Copies made by
   * propagation in the parent's peers and slaves go too.
   */
  void detach(Mount m) {
    Mount parent = m.parent;
    List<Mount> gone = subtree(m);
    for (Mount g : gone) {
      g.attached = false;
    }
    if (parent != null && parent.propagation == Propagation.SHARED) {
      for (Mount receiver : attached()) {
        boolean peer = receiver.propagation == Propagation.SHARED && receiver.peerGroup == parent.peerGroup;
        boolean slave = receiver.masterGroup == parent.peerGroup;
        if (receiver == parent || (!peer && !slave)) {
          continue;
        }
        for (Mount c : children(receiver)) {
          if (c.mountpoint == m.mountpoint && c.root == m.root && c.sb == m.sb && children(c).isEmpty()) {
            c.attached = false;
          }
        }
      }
    }
  }

  /** Whether {@code target} lies in the raw tree under directory (or file) {@code top}. */
  static boolean contains(Inode top, Inode target) {
    if (top == target) {
      return true;
    }
    if (!top.isDir()) {
      return false;
    }
    if (target.isDir()) {
      return target.isWithin(top) && reachable(target);
    }
    return relPath(top, target) != null;
  }

  private static boolean reachable(Inode dir) {
    Inode d = dir;
    while (d.parent != d) {
      if (d.parent == null || d.parent.nameOf(d) == null) {
        return false;
      }
      d = d.parent;
    }
    return true;
  }

  /**
   * The path of {@code target} below {@code top} in the raw tree of one superblock,
   * {@code ""} when they are the same, null when {@code target} is not under {@code top}.
   * Directories are found by their parent pointers; other inodes, which may have several
   * names, by the first name in a depth-first walk in name order.
   */
  static String relPath(Inode top, Inode target) {
    if (top == target) {
      return "";
    }
    if (target.isDir()) {
      StringBuilder sb = new StringBuilder();
      Inode d = target;
      while (d != top) {
        if (d.parent == null || d.parent == d) {
          return null;
        }
        String name = d.parent.nameOf(d);
        if (name == null) {
          return null;
        }
        sb.insert(0, "/" + name);
        d = d.parent;
      }
      return sb.toString();
    }
    if (!top.isDir()) {
      return null;
    }
    for (Map.Entry<String, Inode> e : top.entries.entrySet()) {
      Inode child = e.getValue();
      if (child == target) {
        return "/" + e.getKey();
      }
      if (child.isDir()) {
        String below = relPath(child, target);
        if (below != null) {
          return "/" + e.getKey() + below;
        }
      }
    }
    return null;
  }

  /** The absolute path of a location in this namespace, for mountinfo and messages. */
  String pathOf(Mount m, Inode inode) {
    String rel = relPath(m.root, inode);
    if (rel == null) {
      rel = "/(unreachable)";
    }
    if (m.parent == null) {
      return rel.isEmpty() ? "/" : rel;
    }
    String base = pathOf(m.parent, m.mountpoint);
    if (rel.isEmpty()) {
      return base;
    }
    return base.equals("/") ? rel : base + rel;
  }

  /** The mount's root within its filesystem, as mountinfo's fourth field. */
  static String rootWithin(Mount m) {
    String rel = relPath(m.sb.root(), m.root);
    if (rel == null) {
      return "//deleted";
    }
    return rel.isEmpty() ? "/" : rel;
  }

  /**
   * {@code /proc/self/mountinfo}, in id order. {@code show_mountinfo} escapes space, tab,
   * newline and backslash in paths ({@code mangle}), which is why a parser must never split a
   * path on whitespace. The namespace root's parent is shown as 1, a mount outside the
   * namespace, as in a container or after {@code pivot_root}.
   */
  String mountInfo() {
    StringBuilder out = new StringBuilder();
    for (Mount m : attached()) {
      out.append(m.id).append(' ')
          .append(m.parent == null ? 1 : m.parent.id).append(' ')
          .append(m.sb.dev.major()).append(':').append(m.sb.dev.minor()).append(' ')
          .append(escape(rootWithin(m))).append(' ')
          .append(escape(m.parent == null ? "/" : pathOf(m.parent, m.mountpoint))).append(' ')
          .append(options(m));
      switch (m.propagation) {
        case SHARED -> out.append(" shared:").append(m.peerGroup);
        case UNBINDABLE -> out.append(" unbindable");
        default -> { }
      }
      if (m.masterGroup != 0) {
        out.append(" master:").append(m.masterGroup);
      }
      out.append(" - ").append(escape(m.fstype)).append(' ').append(escape(m.source)).append(" rw\n");
    }
    return out.toString();
  }

  static String options(Mount m) {
    StringBuilder o = new StringBuilder(m.readOnly() ? "ro" : "rw");
    if (m.flags.contains(MountFlag.NOSUID)) {
      o.append(",nosuid");
    }
    if (m.flags.contains(MountFlag.NODEV)) {
      o.append(",nodev");
    }
    if (m.flags.contains(MountFlag.NOEXEC)) {
      o.append(",noexec");
    }
    return o.append(",relatime").toString();
  }

  /** The kernel's {@code mangle()}: {@code \040 \011 \012 \134}. */
  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case ' ' -> out.append("\\040");
        case '\t' -> out.append("\\011");
        case '\n' -> out.append("\\012");
        case '\\' -> out.append("\\134");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
