package org.fcproc;

import java.time.Duration;
import org.fcproc.host.Handle;

/**
 * Not root and no privileged helper: the seed's sudo mode, kept only where it can be made safe
 * enough. The socket hand-off runs the seed's {@code sudo chmod}/{@code sudo chown -h}, checked
 * through a handle before and after (a race remains: see {@link SocketHandoff#handOffWithSudo});
 * {@code ip} and {@code kill} run through {@code sudo -n} as in the seed; staging, cleanup and the
 * sweep refuse — their many steps on path names cannot be made safe from outside root.
 */
final class SeedSudoPrivilege implements Privilege {
  private final Commands throughSudo;

  SeedSudoPrivilege(Commands throughSudo) {
    this.throughSudo = throughSudo;
  }

  @Override
  public String describe() {
    return "the seed's sudo -n commands (no privileged helper)";
  }

  @Override
  public int runtimeDirMode() {
    return 0700;
  }

  private static FcprocException needsRoot(String what, String path) {
    return new FcprocException(what + " " + path
        + ": needs root; give fcproc a privileged helper (Fcproc.create(host, config, helper);"
        + " the command line does this itself in --mode sudo)");
  }

  @Override
  public void prepare(JailStaging staging, ChrootSpec spec) throws FcprocException {
    throw needsRoot("stage jailer chroot", spec.chrootRoot());
  }

  @Override
  public void cleanup(JailCleanup cleanup, String chrootRoot) throws FcprocException {
    throw needsRoot("clean up", chrootRoot);
  }

  @Override
  public SweepReport sweep(Sweep sweep, SweepSpec spec, String runtimeDir) throws FcprocException {
    throw needsRoot("sweep", spec.firecrackerBase());
  }

  @Override
  public Handle handOffSocket(SocketHandoff sockets, String path, int uid, int gid, Duration helperWait)
      throws FcprocException {
    return sockets.handOffWithSudo(throughSudo, path, uid, gid);
  }

  @Override
  public void kill(VmProcesses processes, int pid) throws FcprocException {
    processes.killWithSudo(throughSudo, pid);
  }

  /** Done as the caller: the pidfd checks need no privilege, and EPERM says the VM is another user's. */
  @Override
  public void kill(VmProcesses processes, int pid, String apiSock) throws FcprocException {
    processes.killVm(pid, apiSock);
  }

  @Override
  public void ensureBridge(Networking network) throws FcprocException {
    network.ensureBridge(throughSudo);
  }

  @Override
  public void createTap(Networking network, String tap, int uid, int gid) throws FcprocException {
    network.createTapWithIp(throughSudo, tap, uid, gid);
  }
}
