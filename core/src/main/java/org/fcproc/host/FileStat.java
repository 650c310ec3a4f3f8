package org.fcproc.host;

import java.util.Objects;

/**
 * What {@code statx(2)} says of an inode, with {@code STATX_MNT_ID}.
 *
 * @param type the inode type ({@code S_IFMT})
 * @param mode the permission bits, {@code 07777}
 * @param uid owner
 * @param gid group
 * @param nlink hard-link count
 * @param dev the filesystem's device number (which superblock holds the inode)
 * @param ino inode number, unique within {@code dev}
 * @param rdev major:minor for device nodes, {@link DeviceNumber#NONE} otherwise
 * @param size bytes, for regular files and symlinks
 * @param mountId the id of the mount the inode was reached through, as in the first field of
 *     {@code /proc/self/mountinfo}
 */
public record FileStat(
    FileType type,
    int mode,
    int uid,
    int gid,
    long nlink,
    long dev,
    long ino,
    DeviceNumber rdev,
    long size,
    long mountId) {

  public FileStat {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(rdev, "rdev");
    if ((mode & ~07777) != 0) {
      throw new IllegalArgumentException("mode has bits outside 07777: 0" + Integer.toOctalString(mode));
    }
  }

  /** Same inode: same filesystem and inode number. */
  public boolean sameInode(FileStat other) {
    return dev == other.dev && ino == other.ino;
  }

  public boolean is(FileType t) {
    return type == t;
  }

  /** Mode as {@code ls -l} would print the permission part, e.g. {@code 0600}. */
  public String octalMode() {
    return String.format("%04o", mode);
  }
}
