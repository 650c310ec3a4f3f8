package org.fcproc;

import java.time.Duration;
import org.fcproc.host.Handle;

/**
 * Root mode: this process is root, and every operation runs its own code here, with direct
 * syscalls on handles. Privileged commands ({@code ip}) run without {@code sudo}.
 */
final class DirectPrivilege implements Privilege {
  private final Commands asRoot;

  DirectPrivilege(Commands asRoot) {
    this.asRoot = asRoot;
  }

  @Override
  public String describe() {
    return "direct syscalls as root";
  }

  @Override
  public int runtimeDirMode() {
    return 0711;
  }

  @Override
  public void prepare(JailStaging staging, ChrootSpec spec) throws FcprocException {
    staging.prepare(spec, SourceAccess.ROOT);
  }

  @Override
  public void cleanup(JailCleanup cleanup, String chrootRoot) throws FcprocException {
    cleanup.cleanup(chrootRoot);
  }

  @Override
  public SweepReport sweep(Sweep sweep, SweepSpec spec, String runtimeDir) throws FcprocException {
    return sweep.sweep(spec, runtimeDir);
  }

  @Override
  public Handle handOffSocket(SocketHandoff sockets, String path, int uid, int gid, Duration helperWait)
      throws FcprocException {
    return sockets.handOffAsRoot(path, uid, gid);
  }

  @Override
  public void kill(VmProcesses processes, int pid) throws FcprocException {
    processes.killDirectly(pid);
  }

  @Override
  public void kill(VmProcesses processes, int pid, String apiSock) throws FcprocException {
    processes.killVm(pid, apiSock);
  }

  @Override
  public void ensureBridge(Networking network) throws FcprocException {
    network.ensureBridge(asRoot);
  }

  @Override
  public void createTap(Networking network, String tap, int uid, int gid) throws FcprocException {
    network.createTapBySyscalls(tap, uid, gid);
  }
}
