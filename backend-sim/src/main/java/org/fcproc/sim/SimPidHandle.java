package org.fcproc.sim;

import java.util.List;
import org.fcproc.host.Credentials;
import org.fcproc.host.PidHandle;

/**
 * A simulated pidfd: a reference to the {@link SimProcess} object, never to its pid number, so
 * once that process has exited a reused pid belongs to a different object and a signal through
 * this handle fails with ESRCH (as {@code pidfd_send_signal(2)} does). Closing is journaled as a
 * {@code close} call and is idempotent.
 */
final class SimPidHandle implements PidHandle {
  final SimHost host;
  final Credentials opener;
  final SimProcess process;
  boolean closed;

  SimPidHandle(SimHost host, Credentials opener, SimProcess process) {
    this.host = host;
    this.opener = opener;
    this.process = process;
  }

  @Override
  public int pid() {
    return process.pid;
  }

  @Override
  public void close() {
    host.quietCall(opener, "close", List.of(), "pidfd(" + process.pid + ")", () -> {
      closed = true;
      return null;
    });
  }

  @Override
  public String toString() {
    return "SimPidHandle[" + process.pid + (closed ? ", closed]" : process.alive ? "]" : ", exited]");
  }
}
