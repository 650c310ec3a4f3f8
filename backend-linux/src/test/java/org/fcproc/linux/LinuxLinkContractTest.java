package org.fcproc.linux;

import org.fcproc.host.contract.ContractHost;
import org.fcproc.host.contract.LinkContract;

/**
 * Core's TAP contract on the real kernel (tun and bridge ioctls), as root, inside the test JVM's
 * throwaway network namespace (the Surefire wrapper's {@code unshare -n}): every link it makes dies
 * with the JVM and none reaches the machine. Skipped anywhere else ({@link KernelNamespace}).
 */
class LinuxLinkContractTest extends LinkContract {
  @Override
  protected ContractHost createContractHost() throws Exception {
    return new LinuxContractHost();
  }
}
