package org.fcproc.sim;

import java.util.ArrayList;
import java.util.List;
import org.fcproc.host.ProcessInfo;

/**
 * A process of the simulated host. It vanishes when it exits: the simulator has no zombies,
 * as if every child were reaped at once (so {@code kill(2)} of an exited pid is ESRCH).
 */
final class SimProcess {
  final int pid;
  final List<String> argv;
  final String executable;
  final long startTime;
  final int uid;
  final int gid;
  /** A SIGTERM handler that does nothing, as a stubborn guest's firecracker has. */
  boolean ignoresSigterm;
  boolean alive = true;
  /**
   * Its root directory ({@code /proc/PID/root}), where the host sees it; null for the host's own
   * root. A jailed process's is its chroot: the jailer bound the chroot on itself in its own mount
   * namespace and pivoted into it, and the host sees the chroot directory's inode through the link.
   */
  Location root;
  final List<Runnable> onExit = new ArrayList<>();

  SimProcess(int pid, List<String> argv, String executable, long startTime, int uid, int gid) {
    this.pid = pid;
    this.argv = List.copyOf(argv);
    this.executable = executable;
    this.startTime = startTime;
    this.uid = uid;
    this.gid = gid;
  }

  ProcessInfo info() {
    return new ProcessInfo(pid, argv, executable, startTime, false);
  }
}
