package org.fcproc.sim;

import org.fcproc.host.contract.ContractHost;
import org.fcproc.host.contract.LinkContract;

/** Core's TAP contract on the simulator's link table (the one its {@code ip} commands change). */
class SimLinkContractTest extends LinkContract {
  @Override
  protected ContractHost createContractHost() {
    return new SimContractHost();
  }
}
