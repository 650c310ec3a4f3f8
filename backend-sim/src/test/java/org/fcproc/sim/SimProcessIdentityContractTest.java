package org.fcproc.sim;

import java.time.Duration;
import java.util.List;
import org.fcproc.host.contract.ContractHost;
import org.fcproc.host.contract.ProcessIdentityContract;

/** Core's process-identity contract on the simulator (which reaps at once). */
class SimProcessIdentityContractTest extends ProcessIdentityContract {
  private SimHost sim;

  @Override
  protected ContractHost createContractHost() {
    sim = SimHost.create();
    return new SimContractHost(sim, true, true);
  }

  @Override
  protected int startProcess() {
    return sim.spawn(List.of("/usr/bin/sleep", "1000"), "/usr/bin/sleep");
  }

  @Override
  protected int startProcessRootedIn(String dir) {
    return sim.spawnIn(dir, List.of("/pause"), "/pause", 0, 0);
  }

  @Override
  protected void endProcess(int pid) {
    sim.exit(pid);
  }

  @Override
  protected boolean awaitGone(int pid, Duration timeout) {
    return !sim.isRunning(pid);
  }
}
