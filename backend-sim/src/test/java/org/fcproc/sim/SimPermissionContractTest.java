package org.fcproc.sim;

import org.fcproc.host.contract.ContractHost;
import org.fcproc.host.contract.PermissionContract;

/**
 * Core's permission contract on the simulator, as uid 1000 through {@link SimHost#as(int, int)},
 * with the default settings: {@code fs.protected_hardlinks} and {@code fs.protected_symlinks}
 * on. {@link SimPermissionContractLinksOffTest} runs it with both off, so that both branches of
 * the protected-link facts are held here, whichever the kernel of the Linux run has.
 */
class SimPermissionContractTest extends PermissionContract {
  @Override
  protected ContractHost createContractHost() {
    return new SimContractHost();
  }
}
