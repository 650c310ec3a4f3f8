package org.fcproc.sim;

import java.util.Objects;
import java.util.Set;
import org.fcproc.host.MountFlag;
import org.fcproc.host.Propagation;

/**
 * A mount of the simulated namespace, for tests: the fields of a mountinfo line, unescaped.
 *
 * @param id mount id, as mountinfo's first field and {@code FileStat.mountId}
 * @param parentId the parent mount's id; 1 for the namespace root, as mountinfo shows it
 * @param mountPoint absolute path of the mountpoint
 * @param root the mount's root within its filesystem ({@code /} unless a bind of a subtree)
 * @param fstype filesystem type
 * @param source mount source
 * @param flags per-mount flags
 * @param propagation propagation type
 * @param peerGroup shared peer group, 0 when none
 * @param masterGroup the master's peer group for a slave, 0 when none
 */
public record MountView(
    int id,
    int parentId,
    String mountPoint,
    String root,
    String fstype,
    String source,
    Set<MountFlag> flags,
    Propagation propagation,
    int peerGroup,
    int masterGroup) {
  public MountView {
    Objects.requireNonNull(mountPoint, "mountPoint");
    Objects.requireNonNull(root, "root");
    flags = Set.copyOf(flags);
    Objects.requireNonNull(propagation, "propagation");
  }

  public boolean has(MountFlag f) {
    return flags.contains(f);
  }
}
