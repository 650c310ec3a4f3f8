package org.fcproc;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 * @see #builder() the same arguments by name, with the initrd optional and the kernel's name defaulted
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

  /** A spec by named steps: see {@link Builder}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The ten arguments by name, for code that embeds fcproc: the initrd is an {@link Optional}
   * instead of {@code ""}, and the names inside the chroot default to the host files' names (the
   * jailer's convention, and what the CLI does). {@link #build()} runs the record's checks, so a
   * builder cannot make a spec the constructor would refuse; a required argument left unset is
   * refused naming it.
   */
  public static final class Builder {
    private String chrootRoot;
    private Integer uid;
    private Integer gid;
    private String firecrackerHostPath;
    private String kernelHostPath;
    private String kernelName;
    private Optional<String> initrdHostPath = Optional.empty();
    private String initrdName;
    private final List<ChrootDriveSpec> drives = new ArrayList<>();
    private boolean wantVsock;

    private Builder() {}

    /** The chroot, {@code <jail base>/<exec name>/<id>/root}. */
    public Builder chroot(String chrootRoot) {
      this.chrootRoot = chrootRoot;
      return this;
    }

    /** The jailed uid and gid (the jailer's {@code --uid}/{@code --gid}). */
    public Builder owner(int uid, int gid) {
      this.uid = uid;
      this.gid = gid;
      return this;
    }

    /** The firecracker binary copied into the chroot; its file name must be the exec name. */
    public Builder firecracker(String hostPath) {
      this.firecrackerHostPath = hostPath;
      return this;
    }

    /** The kernel image, linked into the chroot under its own file name. */
    public Builder kernel(String hostPath) {
      return kernel(hostPath, null);
    }

    /** The kernel image, linked into the chroot as {@code name} ({@code null}: its file name). */
    public Builder kernel(String hostPath, String name) {
      this.kernelHostPath = hostPath;
      this.kernelName = name;
      return this;
    }

    /** The initrd, if any, linked under its own file name. */
    public Builder initrd(Optional<String> hostPath) {
      this.initrdHostPath = Objects.requireNonNull(hostPath, "initrd (Optional.empty() for none)");
      this.initrdName = null;
      return this;
    }

    /** The initrd, linked into the chroot as {@code name} ({@code null}: its file name). */
    public Builder initrd(String hostPath, String name) {
      this.initrdHostPath = Optional.of(Objects.requireNonNull(hostPath, "initrd host path"));
      this.initrdName = name;
      return this;
    }

    /** One more drive: {@code hostPath} linked into the chroot as {@code chrootName}. */
    public Builder drive(String chrootName, String hostPath) {
      drives.add(new ChrootDriveSpec(chrootName, hostPath));
      return this;
    }

    /** The drives, replacing any added so far. */
    public Builder drives(List<ChrootDriveSpec> drives) {
      this.drives.clear();
      this.drives.addAll(List.copyOf(drives));
      return this;
    }

    /** Whether to make {@code dev/vhost-vsock} in the chroot (default: no). */
    public Builder vsock(boolean wantVsock) {
      this.wantVsock = wantVsock;
      return this;
    }

    /** The spec, checked as the constructor checks it. */
    public ChrootSpec build() {
      if (uid == null || gid == null) {
        throw new InvalidInputException("uid", "uid and gid are required (owner(uid, gid))");
      }
      String kernel = kernelName != null ? kernelName : defaultName("kernel host path", kernelHostPath);
      String initrd = initrdHostPath.orElse("");
      String initrdAs = initrd.isEmpty() ? "" : initrdName != null ? initrdName : defaultName("initrd host path", initrd);
      return new ChrootSpec(chrootRoot, uid, gid, firecrackerHostPath, kernelHostPath, kernel, initrd, initrdAs,
          drives, wantVsock);
    }

    private static String defaultName(String field, String hostPath) {
      return NoFollowPaths.leaf(Inputs.absolutePath(field, hostPath));
    }
  }
}
