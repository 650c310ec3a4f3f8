package org.fcproc.sim;

import org.fcproc.host.HostOps;
import org.fcproc.host.contract.ContractHost;

/**
 * The contract suites' scratch area on the simulator: a tmpfs on {@code /contract}, mode 0755,
 * detached by {@link #close()}. {@link #asUser} is {@link SimHost#as(int, int)}; the protected
 * link settings are the ones the host was built with.
 */
final class SimContractHost implements ContractHost {
  private final SimHost sim;
  private final boolean protectedHardlinks;
  private final boolean protectedSymlinks;

  /** On a default host: both protected link settings on, as {@link SimHost#create()} makes it. */
  SimContractHost() {
    this(SimHost.create(), true, true);
  }

  /** On {@code sim}, which the caller built with these protected link settings. */
  SimContractHost(SimHost sim, boolean protectedHardlinks, boolean protectedSymlinks) {
    this.sim = sim;
    this.protectedHardlinks = protectedHardlinks;
    this.protectedSymlinks = protectedSymlinks;
    sim.mkdirs("/contract");
    sim.mountTmpfs("/contract");
    sim.setMode("/contract", 0755);
  }

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
  public HostOps asUser(int uid, int gid) {
    return sim.as(uid, gid);
  }

  @Override
  public boolean protectedHardlinks() {
    return protectedHardlinks;
  }

  @Override
  public boolean protectedSymlinks() {
    return protectedSymlinks;
  }

  @Override
  public void close() {
    sim.detach("/contract");
  }
}
