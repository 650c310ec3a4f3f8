package org.fcproc.sim;

import org.fcproc.host.Credentials;
import org.fcproc.host.Errno;
import org.fcproc.host.FileType;
import org.fcproc.host.HostException;

/**
 * The permission rules of one caller ({@code fs/namei.c}'s {@code generic_permission},
 * {@code may_delete}, {@code may_follow_link}, {@code may_linkat}).
 *
 * <p>Root bypasses the discretionary checks, as {@code CAP_DAC_OVERRIDE} and
 * {@code CAP_FOWNER} do, but not {@code fs.protected_symlinks}: the kernel applies that one to
 * root too, which is exactly what makes a symlink planted in a sticky world-writable directory
 * harmless to a root helper. Supplementary groups are not modelled: only the caller's gid
 * counts for the group bits.
 */
final class Access {
  private final Credentials creds;
  private final boolean fixture;
  private final boolean protectedSymlinks;
  private final boolean protectedHardlinks;

  Access(Credentials creds, boolean fixture, boolean protectedSymlinks, boolean protectedHardlinks) {
    this.creds = creds;
    this.fixture = fixture;
    this.protectedSymlinks = protectedSymlinks;
    this.protectedHardlinks = protectedHardlinks;
  }

  /** The test fixture: root that skips every check, protected links included. */
  static Access fixture() {
    return new Access(Credentials.root(), true, false, false);
  }

  Credentials credentials() {
    return creds;
  }

  boolean privileged() {
    return fixture || creds.isRoot();
  }

  int uid() {
    return creds.euid();
  }

  int gid() {
    return creds.gid();
  }

  /** The {@code rwx} bits that apply to this caller: owner, else group, else other. */
  boolean may(Inode inode, int bit) {
    if (privileged()) {
      // CAP_DAC_OVERRIDE: everything but exec of a file with no x bit at all.
      return bit != 1 || inode.isDir() || (inode.mode & 0111) != 0;
    }
    int shift = creds.euid() == inode.uid ? 6 : creds.gid() == inode.gid ? 3 : 0;
    return ((inode.mode >> shift) & bit) != 0;
  }

  /** Search permission on a directory being walked: EACCES. */
  void search(Op op, Inode dir) throws HostException {
    if (!may(dir, 1)) {
      throw op.fail(Errno.EACCES, "no search permission on a directory of the path");
    }
  }

  /** Write and search on the directory whose entries change ({@code may_create}, {@code may_delete}). */
  void modify(Op op, Inode dir) throws HostException {
    if (!may(dir, 2) || !may(dir, 1)) {
      throw op.fail(Errno.EACCES, "no write permission on the directory");
    }
  }

  /**
   * {@code in_group_or_capable}: whether a setgid bit for group {@code gid} may stay — in a
   * {@code chmod} by the owner, or on a new file in a setgid directory ({@code mode_strip_sgid}).
   * Only the caller's gid counts (no supplementary groups); root ({@code CAP_FSETID}) always.
   */
  boolean inGroupOrCapable(int gid) {
    return privileged() || creds.gid() == gid;
  }

  /**
   * Moving a directory to another parent rewrites its {@code ..}: {@code vfs_rename} asks for
   * write permission on the directory itself (EACCES).
   */
  void moveDirectory(Op op, Inode directory) throws HostException {
    if (!may(directory, 2)) {
      throw op.fail(Errno.EACCES, "moving a directory to another parent needs write permission on it");
    }
  }

  /** The sticky bit: only the file's owner, the directory's owner or root may remove or rename. */
  void sticky(Op op, Inode dir, Inode victim) throws HostException {
    if (!privileged() && (dir.mode & 01000) != 0 && creds.euid() != victim.uid && creds.euid() != dir.uid) {
      throw op.fail(Errno.EPERM, "sticky directory");
    }
  }

  /**
   * {@code fs.protected_symlinks}: a symlink in a sticky, world-writable directory is followed
   * only when the follower owns it or the directory's owner owns it. Applies to root.
   */
  void followLink(Op op, Inode dir, Inode link) throws HostException {
    if (!protectedSymlinks || fixture) {
      return;
    }
    if ((dir.mode & 01002) == 01002 && creds.euid() != link.uid && dir.uid != link.uid) {
      throw op.fail(Errno.EACCES, "fs.protected_symlinks");
    }
  }

  /**
   * {@code fs.protected_hardlinks}: without {@code CAP_FOWNER}, one may link only a file one
   * owns, or a regular file one can read and write that is neither setuid nor setgid-exec.
   */
  void hardlink(Op op, Inode source) throws HostException {
    if (!protectedHardlinks || privileged() || creds.euid() == source.uid) {
      return;
    }
    boolean safe = source.type == FileType.REGULAR
        && (source.mode & 04000) == 0
        && (source.mode & 02010) != 02010
        && may(source, 4)
        && may(source, 2);
    if (!safe) {
      throw op.fail(Errno.EPERM, "fs.protected_hardlinks");
    }
  }

  /** {@code CAP_SYS_ADMIN}, {@code CAP_MKNOD} and friends: EPERM for anyone but root. */
  void requireRoot(Op op) throws HostException {
    if (!privileged()) {
      throw op.fail(Errno.EPERM, "needs root");
    }
  }

  /** Only the owner or root changes a mode ({@code inode_owner_or_capable}). */
  void owner(Op op, Inode inode) throws HostException {
    if (!privileged() && creds.euid() != inode.uid) {
      throw op.fail(Errno.EPERM, "not the owner");
    }
  }
}
