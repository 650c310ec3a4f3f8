package org.fcproc.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The pid space. Like {@code alloc_pid}, pids go up from the last one given, wrap at
 * {@code pid_max} and skip live pids, so an exited process's pid comes back (docs/DESIGN.md#linux-facts: pids
 * are reused). The simulator wraps to 100 (Linux wraps to 300, {@code RESERVED_PIDS}).
 */
final class ProcessTable {
  static final int FIRST_PID = 100;

  private final TreeMap<Integer, SimProcess> live = new TreeMap<>();
  private final int pidMax;
  private int last = FIRST_PID - 1;

  ProcessTable(int pidMax) {
    if (pidMax <= FIRST_PID) {
      throw new IllegalArgumentException("pidMax must be above " + FIRST_PID + ": " + pidMax);
    }
    this.pidMax = pidMax;
  }

  SimProcess spawn(List<String> argv, String executable, long startTicks, int uid, int gid) {
    int candidate = last;
    for (int tries = 0; tries < pidMax; tries++) {
      candidate++;
      if (candidate >= pidMax) {
        candidate = FIRST_PID;
      }
      if (!live.containsKey(candidate)) {
        last = candidate;
        SimProcess p = new SimProcess(candidate, argv, executable, startTicks, uid, gid);
        live.put(candidate, p);
        return p;
      }
    }
    throw new IllegalStateException("no free pid below pid_max " + pidMax + " (EAGAIN)");
  }

  Optional<SimProcess> get(int pid) {
    return Optional.ofNullable(live.get(pid));
  }

  void exit(SimProcess p) {
    if (!p.alive) {
      return;
    }
    p.alive = false;
    live.remove(p.pid, p);
    for (Runnable r : List.copyOf(p.onExit)) {
      r.run();
    }
  }

  /** Live processes in pid order. */
  List<SimProcess> all() {
    return new ArrayList<>(live.values());
  }
}
