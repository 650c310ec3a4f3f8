package org.fcproc.sim.explore;

import java.util.List;
import java.util.Objects;

/**
 * One run that broke the jail invariant (docs/DESIGN.md#threat-model) or ended badly.
 *
 * @param schedule the run's identity: {@link Explorer#replay} with it reproduces the run
 * @param reason what was wrong, and where the adversary or the fault struck
 * @param hostDiff the host before the operation against after it: paths with type, mode,
 *     owner, link count and inode ({@code + - ~}), then mount table changes by id; lines marked
 *     {@code !!} are the ones attributed to the operation and not allowed; lines under
 *     "adversary's move" show what the move itself changed
 */
public record Violation(Schedule schedule, String reason, List<String> hostDiff) {
  public Violation {
    Objects.requireNonNull(schedule, "schedule");
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("a violation needs a reason");
    }
    hostDiff = List.copyOf(hostDiff);
  }

  /** The violation as a reader wants it in a log: schedule first, so it can be replayed. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("VIOLATION ").append(schedule.text()).append('\n');
    sb.append("  reason: ").append(reason.replace("\n", "\n          ")).append('\n');
    sb.append("  replay: -D").append(Explorer.REPLAY_PROPERTY).append("='").append(schedule.text().replace("'", "'\\''")).append("'\n");
    if (hostDiff.isEmpty()) {
      sb.append("  host diff: (none)\n");
    } else {
      sb.append("  host diff:\n");
      hostDiff.forEach(l -> sb.append("    ").append(l.replace("\n", "\\n")).append('\n'));
    }
    return sb.toString();
  }
}
