package org.fcproc;

/**
 * What the orphan sweep ({@link Fcproc#sweep}) looks at. The runtime socket directory comes from
 * the instance's {@link Config#runtimeDir()} (blank: no socket is looked at).
 *
 * <p>The firecracker base directory is the jailer's {@code <chroot base>/<exec file name>}, e.g.
 * {@code /srv/jail/firecracker}: each entry in it is one VM, {@code <id>}, whose chroot is
 * {@code <id>/root} — the layout {@link ChrootSpec} stages as
 * {@code <jail base>/<firecracker base>/<vm dir>/root}. It must be an absolute clean path under
 * a jail base other than {@code /} (two components at least), as for staging.
 *
 * @param firecrackerBase the firecracker base directory, e.g. {@code /srv/jail/firecracker}
 * @param dryRun list what would be reclaimed, and why, without changing anything
 * @param tapPrefix the name prefix of the TAP devices to sweep (e.g. {@code fc-}); empty: TAPs
 *     are not swept. Non-empty, it must be usable in an interface name: shorter than 15
 *     characters, no space, {@code /} or {@code :}.
 */
public record SweepSpec(String firecrackerBase, boolean dryRun, String tapPrefix) {
  /** A sweep that leaves TAP devices alone. */
  public SweepSpec(String firecrackerBase, boolean dryRun) {
    this(firecrackerBase, dryRun, "");
  }

  public SweepSpec {
    tapPrefix = tapPrefix == null ? "" : tapPrefix;
    if (tapPrefix.length() >= 15 || tapPrefix.equals(".") || tapPrefix.equals("..")
        || tapPrefix.chars().anyMatch(c -> c <= ' ' || c == '/' || c == ':' || c > '~')) {
      throw new InvalidInputException("tap prefix",
          RefusedException.quote(tapPrefix) + " cannot begin an interface name (under 15 printable characters, no /, : or space)");
    }
    if (firecrackerBase == null || firecrackerBase.isBlank()) {
      throw new InvalidInputException("firecracker base", "the firecracker base directory is required");
    }
    Inputs.absolutePath("firecracker base", firecrackerBase);
    if (firecrackerBase.chars().filter(c -> c == '/').count() < 2) {
      throw new InvalidInputException("firecracker base",
          RefusedException.quote(firecrackerBase) + " must be <jail base>/<firecracker base> under a jail base other than /");
    }
  }
}
