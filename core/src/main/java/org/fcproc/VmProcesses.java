package org.fcproc;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.fcproc.host.Credentials;
import org.fcproc.host.Errno;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.HostOps;
import org.fcproc.host.OpenHow;
import org.fcproc.host.PidHandle;
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
  /** Where a signal is sent from: here, through the privileged helper, or by the seed's sudo. */
  private final Privilege privilege;

  /**
   * @param commands commands run as the caller ({@code pgrep})
   */
  VmProcesses(HostOps host, Commands commands, SocketHandoff sockets, Privilege privilege) {
    this.host = host;
    this.commands = commands;
    this.sockets = sockets;
    this.api = new FirecrackerApi(host);
    this.privilege = privilege;
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
    return listenerPid(apiSock, FIND_PID);
  }

  private OptionalInt listenerPid(String apiSock, String operation) throws FcprocException {
    Handle socket;
    try {
      socket = sockets.openChecked(apiSock, operation);
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
    log.info("sent SIGKILL to pid {}", pid);
  }

  /** The seed's sudo branch: {@code sudo -n kill -KILL pid}. */
  void killWithSudo(Commands throughSudo, int pid) throws FcprocException {
    throughSudo.privileged("kill", "-KILL", Integer.toString(pid));
    log.info("sent SIGKILL to pid {} through sudo", pid);
  }

  // ---------------------------------------------------------------- the sure kill (ATTACKS P2)

  /**
   * The safe kill: SIGKILL to the VM's firecracker process and to nothing else, even when
   * {@code pid} has been reused (ATTACKS P2, BRIEF §3).
   *
   * <ol>
   *   <li>A pidfd is opened on {@code pid} first ({@code pidfd_open(2)}). From then on the pid
   *       cannot be given to another process while the pidfd's process has not been reaped, and
   *       a signal sent through the pidfd reaches that process or nothing (ESRCH).
   *   <li>Then its identity is confirmed: the process listening on {@code apiSock} — the kernel's
   *       answer, {@code SO_PEERCRED} through the checked socket, as {@link #findPid} asks it — is
   *       {@code pid}. When the socket cannot be asked (ECONNREFUSED: firecracker no longer
   *       listens; ENOENT: its socket is gone; EACCES: not handed to a caller who is not root),
   *       the process's command line (read through the pidfd, so it is the pidfd's process) must
   *       name {@code apiSock}. A zombie has already exited: nothing is sent.
   *   <li>Only then SIGKILL is sent, through the pidfd ({@code pidfd_send_signal(2)}).
   * </ol>
   *
   * <p>Residual: in the command-line fallback, a process the caller's pid names that puts the
   * socket path on its own command line passes the check (ATTACKS P1's adversary, killed by its
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
      String evidence = confirm(process, apiSock);
      if (evidence == null) {
        log.info("kill {} ({}): the process has already exited (a zombie); nothing sent", pid, apiSock);
        return;
      }
      try {
        host.signal(process, SIGKILL);
      } catch (HostException e) {
        throw new FcprocException("kill -KILL " + pid + ": pidfd_send_signal", e);
      }
      log.info("sent SIGKILL to pid {} through its pidfd ({})", pid, evidence);
    }
  }

  /**
   * Confirms that the pidfd's process is the VM's firecracker: the evidence, for the log; null
   * when it is a zombie (already exited). Refuses otherwise.
   */
  private String confirm(PidHandle process, String apiSock) throws FcprocException {
    int pid = process.pid();
    OptionalInt listener = listenerPid(apiSock, "kill");
    if (listener.isPresent()) {
      if (listener.getAsInt() == pid) {
        return "it listens on " + apiSock + " (SO_PEERCRED)";
      }
      throw new RefusedException("kill", apiSock, "pid " + pid + " is not the VM's process (pid "
          + listener.getAsInt() + " listens on the API socket, SO_PEERCRED)");
    }
    Optional<ProcessInfo> info;
    try {
      info = host.process(process);
    } catch (HostException e) {
      throw new FcprocException("kill -KILL " + pid + ": inspect the process", e);
    }
    if (info.isEmpty()) {
      throw new FcprocException("kill -KILL " + pid,
          new HostException(Errno.ESRCH, "pidfd_send_signal", Integer.toString(pid), "the process has exited"));
    }
    if (info.get().zombie()) {
      return null;
    }
    if (!info.get().commandLine().contains(apiSock)) {
      throw new RefusedException("kill", apiSock, "pid " + pid + " is not the VM's process (the API socket "
          + "does not answer and its command line does not name it: " + RefusedException.quote(abbreviate(info.get().commandLine())) + ")");
    }
    return "the API socket does not answer; its command line names it";
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  // ---------------------------------------------------------------- the jailer's pid file

  /** The name the jailer gives its firecracker binary by default, hence of its pid file. */
  static final String DEFAULT_EXEC_FILE_NAME = "firecracker";
  /** A pid file longer than this is not the jailer's. */
  static final int PID_FILE_MAX_BYTES = 32;

  /**
   * {@link #findPid} for a jailed VM, with the jailer's pid file as a second witness. The jailer
   * (Firecracker 1.7+) writes the firecracker process's pid, as seen from the jailer's pid
   * namespace (the host's, also with {@code --new-pid-ns}), to {@code <chroot>/<exec file
   * name>.pid} — {@code firecracker.pid} for the usual exec file.
   *
   * <p>The pid file is read through a handle: the chroot root reached without any symlink, the
   * file opened {@code O_RDONLY|O_NOFOLLOW|O_NONBLOCK} in it, then checked through the handle — a
   * regular file with one link, owned by root or by the chroot root's owner (the VM's uid), at
   * most {@value #PID_FILE_MAX_BYTES} bytes, holding a positive decimal pid. Anything else is
   * refused. The file lies in a directory the VM's uid owns, so it is never trusted alone:
   *
   * <ul>
   *   <li>the API socket answers: the kernel's {@code SO_PEERCRED} pid is returned; when the pid
   *       file disagrees, the disagreement is logged (warn) and the kernel wins;
   *   <li>the socket does not answer: the pid file's pid is returned only when that process is
   *       alive, not a zombie, and its executable lies inside the chroot; otherwise refused;
   *   <li>there is no pid file (ENOENT): {@link #findPid}, fallback included.
   * </ul>
   */
  int findPidInChroot(String chrootRoot, String execFileName, String apiSock) throws FcprocException {
    Inputs.absolutePath("chroot root", chrootRoot);
    Inputs.name("exec file name", execFileName);
    Inputs.socketPath("api socket", apiSock);
    String pidFile = (chrootRoot.equals("/") ? "" : chrootRoot) + "/" + execFileName + ".pid";
    OptionalInt fromFile = readPidFile(chrootRoot, execFileName + ".pid", pidFile);
    if (fromFile.isEmpty()) {
      log.debug("find pid: no pid file {}; asking the API socket", pidFile);
      return findPid(apiSock);
    }
    int filePid = fromFile.getAsInt();
    OptionalInt listener = listenerPid(apiSock, FIND_PID);
    if (listener.isPresent()) {
      int kernel = listener.getAsInt();
      if (kernel != filePid) {
        log.warn("find pid {}: the pid file {} says {}, but pid {} listens on the API socket (SO_PEERCRED): "
            + "the kernel's answer is used", apiSock, pidFile, filePid, kernel);
      }
      return kernel;
    }
    Optional<ProcessInfo> info;
    try {
      info = host.process(filePid);
    } catch (HostException e) {
      throw new FcprocException("find pid: inspect pid " + filePid, e);
    }
    String root = chrootRoot.equals("/") ? "/" : chrootRoot + "/";
    if (info.isEmpty() || info.get().zombie()) {
      throw new FcprocException("find pid: the pid file " + pidFile + " names pid " + filePid
          + ", which is not running, and nobody listens on " + apiSock);
    }
    if (!info.get().executable().startsWith(root)) {
      throw new RefusedException(FIND_PID, pidFile, "pid " + filePid + " from the pid file is not a process "
          + "running from the chroot (executable " + RefusedException.quote(info.get().executable())
          + "), and the API socket does not answer: not trusted");
    }
    log.debug("find pid {}: pid {} from {} (the socket does not answer; its executable is in the chroot)",
        apiSock, filePid, pidFile);
    return filePid;
  }

  /** The pid in the pid file, or empty when there is none (ENOENT). */
  private OptionalInt readPidFile(String chrootRoot, String name, String pidFile) throws FcprocException {
    try (Handle dir = NoFollowPaths.openDirectory(host, chrootRoot, FIND_PID)) {
      FileStat dirStat = host.fstat(dir);
      Handle file;
      try {
        file = host.openAt(dir, name, OpenHow.readNoFollow());
      } catch (HostException e) {
        if (e.is(Errno.ENOENT)) {
          return OptionalInt.empty();
        }
        if (e.is(Errno.ELOOP)) {
          throw new RefusedException(FIND_PID, pidFile, "the pid file is a symlink");
        }
        throw new FcprocException("find pid: open " + pidFile, e);
      }
      try (file) {
        FileStat st = host.fstat(file);
        if (!st.is(FileType.REGULAR)) {
          throw new RefusedException(FIND_PID, pidFile, "the pid file is a " + SocketHandoff.describe(st.type())
              + ", not a regular file");
        }
        if (st.nlink() != 1) {
          throw new RefusedException(FIND_PID, pidFile, "the pid file has " + st.nlink() + " links");
        }
        if (st.uid() != 0 && st.uid() != dirStat.uid()) {
          throw new RefusedException(FIND_PID, pidFile, "the pid file is owned by uid " + st.uid()
              + ", neither root nor the chroot's owner (uid " + dirStat.uid() + ")");
        }
        if (st.size() > PID_FILE_MAX_BYTES) {
          throw new RefusedException(FIND_PID, pidFile, "the pid file is " + st.size() + " bytes long");
        }
        byte[] bytes = host.read(file, PID_FILE_MAX_BYTES + 1);
        if (bytes.length > PID_FILE_MAX_BYTES) {
          throw new RefusedException(FIND_PID, pidFile, "the pid file is longer than " + PID_FILE_MAX_BYTES + " bytes");
        }
        String text = new String(bytes, java.nio.charset.StandardCharsets.US_ASCII).strip();
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
          throw new RefusedException(FIND_PID, pidFile, "the pid file does not hold a pid: "
              + RefusedException.quote(text));
        }
        long pid = Long.parseLong(text);
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
          throw new RefusedException(FIND_PID, pidFile, "the pid file holds " + pid + ", not a pid");
        }
        return OptionalInt.of((int) pid);
      }
    } catch (HostException e) {
      throw new FcprocException("find pid: read " + pidFile, e);
    }
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
