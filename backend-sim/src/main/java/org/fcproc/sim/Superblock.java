package org.fcproc.sim;

import org.fcproc.host.DeviceNumber;
import org.fcproc.host.FileType;

/**
 * One mounted filesystem instance: its device number and its inode numbering. A bind mount does
 * not make a new superblock, which is why {@code stat} reports the same {@code st_dev} and
 * {@code st_ino} through both paths of a bind mount.
 */
final class Superblock {
  final DeviceNumber dev;
  final String fstype;
  final String source;
  /** The host's wall clock, nanoseconds since the epoch: a new inode's modification time. */
  private final java.util.function.LongSupplier wallClock;
  private long nextIno;
  private Inode root;

  private Superblock(DeviceNumber dev, String fstype, String source, long firstIno, java.util.function.LongSupplier wallClock) {
    this.dev = dev;
    this.fstype = fstype;
    this.source = source;
    this.nextIno = firstIno;
    this.wallClock = wallClock;
  }

  /**
   * A new filesystem with an empty root directory. ext4 numbers its root inode 2, tmpfs 1; the
   * simulator follows that so that inode numbers in test output look familiar.
   */
  static Superblock create(DeviceNumber dev, String fstype, String source, int rootMode, int uid, int gid,
      java.util.function.LongSupplier wallClock) {
    long rootIno = "ext4".equals(fstype) ? 2 : 1;
    Superblock sb = new Superblock(dev, fstype, source, rootIno, wallClock);
    Inode r = sb.newInode(FileType.DIRECTORY, rootMode, uid, gid, DeviceNumber.NONE, null);
    r.parent = r;
    r.nlink = 2;
    sb.root = r;
    if ("ext4".equals(fstype)) {
      sb.nextIno = 11; // ext4's first non-reserved inode
    }
    return sb;
  }

  Inode root() {
    return root;
  }

  Inode newInode(FileType type, int mode, int uid, int gid, DeviceNumber rdev, String linkTarget) {
    Inode i = new Inode(this, nextIno++, type, mode & 07777, uid, gid, rdev, linkTarget);
    i.mtime = wallClock.getAsLong();
    return i;
  }
}
