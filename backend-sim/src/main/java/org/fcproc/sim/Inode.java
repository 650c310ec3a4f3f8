package org.fcproc.sim;

import java.util.Map;
import java.util.TreeMap;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.FileType;

/**
 * An inode of the simulated tree. The simulator, not Jimfs, owns it: a handle pins an
 * {@code Inode} object, so a rename or an overmount of its name cannot redirect the handle,
 * exactly as an open file description pins a {@code struct inode} on Linux.
 *
 * <p>A directory holds its entries in a {@link TreeMap} (deterministic {@code getdents} order)
 * and knows its parent, since directories cannot be hard-linked ({@code link(2)} on a
 * directory gives EPERM). Link counts follow ext4: a directory has one link for its name, one
 * for its own {@code .}, and one per subdirectory's {@code ..}.
 */
final class Inode {
  final Superblock sb;
  final long ino;
  final FileType type;
  int mode;
  int uid;
  int gid;
  long nlink;
  final DeviceNumber rdev;
  final String linkTarget;
  final TreeMap<String, Inode> entries;
  Inode parent;
  /** {@code st_mtime}, nanoseconds since the epoch on the host's wall clock: set when the inode is
   *  made and when a regular file's bytes are written (the only changes fcproc looks at). */
  long mtime;
  /** The fake Firecracker listening on this socket inode, or null. */
  ApiServer listener;
  /** Open handles on this inode: its bytes survive the last unlink while one remains. */
  int openCount;
  /** The inotify instances watching this inode ({@link SimWatch}), or null when none. */
  java.util.List<SimWatch> watches;

  Inode(Superblock sb, long ino, FileType type, int mode, int uid, int gid, DeviceNumber rdev, String linkTarget) {
    this.sb = sb;
    this.ino = ino;
    this.type = type;
    this.mode = mode;
    this.uid = uid;
    this.gid = gid;
    this.rdev = rdev;
    this.linkTarget = linkTarget;
    this.entries = type == FileType.DIRECTORY ? new TreeMap<>() : null;
  }

  boolean isDir() {
    return type == FileType.DIRECTORY;
  }

  /** The name of {@code child} in this directory, or null. */
  String nameOf(Inode child) {
    for (Map.Entry<String, Inode> e : entries.entrySet()) {
      if (e.getValue() == child) {
        return e.getKey();
      }
    }
    return null;
  }

  /** Enters {@code child} under {@code name}, keeping link counts as ext4 does; a watch of this
   *  directory hears IN_CREATE. */
  void attach(String name, Inode child) {
    link(name, child);
    raise(org.fcproc.host.WatchEvent.Kind.CREATE, name);
  }

  /** {@link #attach} for a rename into this directory: a watch hears IN_MOVED_TO, and a watch of
   *  the moved inode IN_MOVE_SELF. */
  void moveIn(String name, Inode child) {
    link(name, child);
    raise(org.fcproc.host.WatchEvent.Kind.MOVED_TO, name);
    child.raise(org.fcproc.host.WatchEvent.Kind.MOVE_SELF, "");
  }

  private void link(String name, Inode child) {
    entries.put(name, child);
    child.nlink++;
    if (child.isDir()) {
      child.parent = this;
      child.nlink++; // its "."
      nlink++; // its ".." names us
    }
  }

  /** Removes the entry {@code name}, which must exist; returns the inode it named. */
  Inode detach(String name) {
    Inode child = unlink(name);
    if (child.isDir()) {
      child.goneIfUnused();
    }
    return child;
  }

  /** {@link #detach} of an entry about to be entered elsewhere ({@link #moveIn}): it is not gone. */
  Inode detachForMove(String name) {
    return unlink(name);
  }

  private Inode unlink(String name) {
    Inode child = entries.remove(name);
    child.nlink--;
    if (child.isDir()) {
      child.nlink--;
      nlink--;
    }
    return child;
  }

  /** Tells the watches of this inode that {@code kind} happened ({@code name} in it, or itself). */
  void raise(org.fcproc.host.WatchEvent.Kind kind, String name) {
    if (watches != null) {
      for (SimWatch w : java.util.List.copyOf(watches)) {
        w.raise(this, kind, name);
      }
    }
  }

  /**
   * A removed directory that no handle holds any more: its watches hear IN_DELETE_SELF, then
   * IN_IGNORED, and end (on Linux an open descriptor keeps the dentry, and with it these events,
   * until it is closed).
   */
  void goneIfUnused() {
    if (watches != null && isDir() && nlink <= 0 && openCount == 0) {
      raise(org.fcproc.host.WatchEvent.Kind.DELETE_SELF, "");
      for (SimWatch w : java.util.List.copyOf(watches)) {
        w.ignore(this);
      }
    }
  }

  /** Whether {@code this} directory is {@code other} or one of its descendants. */
  boolean isWithin(Inode other) {
    Inode d = this;
    while (true) {
      if (d == other) {
        return true;
      }
      if (d.parent == d || d.parent == null) {
        return false;
      }
      d = d.parent;
    }
  }

  /** Key of the Jimfs file that holds a regular file's bytes. */
  String contentKey() {
    return sb.dev.major() + "_" + sb.dev.minor() + "-" + ino;
  }

  @Override
  public String toString() {
    return type + " " + sb.dev + ":" + ino;
  }
}
