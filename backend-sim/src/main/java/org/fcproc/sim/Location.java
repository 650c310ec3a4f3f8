package org.fcproc.sim;

/**
 * Where a walk stands: a mount and an inode reached through it, Linux's {@code struct path}.
 * The same inode reached through two mounts is two locations: that is why {@code link(2)}
 * across them is EXDEV and why {@code statx} reports different mount ids. Equality is
 * identity of both parts.
 */
record Location(Mount mount, Inode inode) {
  boolean isMountRoot() {
    return inode == mount.root;
  }
}
