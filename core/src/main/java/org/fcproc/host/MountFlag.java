package org.fcproc.host;

/** Per-mount flags of {@code mount(2)} that fcproc sets or reads. */
public enum MountFlag {
  /** {@code MS_RDONLY}: writes through the mount get EROFS. */
  READ_ONLY,
  /** {@code MS_NOSUID}. A bind mount inherits it from its source mount. */
  NOSUID,
  /** {@code MS_NODEV}. */
  NODEV,
  /** {@code MS_NOEXEC}. */
  NOEXEC
}
