package org.fcproc;

import java.time.Duration;
import java.util.List;
import org.fcproc.host.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sudo mode: every privileged operation is one command of the privileged helper,
 * {@code sudo -n <fcproc> --mode root --json <subcommand> ...} ({@link HelperCall}), whose root
 * process runs root mode's own code on its own handles — so there is no window between a check
 * made here, as the caller, and a change made there, as root (the seed's {@code sudo chmod PATH}
 * leaves one: a symlink planted between the two is followed).
 *
 * <p>The helper serves a caller it does not trust: its root process confines what it does to the
 * root-owned policy ({@link ConfinedPrivilege}). This side only translates each operation into
 * the helper's command line and its answer back; it decides nothing about safety.
 *
 * <p>Networking goes through the helper too ({@code bridge ensure}, {@code tap create}), so the
 * one sudoers rule for the helper is the only privilege sudo mode needs: no {@code sudo ip}, which
 * alone would be a root shell ({@code ip netns exec}), and no {@code sudo kill}.
 */
final class HelperPrivilege implements Privilege {
  private static final Logger log = LoggerFactory.getLogger(HelperPrivilege.class);

  private final HelperCall helper;
  private final int runtimeDirMode;

  HelperPrivilege(HelperCall helper, boolean processIsRoot) {
    this.helper = helper;
    this.runtimeDirMode = processIsRoot ? 0711 : 0700;
  }

  @Override
  public String describe() {
    return "the privileged helper `sudo -n " + helper.helper() + " --mode root --json ...`";
  }

  @Override
  public int runtimeDirMode() {
    return runtimeDirMode;
  }

  @Override
  public void prepare(JailStaging staging, ChrootSpec spec) throws FcprocException {
    helper.run(JailStaging.OP, spec.chrootRoot(), JailStaging.helperArguments(spec));
    log.debug("staged jailer chroot {} for {}:{} through the privileged helper", spec.chrootRoot(), spec.uid(), spec.gid());
  }

  @Override
  public void cleanup(JailCleanup cleanup, String chrootRoot) throws FcprocException {
    helper.run(JailCleanup.OP, chrootRoot, List.of("jail", "cleanup", "--chroot=" + chrootRoot));
    log.debug("cleaned up chroot {} through the privileged helper", chrootRoot);
  }

  @Override
  public SweepReport sweep(Sweep sweep, SweepSpec spec, String runtimeDir) throws FcprocException {
    return helper.sweep(spec, runtimeDir);
  }

  /**
   * The whole hand-off is one command, {@code socket chown --uid=U --gid=G --timeout=<wait> -- PATH},
   * which runs {@link SocketHandoff#handOffAsRoot} as root: the check and the change are made by one
   * root process on one handle, so a symlink planted at the path, before or during the call, is
   * refused and never followed. Afterwards the caller opens the socket itself for the handle it
   * returns, and checks that it is what the helper left ({@link SocketHandoff#confirmHandedOff}).
   */
  @Override
  public Handle handOffSocket(SocketHandoff sockets, String path, int uid, int gid, Duration helperWait)
      throws FcprocException {
    long ms = Math.max(1, helperWait.toMillis());
    helper.run(SocketHandoff.HAND_OFF, path,
        List.of("socket", "chown", "--uid=" + uid, "--gid=" + gid, "--timeout=" + ms + "ms", "--", path));
    Handle socket = sockets.confirmHandedOff(path, uid, gid);
    log.debug("socket {} handed to {}:{} mode 0600 by the privileged helper", path, uid, gid);
    return socket;
  }

  /**
   * The seed's bare kill trusts a pid, which may name any process by now; sudo mode sends no
   * signal on a pid alone — not through the helper (which refuses it too), and not as the caller.
   * The safe kill ({@link Fcproc#kill(int, String)}) is sudo mode's kill.
   */
  @Override
  public void kill(VmProcesses processes, int pid) throws FcprocException {
    throw new RefusedException("kill", "pid " + pid,
        "sudo mode signals no bare pid (it may name any process by now); give the VM's API socket (vm kill --api-sock)");
  }

  @Override
  public void kill(VmProcesses processes, int pid, String apiSock) throws FcprocException {
    helper.run("kill", apiSock, List.of("vm", "kill", "--pid=" + pid, "--api-sock=" + apiSock));
    log.debug("sent SIGKILL to pid {} ({}) through the privileged helper", pid, apiSock);
  }

  @Override
  public void ensureBridge(Networking network) throws FcprocException {
    Config c = network.config();
    helper.run("ensure bridge", c.bridgeName(), List.of("bridge", "ensure",
        "--name=" + c.bridgeName(), "--ip=" + c.bridgeIp(), "--cidr=" + c.cidr()));
  }

  @Override
  public void createTap(Networking network, String tap, int uid, int gid) throws FcprocException {
    helper.run("create TAP", tap, List.of("tap", "create", "--name=" + tap, "--uid=" + uid, "--gid=" + gid,
        "--bridge=" + network.config().bridgeName()));
  }
}
