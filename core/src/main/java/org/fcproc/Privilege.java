package org.fcproc;

import java.time.Duration;
import org.fcproc.host.Handle;

/**
 * How fcproc gets the authority its privileged steps need — chosen once, when {@link Fcproc} is
 * made, and never decided again inside an operation.
 *
 * <p>The operations ({@link JailStaging}, {@link JailCleanup}, {@link Sweep}, the socket hand-off
 * of {@link SocketHandoff}, the kills of {@link VmProcesses}, {@link Networking}) hold only root
 * mode's code: what a root process does with its own syscalls and handles. A privilege decides
 * where that code runs:
 * <ul>
 *   <li>{@link DirectPrivilege}: here, in this process, which is root;
 *   <li>{@link HelperPrivilege}: in the privileged helper — one {@code sudo -n <fcproc> --mode root
 *       --json <subcommand>} per operation, whose root process runs the very same code (and, serving
 *       a sudo caller, confines it to the root-owned policy: see {@link ConfinedPrivilege});
 *   <li>{@link ConfinedPrivilege}: here, as root, on behalf of a sudo caller who is not trusted:
 *       every argument checked against the helper's policy first;
 *   <li>{@link SeedSudoPrivilege}: not root and no helper: the seed's own {@code sudo} commands
 *       where they can be made safe enough, and a clear refusal where they cannot.
 * </ul>
 *
 * <p>Each method receives the operation whose root-mode code it may run, so a privilege holds no
 * operation and the operations hold no privilege-specific state (no nullable helper, no
 * {@code isRoot()} branch).
 */
sealed interface Privilege permits DirectPrivilege, HelperPrivilege, ConfinedPrivilege, SeedSudoPrivilege {

  /** For logs: "direct syscalls as root", "the privileged helper ...". */
  String describe();

  /** The runtime directory's mode: 0711 when this process is root, else 0700 (the seed's rule). */
  int runtimeDirMode();

  void prepare(JailStaging staging, ChrootSpec spec) throws FcprocException;

  void cleanup(JailCleanup cleanup, String chrootRoot) throws FcprocException;

  SweepReport sweep(Sweep sweep, SweepSpec spec, String runtimeDir) throws FcprocException;

  /**
   * Hands the socket at {@code path}, which the caller has already waited for, to uid:gid with mode
   * 0600, and returns a handle to the inode handed off. {@code helperWait}: how long a helper may
   * wait for the socket itself.
   */
  Handle handOffSocket(SocketHandoff sockets, String path, int uid, int gid, Duration helperWait)
      throws FcprocException;

  /** The seed's kill: SIGKILL to {@code pid}, trusting it. */
  void kill(VmProcesses processes, int pid) throws FcprocException;

  /** The safe kill: SIGKILL to the VM listening on {@code apiSock}, through a pidfd. */
  void kill(VmProcesses processes, int pid, String apiSock) throws FcprocException;

  void ensureBridge(Networking network) throws FcprocException;

  void createTap(Networking network, String tap, int uid, int gid) throws FcprocException;
}
