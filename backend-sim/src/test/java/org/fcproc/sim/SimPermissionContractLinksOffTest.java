package org.fcproc.sim;

import org.fcproc.host.contract.ContractHost;
import org.fcproc.host.contract.PermissionContract;

/** Core's permission contract on a simulator with {@code fs.protected_hardlinks} and {@code fs.protected_symlinks} off. */
class SimPermissionContractLinksOffTest extends PermissionContract {
  @Override
  protected ContractHost createContractHost() {
    SimHost sim = SimHost.builder().protectedHardlinks(false).protectedSymlinks(false).build();
    return new SimContractHost(sim, false, false);
  }
}
