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
 */
public record SweepSpec(String firecrackerBase, boolean dryRun) {
  public SweepSpec {
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
