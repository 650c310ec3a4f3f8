package org.fcproc;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The arguments of the seed's {@code PrepareJailerChroot}, checked together before anything on
 * the host is touched.
 *
 * <p>The chroot must be a {@link JailPath}, {@code <jail base>/<exec name>/<id>/root}, as the
 * jailer lays it out: a jail base other than {@code /} (staging makes the three parents
 * traversable, {@code chmod 0711}, and gives the per-VM directory to the VM's uid, so a shorter
 * path would change {@code /} itself), the jailer's id rule, and an exec name equal to the
 * firecracker binary's file name — the directory the jailer itself would use for that binary. The
 * seed trusts its caller for this; fcproc refuses. The names used inside the chroot may not be
 * the chroot's own directories nor what the jailer creates there ({@code dev}, {@code run},
 * {@code old_root}, {@code <exec name>.pid}, the library directories).
 *
 * @param chrootRoot the chroot, e.g. {@code /srv/jail/firecracker/vm1/root}
 * @param uid the jailed uid
 * @param gid the jailed gid
 * @param firecrackerHostPath the binary to copy into the chroot
 * @param kernelHostPath the kernel image to link
 * @param kernelName its name inside the chroot
 * @param initrdHostPath the initrd to link, or empty for none
 * @param initrdName its name inside the chroot (required with an initrd)
 * @param drives the drives
 * @param wantVsock whether to make {@code dev/vhost-vsock}
 */
public record ChrootSpec(
    String chrootRoot,
    int uid,
    int gid,
    String firecrackerHostPath,
    String kernelHostPath,
    String kernelName,
    String initrdHostPath,
    String initrdName,
    List<ChrootDriveSpec> drives,
    boolean wantVsock) {

  public ChrootSpec {
    if (chrootRoot == null || chrootRoot.isBlank()) {
      throw new InvalidInputException("chroot root", "chroot root is required");
    }
    JailPath jail = JailPath.parse("chroot root", chrootRoot);
    Inputs.id("uid", uid);
    Inputs.id("gid", gid);
    Inputs.absolutePath("firecracker host path", firecrackerHostPath);
    if (!jail.execName().equals(NoFollowPaths.leaf(firecrackerHostPath))) {
      throw new InvalidInputException("chroot root", RefusedException.quote(chrootRoot) + " is under exec name "
          + RefusedException.quote(jail.execName()) + ", but the binary is " + RefusedException.quote(firecrackerHostPath)
          + ": the jailer names the directory after the binary's file name");
    }
    Inputs.absolutePath("kernel host path", kernelHostPath);
    Inputs.name("kernel name", kernelName);
    Objects.requireNonNull(initrdHostPath, "initrdHostPath (use \"\" for none)");
    Objects.requireNonNull(initrdName, "initrdName (use \"\" for none)");
    if (!initrdHostPath.isBlank()) {
      Inputs.absolutePath("initrd host path", initrdHostPath);
      Inputs.name("initrd name", initrdName);
    }
    drives = List.copyOf(drives);
    Set<String> names = new HashSet<>();
    names.add(kernelName);
    if (!names.add(NoFollowPaths.leaf(firecrackerHostPath))) {
      throw new InvalidInputException("kernel name", "\"" + kernelName + "\" is already used in the chroot by the firecracker binary");
    }
    if (!initrdHostPath.isBlank() && !names.add(initrdName)) {
      throw new InvalidInputException("initrd name", "\"" + initrdName + "\" is already used in the chroot");
    }
    for (ChrootDriveSpec d : drives) {
      if (!names.add(d.chrootName())) {
        throw new InvalidInputException("drive chroot name", "\"" + d.chrootName() + "\" is already used in the chroot");
      }
    }
    for (String reserved : List.of("dev", "usr", "lib", "lib64", "run", "old_root", jail.execName() + ".pid")) {
      if (names.contains(reserved)) {
        throw new InvalidInputException("chroot names", "\"" + reserved + "\" is reserved for the chroot's own directories");
      }
    }
  }

  /** The chroot as the jailer's layout. */
  public JailPath jailPath() {
    return JailPath.parse("chroot root", chrootRoot);
  }

  /** {@code filepath.Dir(chrootRoot)}: the per-VM directory, given to the VM's uid. */
  String vmDir() {
    return NoFollowPaths.parent(chrootRoot);
  }

  /** The firecracker base directory, made 0711. */
  String firecrackerBaseDir() {
    return NoFollowPaths.parent(vmDir());
  }

  /** The jail base directory, made 0711. */
  String jailBaseDir() {
    return NoFollowPaths.parent(firecrackerBaseDir());
  }
}
