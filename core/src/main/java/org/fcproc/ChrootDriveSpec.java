package org.fcproc;

/**
 * The seed's {@code ChrootDriveSpec}: a drive as it should appear inside the jailer chroot.
 *
 * @param chrootName the bare file name inside the chroot, e.g. {@code rootfs}
 * @param hostPath the host source: a regular file (hard-linked) or a block device (a node
 *     with its major:minor is made)
 */
public record ChrootDriveSpec(String chrootName, String hostPath) {
  public ChrootDriveSpec {
    Inputs.name("drive chroot name", chrootName);
    Inputs.absolutePath("drive host path", hostPath);
  }
}
