package org.fcproc.sim;

import java.time.Duration;
import org.fcproc.host.contract.ContractHost;
import org.fcproc.host.contract.WatchContract;

/** Core's directory-watch contract on the simulator; changes made {@link #later} are events of its virtual clock. */
class SimWatchContractTest extends WatchContract {
  private SimHost sim;

  @Override
  protected ContractHost createContractHost() {
    sim = SimHost.create();
    return new SimContractHost(sim, true, true);
  }

  @Override
  protected void later(Duration delay, Change change) {
    sim.at(delay, () -> {
      try {
        change.run();
      } catch (Exception e) {
        throw new IllegalStateException("scheduled change failed", e);
      }
    });
  }
}
