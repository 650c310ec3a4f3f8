package org.fcproc.sim;

import org.fcproc.host.HostOps;
import org.fcproc.host.contract.ContractHost;
import org.fcproc.host.contract.HostOpsContract;

/** Core's HostOps contract suite, run on the simulator. */
class SimHostContractTest extends HostOpsContract {
  @Override
  protected ContractHost createContractHost() {
    SimHost sim = SimHost.create();
    sim.mkdirs("/contract");
    sim.mountTmpfs("/contract");
    sim.setMode("/contract", 0755);
    return new ContractHost() {
      @Override
      public HostOps host() {
        return sim;
      }

      @Override
      public String scratch() {
        return "/contract";
      }

      @Override
      public int umask() {
        return 022;
      }

      @Override
      public void writeFile(String path, byte[] content) {
        sim.writeFile(path, content, 0644, 0, 0);
      }

      @Override
      public byte[] readFile(String path) {
        return sim.readFile(path);
      }

      @Override
      public void close() {
        sim.detach("/contract");
      }
    };
  }
}
