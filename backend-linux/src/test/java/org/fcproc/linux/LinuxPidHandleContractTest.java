package org.fcproc.linux;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fcproc.host.contract.ContractHost;
import org.fcproc.host.contract.PidHandleContract;

/**
 * The pid-handle contract on the real kernel (pidfd_open, pidfd_send_signal), as root, inside the
 * throwaway namespaces of the Surefire wrapper; skipped anywhere else. The processes are this
 * JVM's own children ({@code sleep 1000}); the JDK reaps them, and {@link #awaitGone} waits for
 * that.
 */
class LinuxPidHandleContractTest extends PidHandleContract {
  private final Map<Integer, Process> children = new HashMap<>();

  @Override
  protected ContractHost createContractHost() throws Exception {
    return new LinuxContractHost();
  }

  @Override
  protected int startProcess() throws Exception {
    Process p = new ProcessBuilder("sleep", "1000").start();
    children.put((int) p.pid(), p);
    return (int) p.pid();
  }

  @Override
  protected void endProcess(int pid) throws Exception {
    Process p = children.remove(pid);
    if (p != null) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  protected boolean awaitGone(int pid, Duration timeout) throws Exception {
    Process p = children.get(pid);
    if (p == null) {
      return true;
    }
    // waitFor returns once the JDK's reaper has waited for the child: it is reaped.
    return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
