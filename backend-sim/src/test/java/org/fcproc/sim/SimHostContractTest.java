package org.fcproc.sim;

import org.fcproc.host.contract.ContractHost;
import org.fcproc.host.contract.HostOpsContract;

/** Core's HostOps contract suite, run on the simulator. */
class SimHostContractTest extends HostOpsContract {
  @Override
  protected ContractHost createContractHost() {
    return new SimContractHost();
  }
}
