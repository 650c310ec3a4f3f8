package org.fcproc;

import java.util.List;
import java.util.Objects;

/**
 * What an orphan sweep ({@link Fcproc#sweep}) found and did. Every item names its kind, its path
 * and the reason in words.
 *
 * @param dryRun nothing was changed: {@code reclaimed} lists what a sweep would reclaim
 * @param firecrackerBase the firecracker base directory looked at
 * @param runtimeDir the runtime socket directory looked at, empty when none
 * @param reclaimed what was reclaimed (in a dry run: what would be): the mounts detached, the VM
 *     directories removed (their chroot through the guarded cleanup), the stale sockets unlinked,
 *     the TAPs with the prefix nobody had open deleted
 * @param refused what a guard would not touch, with the guard's reason; it is left as it was
 * @param alive what was left alone because a live process may still use it, with the evidence
 * @param failed what could not be inspected or reclaimed because a host call failed, with the
 *     message (step, path, call, errno); the sweep went on with the rest
 */
public record SweepReport(
    boolean dryRun,
    String firecrackerBase,
    String runtimeDir,
    List<Item> reclaimed,
    List<Item> refused,
    List<Item> alive,
    List<Item> failed) {

  /** What an item is. */
  public enum Kind {
    /** A VM's directory {@code <firecracker base>/<id>} (its chroot is {@code <id>/root}). */
    VM,
    /** A mount at or under a VM's chroot. */
    MOUNT,
    /** A unix socket in the runtime directory. */
    SOCKET,
    /** A directory the sweep starts from (the firecracker base, the runtime directory). */
    DIRECTORY,
    /** A network link with the TAP prefix ({@link SweepSpec#tapPrefix()}); its path is the link's name. */
    TAP
  }

  /**
   * One thing the sweep found.
   *
   * @param kind what it is
   * @param path its path
   * @param reason why it was reclaimed, refused, kept or not handled
   */
  public record Item(Kind kind, String path, String reason) {
    public Item {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(reason, "reason");
    }
  }

  public SweepReport {
    Objects.requireNonNull(firecrackerBase, "firecrackerBase");
    Objects.requireNonNull(runtimeDir, "runtimeDir");
    reclaimed = List.copyOf(reclaimed);
    refused = List.copyOf(refused);
    alive = List.copyOf(alive);
    failed = List.copyOf(failed);
  }

  /** Everything found was reclaimed (or would be) or is alive: no guard refused, nothing failed. */
  public boolean complete() {
    return refused.isEmpty() && failed.isEmpty();
  }

  /** Nothing to reclaim, refuse or report as failed (live items may remain). */
  public boolean nothingToDo() {
    return reclaimed.isEmpty() && complete();
  }
}
