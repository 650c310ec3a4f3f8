package org.fcproc.host;

/** Flags of {@code umount2(2)}. */
public enum UmountFlag {
  /** {@code MNT_FORCE}. */
  FORCE,
  /** {@code MNT_DETACH}: detach now, free when no longer busy. */
  DETACH,
  /** {@code UMOUNT_NOFOLLOW}: a symlink at the last component is not followed (EINVAL). */
  NOFOLLOW
}
