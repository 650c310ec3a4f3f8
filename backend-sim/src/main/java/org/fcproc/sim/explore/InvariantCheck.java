package org.fcproc.sim.explore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeSet;
import org.fcproc.host.MountFlag;
import org.fcproc.sim.MountView;

/**
 * The jail invariant (docs/DESIGN.md#jail-invariant), judged from four observations of one run:
 * {@code start} (after setup, before the operation), {@code beforeMove} and {@code afterMove}
 * (either side of the adversary's move, taken inside the before-call hook), and {@code end}.
 * A run with no move uses {@code start} for both move observations.
 *
 * <h2>Who changed what</h2>
 * The operation acts in two windows: from {@code start} to {@code beforeMove}, and from
 * {@code afterMove} to {@code end}; the adversary acts between them. Only the operation is
 * judged. For a path outside the VM's area (and not documented), with states
 * {@code s0, sb, sa, s2} (absent counts as a state):
 * <ul>
 *   <li>{@code sb != s0}: the operation changed it before the move — a violation;
 *   <li>{@code s2 != sa} and {@code s2 != s0}: the operation changed it after the move, and not
 *       back to how it found it — a violation. Putting a path back as it was before the
 *       operation is allowed: the adversary may have linked a host file into its area (its
 *       link count rose), and the operation removing that link (the count falls back) leaves
 *       the host exactly as it found it.
 * </ul>
 * Documented paths are judged the same way on their existence only (in-place changes allowed).
 * Paths inside the VM's area are not judged: the operation may change them, and the adversary
 * owns them anyway. Because the tree is compared path by path with mounts crossed, a host inode
 * changed through a name inside the area — a hard link, a bind mount of a host directory —
 * still shows at its host path, outside the area, and is caught there.
 *
 * <h2>Mounts</h2>
 * Compared by mount id, in the same two windows. A mount the operation added must have its
 * mount point at or under the chroot where it was first seen; one it removed, where it was last
 * seen (or where it was when the operation began); one whose flags, propagation or root it
 * changed, at either. A mount put back exactly as it was at the start is allowed. With no
 * chroot, the operation may change no mount.
 */
final class InvariantCheck {
  private InvariantCheck() {}

  /** The lines the checker found wrong ({@code !!}) within the whole diff. */
  record Findings(List<String> problems, List<String> diff) {}

  /** The problems only: what a clean run needs, without building the diff's text. */
  static List<String> problems(Target t, Observation s0, Observation sb, Observation sa, Observation s2) {
    return check(t, s0, sb, sa, s2, false).problems();
  }

  /** The problems and the whole diff, for a run that is to be reported. */
  static Findings explain(Target t, Observation s0, Observation sb, Observation sa, Observation s2) {
    return check(t, s0, sb, sa, s2, true);
  }

  private static Findings check(Target t, Observation s0, Observation sb, Observation sa, Observation s2, boolean explain) {
    List<String> problems = new ArrayList<>();
    List<String> diff = new ArrayList<>();
    TreeSet<String> paths = new TreeSet<>();
    paths.addAll(s0.tree().files().keySet());
    paths.addAll(sb.tree().files().keySet());
    paths.addAll(sa.tree().files().keySet());
    paths.addAll(s2.tree().files().keySet());
    SortedMap<String, String> f0 = s0.tree().files();
    SortedMap<String, String> fb = sb.tree().files();
    SortedMap<String, String> fa = sa.tree().files();
    SortedMap<String, String> f2 = s2.tree().files();
    for (String p : paths) {
      String d0 = f0.get(p);
      String db = fb.get(p);
      String da = fa.get(p);
      String d2 = f2.get(p);
      String problem = null;
      if (!Paths.atOrUnder(p, t.vmArea())) {
        boolean documented = t.documented().contains(p);
        if (!same(d0, db, documented)) {
          problem = "changed by the operation before the adversary's move";
        } else if (!same(da, d2, documented) && !same(d0, d2, documented)) {
          problem = documented
              ? (d2 == null ? "removed by the operation (documented for in-place changes only)" : "made by the operation (documented for in-place changes only)")
              : "changed by the operation, outside the VM's area";
        }
      }
      if (problem != null) {
        problems.add(MoveText.quote(p) + " " + problem);
      }
      if (explain && (problem != null || !Objects.equals(d0, d2))) {
        diff.add((problem != null ? "!! " : "   ") + fileLine(p, d0, d2, db, problem != null && Objects.equals(d0, d2)));
      }
    }
    mounts(t, s0.mounts(), sb.mounts(), null, problems, diff);
    mounts(t, sa.mounts(), s2.mounts(), s0.mounts(), problems, diff);
    if (explain && sb != sa) {
      List<String> moved = new ArrayList<>();
      for (String line : sb.tree().diff(sa.tree())) {
        if (!line.startsWith("+ mount") && !line.startsWith("- mount")) {
          moved.add("   " + line);
        }
      }
      mountLines(sb.mounts(), sa.mounts(), moved);
      if (!moved.isEmpty()) {
        diff.add("adversary's move:");
        diff.addAll(moved);
      }
    }
    return new Findings(problems, diff);
  }

  private static boolean same(String a, String b, boolean existenceOnly) {
    return existenceOnly ? (a == null) == (b == null) : Objects.equals(a, b);
  }

  private static String fileLine(String p, String d0, String d2, String db, boolean transientChange) {
    String q = MoveText.quote(p);
    if (transientChange) {
      return "~ " + q + ": " + d0 + " => (before the move) " + db + " => " + d2;
    }
    if (d0 == null) {
      return "+ " + q + ": " + d2;
    }
    if (d2 == null) {
      return "- " + q + ": " + d0;
    }
    return "~ " + q + ": " + d0 + " => " + d2;
  }

  /** One window of mount changes, {@code from} to {@code to}; {@code origin} (the start, for
   *  the second window) lets a mount put back as it was pass. */
  private static void mounts(
      Target t, Map<Integer, MountView> from, Map<Integer, MountView> to, Map<Integer, MountView> origin,
      List<String> problems, List<String> diff) {
    TreeSet<Integer> ids = new TreeSet<>(from.keySet());
    ids.addAll(to.keySet());
    for (int id : ids) {
      MountView a = from.get(id);
      MountView b = to.get(id);
      if (a != null && b != null && sameMount(a, b)) {
        continue;
      }
      boolean allowed;
      String line;
      if (a == null) {
        allowed = inChroot(t, b.mountPoint());
        line = "+ mount " + render(b);
      } else if (b == null) {
        MountView o = origin == null ? null : origin.get(id);
        allowed = inChroot(t, a.mountPoint()) || (o != null && inChroot(t, o.mountPoint()));
        line = "- mount " + render(a);
      } else {
        MountView o = origin == null ? null : origin.get(id);
        allowed = inChroot(t, a.mountPoint()) || inChroot(t, b.mountPoint()) || (o != null && sameMount(o, b));
        line = "~ mount " + render(a) + " => " + render(b);
      }
      if (!allowed) {
        problems.add("mount " + id + " at " + MoveText.quote(a != null ? a.mountPoint() : b.mountPoint())
            + (a == null ? " added" : b == null ? " removed" : " changed") + " by the operation outside the chroot");
        diff.add("!! " + line);
      } else {
        diff.add("   " + line);
      }
    }
  }

  private static void mountLines(Map<Integer, MountView> from, Map<Integer, MountView> to, List<String> out) {
    TreeSet<Integer> ids = new TreeSet<>(from.keySet());
    ids.addAll(to.keySet());
    for (int id : ids) {
      MountView a = from.get(id);
      MountView b = to.get(id);
      if (a == null) {
        out.add("   + mount " + render(b));
      } else if (b == null) {
        out.add("   - mount " + render(a));
      } else if (!sameMount(a, b)) {
        out.add("   ~ mount " + render(a) + " => " + render(b));
      }
    }
  }

  private static boolean inChroot(Target t, String mountPoint) {
    return t.chroot().map(c -> Paths.atOrUnder(mountPoint, c)).orElse(false);
  }

  /** Everything but the mount point's path, which a rename of a directory above it changes
   *  without the mount changing (and which the tree comparison judges). */
  private static boolean sameMount(MountView a, MountView b) {
    return a.parentId() == b.parentId() && a.root().equals(b.root()) && a.fstype().equals(b.fstype())
        && Objects.equals(a.source(), b.source()) && a.flags().equals(b.flags()) && a.propagation() == b.propagation()
        && a.peerGroup() == b.peerGroup() && a.masterGroup() == b.masterGroup();
  }

  static String render(MountView m) {
    StringBuilder sb = new StringBuilder();
    sb.append(m.id()).append(" at ").append(MoveText.quote(m.mountPoint()))
        .append(" root=").append(MoveText.quote(m.root()))
        .append(' ').append(m.fstype()).append(' ').append(m.source());
    new TreeSet<>(m.flags().stream().map(MountFlag::name).toList()).forEach(f -> sb.append(' ').append(f.toLowerCase(java.util.Locale.ROOT)));
    sb.append(' ').append(m.propagation().name().toLowerCase(java.util.Locale.ROOT));
    return sb.toString();
  }
}
