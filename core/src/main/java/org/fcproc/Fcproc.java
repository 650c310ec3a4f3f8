package org.fcproc;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.fcproc.host.Credentials;
import org.fcproc.host.HostOps;

/**
 * fcproc's entry point: every operation of the seed's {@code Manager}, written once against
 * {@link HostOps} so that it runs unchanged on the real host and on the simulated one.
 *
 * <p>Build one from a backend and the seed's {@link Config}; it is stateless beyond them and
 * safe to share between threads (as the seed's {@code Manager} is).
 *
 * <p>Each method names its seed counterpart. Where fcproc does better than the seed (docs/DESIGN.md#beyond-the-seed),
 * the method's documentation, and the class it delegates to, say how. Every method checks its
 * arguments before it touches the host ({@link InvalidInputException}); a guard that trips
 * throws {@link RefusedException}; any other failure is an {@link FcprocException} naming the
 * step, the path and the host call underneath.
 */
public final class Fcproc {
  private final HostOps host;
  private final Config config;
  private final Privilege privilege;
  private final Networking network;
  private final FirecrackerBinary binary;
  private final SocketHandoff sockets;
  private final VmProcesses processes;
  private final JailStaging staging;
  private final JailCleanup cleanup;
  private final Sweep sweeper;

  private final PrivilegedHelper helper;

  private Fcproc(HostOps host, Config config, PrivilegedHelper helper, Privilege privilege) {
    this.host = host;
    this.config = config;
    this.helper = helper;
    this.privilege = privilege;
    Commands asCaller = Commands.direct(host);
    this.network = new Networking(host, asCaller, config);
    this.binary = new FirecrackerBinary(host, config);
    this.sockets = new SocketHandoff(host, config, privilege);
    this.processes = new VmProcesses(host, asCaller, sockets, privilege);
    this.cleanup = new JailCleanup(host);
    this.staging = new JailStaging(host, cleanup);
    this.sweeper = new Sweep(host, cleanup);
  }

  /**
   * The seed's {@code New}, without a privileged helper. As root every operation is made with
   * direct syscalls. Not root (sudo mode), the socket hand-off runs the seed's
   * {@code sudo chmod}/{@code sudo chown -h}, checked through a handle before and after but open
   * to a race (catalogue S11), {@code ip} and {@code kill} run through {@code sudo -n}, and staging,
   * cleanup and the sweep refuse ("needs root"): use
   * {@link #create(HostOps, Config, PrivilegedHelper)} for sudo mode.
   */
  public static Fcproc create(HostOps host, Config config) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(config, "config");
    Privilege p = host.credentials().isRoot()
        ? new DirectPrivilege(Commands.direct(host))
        : new SeedSudoPrivilege(Commands.throughSudo(host));
    return new Fcproc(host, config, null, p);
  }

  /**
   * The seed's {@code New}, with fcproc's own command line as the privileged helper for sudo mode
   * (docs/DESIGN.md#socket-hand-off-checks-and-sudo-mode). As root the helper is never used. When the caller is not root, each privileged
   * operation — the socket hand-off (of {@link #ensureSocketAccessFor},
   * {@link #ensureSocketAccess}, {@link #ensureSocketAccessForAsync} and {@link #sendCtrlAltDel},
   * after the socket was waited for as the caller), {@link #prepareJailerChroot},
   * {@link #cleanupJailerChroot}, {@link #sweep}, the safe {@link #kill(int, String)},
   * {@link #ensureBridge} and {@link #createTapOwned} — runs as one command,
   * {@code sudo -n <helper...> --mode root --json <subcommand> <arguments>}: the same core code as
   * root mode, with its handles and every guard, in one root process, so there is no window
   * between a check made as the caller and a change made as root. The helper's root process
   * confines what it does for the caller to its root-owned policy ({@code /etc/fcproc/helper.conf}).
   * Its answer is mapped back: a refusal is a {@link RefusedException} with the helper's operation,
   * path and reason, a refused argument an {@link InvalidInputException}, anything else an
   * {@link FcprocException} naming the command, its exit code and the helper's message. Nothing
   * else runs through {@code sudo}: the seed's bare {@link #kill(int)} is refused (a pid alone may
   * name any process; use the safe {@link #kill(int, String)}). See
   * {@link PrivilegedHelper} for what the deployment must provide.
   */
  public static Fcproc create(HostOps host, Config config, PrivilegedHelper helper) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(helper, "helper");
    if (host.credentials().isRoot()) {
      return new Fcproc(host, config, helper, new DirectPrivilege(Commands.direct(host)));
    }
    return throughHelper(host, config, helper);
  }

  /**
   * Every privileged operation through {@code helper}, as {@link #create(HostOps, Config,
   * PrivilegedHelper)} does for a caller that is not root — even when this process is root. For a
   * root process that wants the helper's confinement rather than its own authority, and for
   * testing the sudo path as root (the command line's {@code --mode sudo}).
   */
  public static Fcproc throughHelper(HostOps host, Config config, PrivilegedHelper helper) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(helper, "helper");
    HelperCall call = new HelperCall(helper, Commands.throughSudo(host));
    return new Fcproc(host, config, helper, new HelperPrivilege(call, host.credentials().isRoot()));
  }

  /**
   * The privileged helper's own instance: this process is root and serves {@code caller}, a sudo
   * caller it does not trust. Every operation runs root mode's code, confined to {@code policy}:
   * paths only under its bases, VM ids the caller's or the policy's, sources opened with the
   * caller's own identity, kills only of VMs, links only with its prefix; anything else is refused
   * before the host is touched (see {@code ConfinedPrivilege}).
   *
   * @throws IllegalStateException when this process is not root
   */
  public static Fcproc forSudoCaller(HostOps host, Config config, HelperPolicy policy, SudoCaller caller) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(caller, "caller");
    if (!host.credentials().isRoot()) {
      throw new IllegalStateException("the helper serving a sudo caller must run as root");
    }
    return new Fcproc(host, config, null,
        new ConfinedPrivilege(policy, caller, new DirectPrivilege(Commands.direct(host))));
  }

  /** How this instance gets the authority its privileged steps need, in words (for logs). */
  public String privilegeDescription() {
    return privilege.describe();
  }

  /** The privileged helper of sudo mode, if this instance was given one. */
  public java.util.Optional<PrivilegedHelper> privilegedHelper() {
    return java.util.Optional.ofNullable(helper);
  }

  /** The backend this instance acts on. */
  public HostOps host() {
    return host;
  }

  // ---------------------------------------------------------------- network

  /** Seed: {@code EnsureBridge}. The bridge exists → set up; else add it, add {@code IP/CIDR}, set up. */
  public void ensureBridge() throws FcprocException {
    network.validateBridge();
    privilege.ensureBridge(network);
  }

  /** Seed: {@code CreateTap}: {@link #createTapOwned} for the caller's uid and gid. */
  public void createTap(String tap) throws FcprocException {
    Credentials me = host.credentials();
    createTapOwned(tap, me.uid(), me.gid());
  }

  /**
   * Seed: {@code CreateTapOwned}. Deletes a TAP of that name if present, adds it owned by
   * uid:gid, enslaves it to the bridge, sets TAP and bridge up. Divergence: refuses a link of
   * that name that is not a TAP (catalogue N3).
   */
  public void createTapOwned(String tap, int uid, int gid) throws FcprocException {
    network.validateTap(tap, uid, gid);
    privilege.createTap(network, tap, uid, gid);
  }

  // ---------------------------------------------------------------- binary

  /** Seed: {@code ResolveBinary}. A configured path with a separator must exist; a bare name is
   *  looked up on {@code PATH}; the seed's three errors. */
  public String resolveBinary() throws FcprocException {
    return binary.resolve();
  }

  // ---------------------------------------------------------------- sockets

  /** Seed: {@code EnsureSocketDir}. Mode 0700, 0711 when root, set even if the directory existed.
   *  Divergence: no symlink on the path is followed. */
  public void ensureSocketDir() throws FcprocException {
    sockets.ensureSocketDir();
  }

  /** Seed: {@code EnsureSocketAccess}: {@link #ensureSocketAccessFor} for the caller's uid and gid. */
  public void ensureSocketAccess(String socketPath, String label) throws FcprocException, InterruptedException {
    Credentials me = host.credentials();
    ensureSocketAccessFor(socketPath, label, me.uid(), me.gid());
  }

  /**
   * Seed: {@code EnsureSocketAccessFor}. Waits up to 5 s (100 ms cadence, host time) for the
   * socket, then gives it to uid:gid with mode 0600 without following a symlink. Divergences:
   * see {@link SocketHandoff} — the socket's directory is reached without symlinks, a socket with
   * several links is refused, a symlink at the path is refused at once.
   */
  public void ensureSocketAccessFor(String socketPath, String label, int uid, int gid)
      throws FcprocException, InterruptedException {
    sockets.handOff(socketPath, label, uid, gid, SocketHandoff.SYNC_TIMEOUT, SocketHandoff.SYNC_INTERVAL).close();
  }

  /**
   * Seed: {@code EnsureSocketAccessForAsync}. Every non-blank path in parallel (3 s, 25 ms
   * cadence); the future completes with the first error or with success; no paths → done at
   * once.
   */
  public CompletableFuture<Void> ensureSocketAccessForAsync(List<String> socketPaths, int uid, int gid) {
    return sockets.handOffAll(socketPaths, uid, gid);
  }

  // ---------------------------------------------------------------- processes

  /**
   * Seed: {@code FindPID}. Divergence (catalogue P1): the pid is the kernel's answer to who listens
   * on the API socket ({@code SO_PEERCRED} of a connection through the checked socket), not the
   * newest command line naming the path; the seed's {@code pgrep -n -f} (the path matched
   * literally) is the fallback only when nobody can be asked — see {@link VmProcesses#findPid}.
   */
  public int findPid(String apiSock) throws FcprocException {
    return processes.findPid(apiSock);
  }

  /**
   * Seed: {@code ResolvePID}: {@link #findPid} first, then the machine's pid, else 0. The seed takes the SDK
   * machine; here its pid, when the caller has one.
   */
  public int resolvePid(String apiSock, OptionalInt machinePid) {
    return processes.resolvePid(apiSock, machinePid);
  }

  /** Seed: {@code SendCtrlAltDel}: socket access first, then {@code PUT /actions} through the
   *  socket inode that was checked. */
  public void sendCtrlAltDel(String apiSock) throws FcprocException, InterruptedException {
    processes.sendCtrlAltDel(apiSock);
  }

  /**
   * Seed: {@code WaitForExit}: polls every 100 ms until the process is gone; throws
   * {@link ExitTimeoutException} at the deadline, {@link InterruptedException} on cancellation.
   */
  public void waitForExit(int pid, String apiSock, Duration timeout) throws FcprocException, InterruptedException {
    processes.waitForExit(pid, apiSock, timeout);
  }

  /**
   * Seed: {@code Kill}: SIGKILL to whatever process has {@code pid} now. It trusts the pid: if
   * the VM's process has exited and the pid was given to another process, that process is killed
   * (catalogue P2). Prefer {@link #kill(int, String)}.
   */
  public void kill(int pid) throws FcprocException {
    processes.kill(pid);
  }

  /**
   * Not in the seed (docs/DESIGN.md#readiness-and-identity, catalogue P2): the safe kill. SIGKILL reaches the VM's firecracker
   * process or nothing: a pidfd is opened on {@code pid}, then the process is confirmed to be the
   * one listening on {@code apiSock} ({@code SO_PEERCRED}) — or, when the socket no longer answers,
   * one whose command line names {@code apiSock} — and only then signalled through the pidfd, so a
   * pid reused meanwhile is never signalled. A process that has already exited (a zombie) is not
   * signalled. See {@link VmProcesses#kill(int, String)}.
   *
   * @throws RefusedException "pid N is not the VM's process (...)": nothing was signalled
   * @throws FcprocException when the process is gone (ESRCH as the cause) or a host call fails
   */
  public void kill(int pid, String apiSock) throws FcprocException {
    processes.kill(pid, apiSock);
  }

  /**
   * {@link #findPid} for a VM started by the jailer, using the jailer's pid file
   * {@code <chrootRoot>/firecracker.pid} as a second witness, never alone: the kernel's answer
   * ({@code SO_PEERCRED}) wins when the API socket answers; when it does not, the pid file's pid
   * is used only if that process runs an executable inside the chroot and is not a zombie. No pid
   * file: exactly {@link #findPid}. See {@link VmProcesses#findPidInChroot}.
   */
  public int findPidInChroot(String chrootRoot, String apiSock) throws FcprocException {
    return processes.findPidInChroot(chrootRoot, VmProcesses.DEFAULT_EXEC_FILE_NAME, apiSock);
  }

  /** {@link #findPidInChroot(String, String)} for a jailer exec file named {@code execFileName}
   *  (its pid file is {@code <chrootRoot>/<execFileName>.pid}). */
  public int findPidInChroot(String chrootRoot, String execFileName, String apiSock) throws FcprocException {
    return processes.findPidInChroot(chrootRoot, execFileName, apiSock);
  }

  // ---------------------------------------------------------------- jail

  /** Seed: {@code PrepareJailerChroot}: the full staging sequence in the seed's order. See
   *  {@link JailStaging} for what is done differently and why. */
  public void prepareJailerChroot(ChrootSpec spec) throws FcprocException {
    privilege.prepare(staging, Objects.requireNonNull(spec, "spec"));
  }

  /** Seed: {@code CleanupJailerChroot}: guarded teardown. See {@link JailCleanup}. */
  public void cleanupJailerChroot(String chrootRoot) throws FcprocException {
    if (chrootRoot == null || chrootRoot.isBlank()) {
      return; // the seed's behaviour: nothing named, nothing to do
    }
    JailPath.parse("chroot root", chrootRoot);
    privilege.cleanup(cleanup, chrootRoot);
  }

  // ---------------------------------------------------------------- orphan sweep

  /**
   * Not in the seed (docs/DESIGN.md#the-orphan-sweep): the orphan sweep. Finds the VMs under
   * {@code spec.firecrackerBase()} ({@code <id>/root} each, the jailer's layout) that no live
   * process belongs to — after a crash at any step of staging, of the VM or of the manager — and
   * reclaims each through the guarded cleanup of {@link #cleanupJailerChroot} (a refusal is
   * reported, never forced), then removes its emptied {@code <id>} directory with {@code rmdir};
   * and unlinks the sockets in the runtime directory ({@link Config#runtimeDir()}) that nobody
   * listens on. When unsure whether a VM is alive, it is left alone. TAP devices are not swept.
   * Idempotent: a second sweep finds nothing to reclaim. With {@code spec.dryRun()} it only
   * reports. Needs root, or sudo mode with a privileged helper. Do not run it while VMs are being staged or started under the same
   * base: a VM being staged has no process yet. See {@link Sweep} for every rule.
   *
   * @return what was reclaimed (or would be), refused with the guard's reason, left alone as
   *     alive with the evidence, and what failed (the sweep goes on past one VM's failure)
   */
  public SweepReport sweep(SweepSpec spec) throws FcprocException {
    Objects.requireNonNull(spec, "spec");
    String runtimeDir = config.runtimeDir().isBlank() ? "" : Inputs.absolutePath("runtime dir", config.runtimeDir());
    return privilege.sweep(sweeper, spec, runtimeDir);
  }
}
