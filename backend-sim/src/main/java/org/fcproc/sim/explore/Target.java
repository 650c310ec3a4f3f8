package org.fcproc.sim.explore;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.fcproc.host.Credentials;
import org.fcproc.host.Errno;
import org.fcproc.sim.SimHost;

/**
 * What to explore: how to build the world, what to run in it, what it may change, and what the
 * adversary may try. Build one with {@link #builder(String)}.
 *
 * @param name shown in the report
 * @param host builds a fresh, fully arranged host on every call (standard layout, a chroot
 *     already staged for a cleanup, ...). It must be deterministic: two hosts it builds must be
 *     indistinguishable, or replays would not reproduce. Calls it makes are not counted.
 * @param operation the operation under test, run as root
 * @param vmArea the VM's area: the operation may change anything at or under this path
 *     (docs/DESIGN.md#threat-model: "an inode it was documented to change for this VM")
 * @param chroot mounts may appear or disappear only at or under this path; empty when the
 *     operation may change no mount at all
 * @param documented other paths documented to change for this VM (e.g. the kernel image, whose
 *     link count a staging changes; the jail base, whose mode it sets). Only in-place changes
 *     ({@code ~}: mode, owner, link count...) are allowed on them, never appearing or vanishing
 * @param postcondition what must hold after a run that succeeded
 * @param moves the adversary's repertoire; each is tried in every gap
 * @param faultErrnos the errnos each host call is made to fail with in turn
 * @param adversary who makes the moves (all but {@link Move.BindMount}, which is root)
 * @param callBudget a run that makes more host calls than this is stopped and reported: it
 *     would not have ended on its own
 */
public record Target(
    String name,
    Supplier<SimHost> host,
    ExploredOperation operation,
    String vmArea,
    Optional<String> chroot,
    List<String> documented,
    Postcondition postcondition,
    List<Move> moves,
    List<Errno> faultErrnos,
    Credentials adversary,
    int callBudget) {

  /** EIO, EACCES, ENOSPC: a device error, a permission surprise, a full disk. */
  public static final List<Errno> DEFAULT_FAULTS = List.of(Errno.EIO, Errno.EACCES, Errno.ENOSPC);

  public Target {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("target name is required");
    }
    Objects.requireNonNull(host, "host factory");
    Objects.requireNonNull(operation, "operation");
    MoveText.checkPath("vmArea", vmArea);
    if (vmArea.equals("/")) {
      throw new IllegalArgumentException("vmArea must not be /: then nothing would be outside it");
    }
    Objects.requireNonNull(chroot, "chroot (Optional.empty() for none)");
    chroot.ifPresent(c -> {
      MoveText.checkPath("chroot", c);
      if (!Paths.atOrUnder(c, vmArea)) {
        throw new IllegalArgumentException("chroot " + MoveText.quote(c) + " must be at or under vmArea " + MoveText.quote(vmArea));
      }
    });
    documented = List.copyOf(documented);
    documented.forEach(p -> MoveText.checkPath("documented path", p));
    Objects.requireNonNull(postcondition, "postcondition (Postcondition.NONE for none)");
    moves = List.copyOf(moves);
    faultErrnos = List.copyOf(faultErrnos);
    if (faultErrnos.stream().distinct().count() != faultErrnos.size()) {
      throw new IllegalArgumentException("fault errnos repeat: " + faultErrnos);
    }
    Objects.requireNonNull(adversary, "adversary");
    if (callBudget < 1) {
      throw new IllegalArgumentException("call budget must be positive, not " + callBudget);
    }
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Collects a target's parts; defaults: no chroot, nothing documented, no postcondition,
   *  {@link #DEFAULT_FAULTS}, adversary 1000:1000, a budget of 100,000 calls. */
  public static final class Builder {
    private final String name;
    private Supplier<SimHost> host;
    private ExploredOperation operation;
    private String vmArea;
    private Optional<String> chroot = Optional.empty();
    private final List<String> documented = new ArrayList<>();
    private Postcondition postcondition = Postcondition.NONE;
    private final List<Move> moves = new ArrayList<>();
    private List<Errno> faultErrnos = DEFAULT_FAULTS;
    private Credentials adversary = new Credentials(1000, 1000, 1000);
    private int callBudget = 100_000;

    private Builder(String name) {
      this.name = name;
    }

    public Builder host(Supplier<SimHost> factory) {
      this.host = factory;
      return this;
    }

    public Builder operation(ExploredOperation op) {
      this.operation = op;
      return this;
    }

    public Builder vmArea(String path) {
      this.vmArea = path;
      return this;
    }

    public Builder chroot(String path) {
      this.chroot = Optional.of(path);
      return this;
    }

    public Builder documented(String... paths) {
      documented.addAll(List.of(paths));
      return this;
    }

    public Builder postcondition(Postcondition p) {
      this.postcondition = p;
      return this;
    }

    public Builder moves(List<? extends Move> more) {
      moves.addAll(more);
      return this;
    }

    public Builder move(Move m) {
      moves.add(Objects.requireNonNull(m, "move"));
      return this;
    }

    public Builder faults(List<Errno> errnos) {
      this.faultErrnos = errnos;
      return this;
    }

    public Builder adversary(int uid, int gid) {
      this.adversary = new Credentials(uid, gid, uid);
      return this;
    }

    public Builder callBudget(int calls) {
      this.callBudget = calls;
      return this;
    }

    public Target build() {
      return new Target(name, host, operation, vmArea, chroot, documented, postcondition, moves, faultErrnos, adversary, callBudget);
    }
  }
}
