package org.fcproc;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.fcproc.host.Credentials;
import org.fcproc.host.Errno;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.PidHandle;
import org.fcproc.host.ProcessInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A VM's firecracker process: finding it, asking it to stop, waiting for it, killing it. */
final class VmProcesses {
  private static final Logger log = LoggerFactory.getLogger(VmProcesses.class);

  static final Duration WAIT_INTERVAL = Duration.ofMillis(100);
  static final int SIGKILL = 9;

  private final HostOps host;
  private final SocketHandoff sockets;
  private final FirecrackerApi api;
  /** Which process is the VM's: the one place that decides it. */
  private final VmIdentity identity;
  /** Where a signal is sent from: here, through the privileged helper, or by the seed's sudo. */
  private final Privilege privilege;

  /**
   * @param commands commands run as the caller ({@code pgrep})
   */
  VmProcesses(HostOps host, Commands commands, SocketHandoff sockets, Privilege privilege) {
    this.host = host;
    this.sockets = sockets;
    this.api = new FirecrackerApi(host);
    this.identity = new VmIdentity(host, commands, sockets);
    this.privilege = privilege;
  }

  /**
   * The seed's {@code FindPID}, "the PID of the firecracker process listening on apiSock" —
   * asked of the kernel instead of guessed from command lines (docs/DESIGN.md#readiness-and-identity, catalogue P1), by
   * {@link VmIdentity}:
   *
   * <ol>
   *   <li>{@code SO_PEERCRED} on the socket, opened {@code O_PATH|O_NOFOLLOW} with no symlink on
   *       the way and one link: the kernel's record of the process that called {@code listen(2)} on
   *       that very inode (unix(7)). Nothing is sent; the connection is hung up politely. pgrep is
   *       not asked as a cross-check: when it disagrees with the kernel, pgrep is wrong (P1).
   *   <li>When the socket cannot be connected (ENOENT, ECONNREFUSED, EACCES) and it lies in a
   *       chroot of the jailer's layout ({@link VmJail#ofSocket}): the jailer's pid file, whose pid
   *       is returned only once the kernel confirms it (its root directory is the chroot, it
   *       started before the file was written, {@code --id}); a pid that is not confirmed is
   *       refused. A jailed firecracker's command line never names the host's socket path, so
   *       {@code pgrep} cannot find it.
   *   <li>Otherwise the seed's {@code pgrep -n -f}, matching the path as whole arguments only, and
   *       the answer checked to have the path as one of its arguments: the newest process naming
   *       the socket, which may be an adversary's (the residual of P1), but never a process that
   *       names a longer path ({@code /run/fc/vm1.sock.old}).
   * </ol>
   *
   * <p>Refused, with no fallback: a symlink on the way to the socket or at it, a socket path that
   * is not a socket, a socket with more than one link (another VM's socket: catalogue S5/P4).
   *
   * @return the pid; never 0
   * @throws RefusedException when the socket path is not a plain socket reached without symlinks,
   *     or the pid file's process is not confirmed
   * @throws ProcessNotFoundException when no process is found ({@link CommandFailedException} when
   *     pgrep itself finds none)
   */
  int findPid(String apiSock) throws FcprocException {
    Inputs.socketPath("api socket", apiSock);
    return identity.find(apiSock, VmJail.ofSocket(apiSock));
  }

  /**
   * The seed's {@code ResolvePID}: {@link #findPid} first (the listener on the socket, else
   * pgrep), then the machine's own pid, else 0.
   */
  int resolvePid(String apiSock, OptionalInt machinePid) {
    try {
      int pid = findPid(apiSock);
      if (pid > 0) {
        return pid;
      }
    } catch (FcprocException | InvalidInputException e) {
      log.debug("found no process for {}: {}", apiSock, e.getMessage());
    }
    if (machinePid.isPresent() && machinePid.getAsInt() > 0) {
      return machinePid.getAsInt();
    }
    return 0;
  }

  /**
   * The seed's {@code SendCtrlAltDel}: hand the API socket to the caller's uid:gid first, then
   * {@code PUT /actions}. The request goes to the socket inode that was checked, through its
   * handle, never to whatever the path names a moment later.
   */
  void sendCtrlAltDel(String apiSock) throws FcprocException, InterruptedException {
    Credentials me = host.credentials();
    try (Handle socket = sockets.handOff(
        apiSock, "firecracker api socket", me.uid(), me.gid(), SocketHandoff.SYNC_TIMEOUT, SocketHandoff.SYNC_INTERVAL)) {
      api.sendCtrlAltDel(socket);
      log.debug("sent SendCtrlAltDel to {}", apiSock);
    }
  }

  /**
   * The seed's {@code WaitForExit}: every 100 ms, is the process still running? Cancellation is
   * the thread's interrupt, reported as {@link InterruptedException}.
   *
   * <p>A pidfd is opened on {@code pid} first (ESRCH: it has already exited). When {@code apiSock}
   * is given, {@link VmIdentity#judge} then says once whether that process is the VM's (the pidfd
   * keeps it the same process for the rest of the wait):
   * <ul>
   *   <li><em>the VM</em> — or <em>unsure</em>, a process in the VM's chroot that is not confirmed:
   *       waited for, since reporting a running VM as exited lets its chroot be cleaned up under
   *       it;
   *   <li><em>not the VM</em> (another process listens on the socket; or, the socket silent, a
   *       process outside the chroot that does not name the socket): the VM's process is gone and
   *       its pid reused, so it counts as exited at once (catalogue P2);
   *   <li><em>gone</em>: exited.
   * </ul>
   * The wait then polls the pidfd's process ({@link HostOps#process(PidHandle)}): reaped or a
   * zombie is exited; a newer owner of the pid is never mistaken for it.
   *
   * @throws RefusedException when the API socket path is refused (a symlink on the way, not a
   *     plain socket): nobody can be asked whether the pid is the VM's
   */
  void waitForExit(int pid, String apiSock, Duration timeout) throws FcprocException, InterruptedException {
    Inputs.pid("pid", pid);
    Inputs.positive("timeout", timeout);
    boolean checkIdentity = apiSock != null && !apiSock.isBlank();
    if (checkIdentity) {
      Inputs.socketPath("api socket", apiSock);
    }
    long deadline = host.nanoTime() + timeout.toNanos();
    PidHandle process;
    try {
      process = host.openPid(pid);
    } catch (HostException e) {
      if (e.is(Errno.ESRCH)) {
        log.debug("wait for {}: no such process: it has exited", pid);
        return;
      }
      throw new FcprocException("wait for pid " + pid + ": pidfd_open", e);
    }
    try (process) {
      if (checkIdentity) {
        VmIdentity.Verdict v = identity.judge(process, apiSock, VmJail.ofSocket(apiSock), "wait for exit");
        if (v instanceof VmIdentity.NotVm n) {
          log.debug("wait for {} ({}): pid {} is not the VM's process ({}): the VM's process has exited", pid, apiSock, pid,
              n.reason());
          return;
        }
        if (v instanceof VmIdentity.Gone g) {
          log.debug("wait for {}: {}", pid, g.reason());
          return;
        }
        if (v instanceof VmIdentity.Unsure u) {
          log.warn("wait for {} ({}): not confirmed to be the VM's process ({}); waiting for it to exit all the same",
              pid, apiSock, u.reason());
        } else {
          log.debug("wait for {} ({}): the VM's process: {}", pid, apiSock, ((VmIdentity.IsVm) v).evidence());
        }
      }
      while (true) {
        if (!isRunning(process)) {
          return;
        }
        if (host.nanoTime() > deadline) {
          throw new ExitTimeoutException(pid);
        }
        if (Thread.interrupted()) {
          throw new InterruptedException("waiting for pid " + pid + " to exit");
        }
        host.sleep(WAIT_INTERVAL);
      }
    }
  }

  /** The pidfd's process has not been reaped and is not a zombie. */
  private boolean isRunning(PidHandle process) throws FcprocException {
    Optional<ProcessInfo> p;
    try {
      p = host.process(process);
    } catch (HostException e) {
      throw new FcprocException("inspect pid " + process.pid(), e);
    }
    return p.isPresent() && !p.get().zombie();
  }

  /** The seed's {@code Kill}: SIGKILL, sent where the {@link Privilege} sends it. */
  void kill(int pid) throws FcprocException {
    Inputs.pid("pid", pid);
    privilege.kill(this, pid);
  }

  /** {@code kill(2)} from this process: root's kill, or a caller's kill of its own process. */
  void killDirectly(int pid) throws FcprocException {
    try {
      host.kill(pid, SIGKILL);
    } catch (HostException e) {
      throw new FcprocException("kill -KILL " + pid, e);
    }
    log.debug("sent SIGKILL to pid {}", pid);
  }

  /** The seed's sudo branch: {@code sudo -n kill -KILL pid}. */
  void killWithSudo(Commands throughSudo, int pid) throws FcprocException {
    throughSudo.privileged("kill", "-KILL", Integer.toString(pid));
    log.debug("sent SIGKILL to pid {} through sudo", pid);
  }

  // ---------------------------------------------------------------- the sure kill (catalogue P2)

  /**
   * The safe kill: SIGKILL to the VM's firecracker process and to nothing else, even when
   * {@code pid} has been reused (catalogue P2, docs/DESIGN.md#threat-model).
   *
   * <ol>
   *   <li>A pidfd is opened on {@code pid} first ({@code pidfd_open(2)}). From then on the pid
   *       cannot be given to another process while the pidfd's process has not been reaped, and
   *       a signal sent through the pidfd reaches that process or nothing (ESRCH).
   *   <li>Then its identity is confirmed by {@link VmIdentity#judge}: the process listening on
   *       {@code apiSock} ({@code SO_PEERCRED}) is {@code pid}; or, when the socket does not
   *       answer, for a VM jailed by the jailer's layout its root directory is the chroot, the
   *       jailer's pid file names it, it started before that file was written and its command
   *       line has {@code --id <id>}; for an unjailed VM its command line has {@code apiSock} as a
   *       whole argument. A zombie has already exited: nothing is sent. Anything else — not the
   *       VM, or not confirmed — is refused.
   *   <li>Only then SIGKILL is sent, through the pidfd ({@code pidfd_send_signal(2)}).
   * </ol>
   *
   * <p>Residual: in the command-line fallback, a process the caller's pid names that puts the
   * socket path on its own command line passes the check (catalogue P1's adversary, killed by its
   * own doing); a process that does not is never signalled. Not root: with a privileged helper
   * the whole kill runs as one root command ({@code vm kill --pid N --api-sock PATH}); without one
   * it is done as the caller, and EPERM says the VM belongs to another user.
   *
   * @throws RefusedException when {@code pid} is not the VM's process; nothing was signalled
   * @throws FcprocException when the process is gone (ESRCH) or a host call fails
   */
  void kill(int pid, String apiSock) throws FcprocException {
    Inputs.pid("pid", pid);
    Inputs.socketPath("api socket", apiSock);
    privilege.kill(this, pid, apiSock);
  }

  /** {@link #kill(int, String)} made here: as root, or as a caller on its own VM. */
  void killVm(int pid, String apiSock) throws FcprocException {
    PidHandle process;
    try {
      process = host.openPid(pid);
    } catch (HostException e) {
      throw new FcprocException("kill -KILL " + pid + ": pidfd_open", e);
    }
    try (process) {
      VmIdentity.Verdict v = identity.judge(process, apiSock, VmJail.ofSocket(apiSock), "kill");
      if (v instanceof VmIdentity.Gone g) {
        if (g.reaped()) {
          throw new FcprocException("kill -KILL " + pid,
              new HostException(Errno.ESRCH, "pidfd_send_signal", Integer.toString(pid), "the process has exited"));
        }
        log.debug("kill {} ({}): the process has already exited (a zombie); nothing sent", pid, apiSock);
        return;
      }
      if (v instanceof VmIdentity.NotVm n) {
        throw new RefusedException("kill", apiSock, "pid " + pid + " is not the VM's process (" + n.reason() + ")");
      }
      if (v instanceof VmIdentity.Unsure u) {
        throw new RefusedException("kill", apiSock, "pid " + pid + " is not confirmed to be the VM's process ("
            + u.reason() + ")");
      }
      String evidence = ((VmIdentity.IsVm) v).evidence();
      try {
        host.signal(process, SIGKILL);
      } catch (HostException e) {
        throw new FcprocException("kill -KILL " + pid + ": pidfd_send_signal", e);
      }
      log.debug("sent SIGKILL to pid {} through its pidfd ({})", pid, evidence);
    }
  }

  // ---------------------------------------------------------------- the jailer's pid file

  /** The name the jailer gives its firecracker binary by default, hence of its pid file. */
  static final String DEFAULT_EXEC_FILE_NAME = "firecracker";

  /**
   * {@link #findPid} for a jailed VM whose chroot is given, with the jailer's pid file
   * ({@link JailerPidFile}: {@code <chroot>/<exec file name>.pid}, read without following a
   * symlink, refused unless a plain small file of root's or the chroot owner's holding a pid) as a
   * second witness, read first:
   *
   * <ul>
   *   <li>the API socket answers: the kernel's {@code SO_PEERCRED} pid is returned; when the pid
   *       file disagrees, the disagreement is logged (warn) and the kernel wins;
   *   <li>the socket does not answer: the pid file's pid is returned only when {@link VmIdentity}
   *       confirms it — its root directory is the chroot ({@code /proc/PID/root}: a jailed
   *       firecracker's executable reads {@code /firecracker} from the host, so it says nothing),
   *       it started before the pid file was written, and, when the chroot is of the jailer's
   *       layout {@code .../<exec>/<id>/root}, its command line has {@code --id <id>}; otherwise
   *       refused;
   *   <li>there is no pid file (ENOENT): {@link #findPid}'s fallback.
   * </ul>
   */
  int findPidInChroot(String chrootRoot, String execFileName, String apiSock) throws FcprocException {
    Inputs.absolutePath("chroot root", chrootRoot);
    Inputs.name("exec file name", execFileName);
    Inputs.socketPath("api socket", apiSock);
    return identity.findWithWitness(apiSock, VmJail.ofChroot(chrootRoot, execFileName));
  }
}
