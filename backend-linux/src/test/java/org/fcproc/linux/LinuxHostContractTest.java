package org.fcproc.linux;

import org.fcproc.host.contract.ContractHost;
import org.fcproc.host.contract.HostOpsContract;

/**
 * The HostOps contract on the real kernel, as root, inside the throwaway namespaces of the
 * Surefire wrapper; skipped (with the reason printed) anywhere else.
 */
class LinuxHostContractTest extends HostOpsContract {
  @Override
  protected ContractHost createContractHost() throws Exception {
    return new LinuxContractHost();
  }
}
