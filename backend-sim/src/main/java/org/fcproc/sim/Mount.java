package org.fcproc.sim;

import java.util.EnumSet;
import java.util.Set;
import org.fcproc.host.MountFlag;
import org.fcproc.host.Propagation;

/**
 * One mount ({@code struct mount}): a superblock's directory (or file, for a file bind mount)
 * shown at a mountpoint of a parent mount. Its root may be any inode of the superblock, which
 * is what a bind mount of a subdirectory is. Ids are never reused, like the ids in
 * {@code /proc/self/mountinfo}.
 */
final class Mount {
  final int id;
  final Superblock sb;
  final Inode root;
  final String fstype;
  final String source;
  /** Null for the namespace root. */
  Mount parent;
  Inode mountpoint;
  final EnumSet<MountFlag> flags;
  Propagation propagation = Propagation.PRIVATE;
  /** The {@code shared:N} peer group, 0 when not shared. */
  int peerGroup;
  /** The {@code master:N} group, 0 when not a slave. */
  int masterGroup;
  /** False once umounted (or lazily detached): it is then out of the namespace. */
  boolean attached = true;
  /** Open handles pinning this mount: without MNT_DETACH they make umount2 EBUSY. */
  int openHandles;

  Mount(int id, Superblock sb, Inode root, String fstype, String source, Set<MountFlag> flags) {
    this.id = id;
    this.sb = sb;
    this.root = root;
    this.fstype = fstype;
    this.source = source;
    this.flags = flags.isEmpty() ? EnumSet.noneOf(MountFlag.class) : EnumSet.copyOf(flags);
  }

  boolean readOnly() {
    return flags.contains(MountFlag.READ_ONLY);
  }

  @Override
  public String toString() {
    return "mount " + id;
  }
}
