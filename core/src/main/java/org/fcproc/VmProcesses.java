package org.fcproc;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.fcproc.host.Credentials;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.ProcessInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A VM's firecracker process: finding it, asking it to stop, waiting for it, killing it. */
final class VmProcesses {
  private static final Logger log = LoggerFactory.getLogger(VmProcesses.class);

  static final Duration WAIT_INTERVAL = Duration.ofMillis(100);
  static final int SIGKILL = 9;

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
   * The seed's {@code FindPID}: {@code pgrep -n -f <apiSock>}.
   *
   * <p>Divergence: the socket path is given to pgrep as a literal (its regular-expression
   * characters escaped), so {@code vm.1.sock} does not also match {@code vm-1-sock}. It is still
   * a match anywhere in any command line: an adversary process that names the path can be
   * newer than firecracker (ATTACKS P1); the lifecycle issue identifies the process for sure.
   */
  int findPid(String apiSock) throws FcprocException {
    Inputs.socketPath("api socket", apiSock);
    String out = commands.check("pgrep", "-n", "-f", literalPattern(apiSock)).stdout().strip();
    try {
      return Integer.parseInt(out);
    } catch (NumberFormatException e) {
      throw new FcprocException("pgrep -n -f " + apiSock + ": not a pid: \"" + out + "\"");
    }
  }

  /** The seed's {@code ResolvePID}: pgrep first, then the machine's own pid, else 0. */
  int resolvePid(String apiSock, OptionalInt machinePid) {
    try {
      int pid = findPid(apiSock);
      if (pid > 0) {
        return pid;
      }
    } catch (FcprocException | InvalidInputException e) {
      log.debug("pgrep found no process for {}: {}", apiSock, e.getMessage());
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
