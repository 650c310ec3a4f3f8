package org.fcproc;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.fcproc.host.Credentials;
import org.fcproc.host.Errno;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.ProcessInfo;
import org.fcproc.host.UnixConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A VM's firecracker process: finding it, asking it to stop, waiting for it, killing it. */
final class VmProcesses {
  private static final Logger log = LoggerFactory.getLogger(VmProcesses.class);

  static final Duration WAIT_INTERVAL = Duration.ofMillis(100);
  static final int SIGKILL = 9;
  /** At most this long to let a server hang up after {@link #findPid}'s empty connection. */
  static final Duration HANGUP_TIMEOUT = Duration.ofSeconds(1);
  private static final String FIND_PID = "find pid";

  private final HostOps host;
  private final Commands commands;
  private final SocketHandoff sockets;
  private final FirecrackerApi api;

  VmProcesses(HostOps host, Commands commands, SocketHandoff sockets) {
    this.host = host;
    this.commands = commands;
    this.sockets = sockets;
    this.api = new FirecrackerApi(host);
  }

  /**
   * The seed's {@code FindPID}, "the PID of the firecracker process listening on apiSock" —
   * asked of the kernel instead of guessed from command lines (BRIEF §6.6, ATTACKS P1).
   *
   * <p><b>The sure way.</b> The socket is opened {@code O_PATH|O_NOFOLLOW} in its directory,
   * reached without following a symlink, and must be a unix socket with one link (the checks of
   * the socket hand-off; nothing is changed — finding a pid hands nothing off). fcproc connects
   * through that handle and asks {@code SO_PEERCRED}: the kernel's record of the process that
   * called {@code listen(2)} on that very inode (unix(7)). An adversary process that names the
   * path on its command line, however new, is not that process. The connection is then hung up
   * politely — {@code shutdown(SHUT_WR)}, read until the server hangs up too (at most
   * {@link #HANGUP_TIMEOUT}), close — without sending a request.
   *
   * <p>pgrep is not asked as a cross-check: when it disagrees with the kernel, pgrep is the one
   * that is wrong (an adversary newer than firecracker, P1), and refusing on a disagreement would
   * only let any process that names the path stop {@code findPid} from working.
   *
   * <p><b>The fallback, which keeps the seed's weakness.</b> Only when the socket cannot be
   * connected — ENOENT (no socket yet, or no more: firecracker not yet bound, or gone and its
   * socket removed), ECONNREFUSED (a socket inode nobody listens on: firecracker has exited, or
   * has not listened yet), EACCES (a caller who is not root, before the socket was handed to
   * it) — the seed's {@code pgrep -n -f} runs, and its answer is only as good as the seed's: the
   * newest process whose command line names the path, which may be an adversary's (P1). The
   * socket path is given to pgrep as a literal (its regular-expression characters escaped), so
   * {@code vm.1.sock} does not also match {@code vm-1-sock}.
   *
   * <p>Refused, with no fallback: a symlink on the way to the socket or at it, a socket path that
   * is not a socket, a socket with more than one link (it may be another VM's socket, whose
   * firecracker would be named — ATTACKS S5/P4). The residual: the kernel names whoever listens
   * on the inode at the path, so the socket's directory must not be writable by the adversary
   * (the runtime directory is root's, 0711), or it could bind a listener of its own there.
   *
   * @return the pid; never 0
   * @throws RefusedException when the socket path is not a plain socket reached without symlinks
   * @throws FcprocException when no process is found, or the kernel's answer cannot be had
   */
  int findPid(String apiSock) throws FcprocException {
    Inputs.socketPath("api socket", apiSock);
    OptionalInt listener = listenerPid(apiSock);
    if (listener.isPresent()) {
      return listener.getAsInt();
    }
    return pgrepNewest(apiSock);
  }

  /**
   * {@code SO_PEERCRED} through a checked handle on the socket; empty when the socket cannot be
   * connected for one of the reasons that send {@link #findPid} to the fallback.
   */
  private OptionalInt listenerPid(String apiSock) throws FcprocException {
    Handle socket;
    try {
      socket = sockets.openChecked(apiSock, FIND_PID);
    } catch (RefusedException e) {
      throw e;
    } catch (FcprocException e) {
      if (e.getCause() instanceof HostException he && (he.is(Errno.ENOENT) || he.is(Errno.EACCES))) {
        log.debug("find pid {}: cannot open the socket ({}); falling back to pgrep", apiSock, he.errno());
        return OptionalInt.empty();
      }
      throw e;
    }
    try (socket) {
      UnixConnection c;
      try {
        c = host.connect(socket);
      } catch (HostException e) {
        if (e.is(Errno.ECONNREFUSED) || e.is(Errno.ENOENT) || e.is(Errno.EACCES)) {
          log.debug("find pid {}: cannot connect ({}); falling back to pgrep", apiSock, e.errno());
          return OptionalInt.empty();
        }
        throw new FcprocException("find pid: connect " + apiSock, e);
      }
      try (c) {
        int pid = c.peerPid();
        hangUp(c, apiSock);
        if (pid <= 0) {
          throw new FcprocException("find pid: the process listening on " + apiSock
              + " is not visible in this pid namespace (SO_PEERCRED pid " + pid + ")");
        }
        log.debug("find pid {}: pid {} listens on it (SO_PEERCRED)", apiSock, pid);
        return OptionalInt.of(pid);
      } catch (HostException e) {
        throw new FcprocException("find pid: getsockopt SO_PEERCRED on " + apiSock, e);
      }
    }
  }

  /**
   * Ends a connection that sent nothing the way an HTTP client with nothing to say should: half
   * close, then read until the server hangs up (Firecracker does at once), so a server that
   * answers the empty request is not written into a closed socket. Best effort: a server that
   * keeps talking or stays silent is cut off at {@link #HANGUP_TIMEOUT}.
   */
  private void hangUp(UnixConnection c, String apiSock) {
    byte[] buf = new byte[4096];
    long deadline = host.nanoTime() + HANGUP_TIMEOUT.toNanos();
    try {
      c.shutdownOutput();
      int total = 0;
      while (total < (1 << 16)) {
        long left = deadline - host.nanoTime();
        if (left <= 0) {
          return;
        }
        int n = c.read(buf, Duration.ofNanos(left));
        if (n < 0) {
          return;
        }
        total += n;
      }
    } catch (HostException e) {
      log.debug("find pid {}: hang-up: {}", apiSock, e.getMessage());
    }
  }

  /** The seed's {@code FindPID} itself: {@code pgrep -n -f <apiSock>}, the path as a literal. */
  private int pgrepNewest(String apiSock) throws FcprocException {
    String out = commands.check("pgrep", "-n", "-f", literalPattern(apiSock)).stdout().strip();
    try {
      return Integer.parseInt(out);
    } catch (NumberFormatException e) {
      throw new FcprocException("pgrep -n -f " + apiSock + ": not a pid: \"" + out + "\"");
    }
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
      log.info("sent SendCtrlAltDel to {}", apiSock);
    }
  }

  /**
   * The seed's {@code WaitForExit}: every 100 ms, is the process still running? Cancellation is
   * the thread's interrupt, reported as {@link InterruptedException}.
   *
   * <p>A process "runs" when the pid exists, is not a zombie, and — when {@code apiSock} is
   * given — its command line names the socket, so a pid reused by an unrelated process counts
   * as exited (ATTACKS P2).
   */
  void waitForExit(int pid, String apiSock, Duration timeout) throws FcprocException, InterruptedException {
    Inputs.pid("pid", pid);
    Inputs.positive("timeout", timeout);
    long deadline = host.nanoTime() + timeout.toNanos();
    while (true) {
      if (!isRunning(pid, apiSock)) {
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

  private boolean isRunning(int pid, String apiSock) throws FcprocException {
    Optional<ProcessInfo> p;
    try {
      p = host.process(pid);
    } catch (HostException e) {
      throw new FcprocException("inspect pid " + pid, e);
    }
    if (p.isEmpty() || p.get().zombie()) {
      return false;
    }
    return apiSock == null || apiSock.isBlank() || p.get().commandLine().contains(apiSock);
  }

  /** The seed's {@code Kill}: SIGKILL, through {@code sudo kill -KILL} when not root. */
  void kill(int pid) throws FcprocException {
    Inputs.pid("pid", pid);
    if (host.credentials().isRoot()) {
      try {
        host.kill(pid, SIGKILL);
      } catch (HostException e) {
        throw new FcprocException("kill -KILL " + pid, e);
      }
    } else {
      commands.privileged("kill", "-KILL", Integer.toString(pid));
    }
    log.info("sent SIGKILL to pid {}", pid);
  }

  /** Escapes POSIX extended-regex metacharacters, so pgrep matches the text literally. */
  static String literalPattern(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 8);
    for (char c : text.toCharArray()) {
      if ("\\^$.|?*+()[]{}".indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
