package org.fcproc;

import java.time.Duration;
import org.fcproc.host.Handle;

/**
 * The privileged helper's side of sudo mode: this process is root, and runs root mode's code —
 * but for a caller it does not trust, confined to the root-owned {@link HelperPolicy}. Every
 * argument is checked against the policy before anything on the host is touched, and what the
 * caller names is used with the caller's own authority where the kernel can check it:
 *
 * <ul>
 *   <li>chroots only {@code <jail_base>/<id>/root} for a {@code jail_base} of the policy (staging,
 *       cleanup, the sweep's base);
 *   <li>sockets only beneath a policy {@code socket_dir} or beneath such a chroot;
 *   <li>a VM's uid and gid: the caller's own (or one of its groups), or within {@code vm_ids};
 *   <li>sources (kernel, initrd, drives, the firecracker binary) opened with the caller's
 *       file-system identity ({@link CallerSourceAccess});
 *   <li>signals only through the safe kill of a VM whose API socket is beneath such a chroot;
 *       never a bare pid;
 *   <li>only the policy's bridge; TAPs only with the policy's {@code tap_prefix}.
 * </ul>
 *
 * A violation is a {@link RefusedException} naming the policy file and the rule.
 */
final class ConfinedPrivilege implements Privilege {
  private final HelperPolicy policy;
  private final SudoCaller caller;
  private final DirectPrivilege root;

  ConfinedPrivilege(HelperPolicy policy, SudoCaller caller, DirectPrivilege root) {
    this.policy = policy;
    this.caller = caller;
    this.root = root;
  }

  @Override
  public String describe() {
    return "root, confined to " + HelperPolicy.PATH + " for sudo caller uid " + caller.uid();
  }

  @Override
  public int runtimeDirMode() {
    return root.runtimeDirMode();
  }

  private RefusedException refuse(String operation, String path, String rule) {
    return new RefusedException(operation, path, "not permitted for uid " + caller.uid() + " by " + HelperPolicy.PATH
        + ": " + rule);
  }

  private void requireJail(String operation, JailPath jail) throws RefusedException {
    if (!policy.coversJail(jail)) {
      throw refuse(operation, jail.chrootRoot(), "its jail base " + RefusedException.quote(jail.execDir())
          + " is not a jail_base (" + String.join(", ", policy.jailBases()) + ")");
    }
  }

  private void requireVmIds(String operation, String path, int uid, int gid) throws RefusedException {
    if (uid != caller.uid() && !policy.allowsVmId(uid)) {
      throw refuse(operation, path, "uid " + uid + " is neither the caller's nor within vm_ids");
    }
    if (gid != caller.gid() && !caller.groups().contains(gid) && !policy.allowsVmId(gid)) {
      throw refuse(operation, path, "gid " + gid + " is neither the caller's (or one of its groups) nor within vm_ids");
    }
  }

  @Override
  public void prepare(JailStaging staging, ChrootSpec spec) throws FcprocException {
    requireJail(JailStaging.OP, spec.jailPath());
    requireVmIds(JailStaging.OP, spec.chrootRoot(), spec.uid(), spec.gid());
    staging.prepare(spec, new CallerSourceAccess(caller.identity()));
  }

  @Override
  public void cleanup(JailCleanup cleanup, String chrootRoot) throws FcprocException {
    requireJail(JailCleanup.OP, JailPath.parse("chroot root", chrootRoot));
    root.cleanup(cleanup, chrootRoot);
  }

  @Override
  public SweepReport sweep(Sweep sweep, SweepSpec spec, String runtimeDir) throws FcprocException {
    if (!policy.jailBases().contains(spec.firecrackerBase())) {
      throw refuse("sweep", spec.firecrackerBase(), "it is not a jail_base (" + String.join(", ", policy.jailBases()) + ")");
    }
    if (!runtimeDir.isEmpty() && !policy.socketDirs().contains(runtimeDir)) {
      throw refuse("sweep", runtimeDir, "the runtime directory is not a socket_dir");
    }
    if (!spec.tapPrefix().isEmpty() && (policy.tapPrefix().isEmpty() || !spec.tapPrefix().startsWith(policy.tapPrefix()))) {
      throw refuse("sweep", spec.tapPrefix(), "TAPs may be swept only with the tap_prefix "
          + RefusedException.quote(policy.tapPrefix()));
    }
    return root.sweep(sweep, spec, runtimeDir);
  }

  @Override
  public Handle handOffSocket(SocketHandoff sockets, String path, int uid, int gid, Duration helperWait)
      throws FcprocException {
    if (policy.coverForSocket(path).isEmpty()) {
      throw refuse(SocketHandoff.HAND_OFF, path, "it is beneath neither a socket_dir nor a chroot of a jail_base");
    }
    requireVmIds(SocketHandoff.HAND_OFF, path, uid, gid);
    return root.handOffSocket(sockets, path, uid, gid, helperWait);
  }

  @Override
  public void kill(VmProcesses processes, int pid) throws FcprocException {
    throw refuse("kill", "pid " + pid, "a bare pid may be any process; give the VM's API socket (vm kill --api-sock)");
  }

  @Override
  public void kill(VmProcesses processes, int pid, String apiSock) throws FcprocException {
    JailPath jail = JailPath.enclosing(NoFollowPaths.parent(apiSock))
        .orElseThrow(() -> refuse("kill", apiSock, "the API socket is not beneath a jailer chroot"));
    requireJail("kill", jail);
    root.kill(processes, pid, apiSock);
  }

  @Override
  public void ensureBridge(Networking network) throws FcprocException {
    Config c = network.config();
    if (policy.bridgeName().isEmpty()) {
      throw refuse("ensure bridge", c.bridgeName(), "the policy names no bridge (bridge_name)");
    }
    if (!c.bridgeName().equals(policy.bridgeName()) || !c.bridgeIp().equals(policy.bridgeIp())
        || !c.cidr().equals(policy.cidr())) {
      throw refuse("ensure bridge", c.bridgeName(), "only " + policy.bridgeName() + " " + policy.bridgeIp() + "/"
          + policy.cidr() + " is the policy's bridge");
    }
    root.ensureBridge(network);
  }

  @Override
  public void createTap(Networking network, String tap, int uid, int gid) throws FcprocException {
    if (policy.tapPrefix().isEmpty() || !tap.startsWith(policy.tapPrefix())) {
      throw refuse("create TAP", tap, "TAP names must begin with the tap_prefix "
          + RefusedException.quote(policy.tapPrefix()));
    }
    if (!network.config().bridgeName().equals(policy.bridgeName())) {
      throw refuse("create TAP", tap, "its bridge " + network.config().bridgeName() + " is not the policy's bridge_name");
    }
    requireVmIds("create TAP", tap, uid, gid);
    root.createTap(network, tap, uid, gid);
  }
}
