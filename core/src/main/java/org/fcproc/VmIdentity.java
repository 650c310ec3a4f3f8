package org.fcproc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.PidHandle;
import org.fcproc.host.ProcessInfo;
import org.fcproc.host.UnixConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which process is a VM's firecracker — decided here, once, for {@code findPid}, the wait, the safe
 * kill ({@link VmProcesses}) and the orphan sweep's liveness ({@link Sweep}).
 *
 * <h2>What the host sees of a jailed firecracker</h2>
 * Firecracker's jailer makes its own mount namespace ({@code unshare(CLONE_NEWNS)}), makes its
 * mounts slaves, binds the chroot {@code <base>/<exec>/<id>/root} on itself, {@code pivot_root}s
 * into it, detaches the old root, and exec's {@code /<exec> --id <id> ...} (optionally in a new pid
 * namespace). Checked on Linux 6.x, the host then sees: {@code /proc/PID/exe} reads
 * {@code /firecracker} ({@code d_path} of a file whose mount is not reachable from the reader's
 * root gives the path from the root of the process's own namespace), the command line holds only
 * paths inside the jail ({@code --api-sock /run/firecracker.socket}), and {@code readlink} of
 * {@code /proc/PID/root} says {@code /} — but a {@code stat} through {@code /proc/PID/root} lands
 * on the process's root dentry, which is the chroot directory's inode: its {@code st_dev} and
 * {@code st_ino} are those the host sees at the chroot's path (the bind of a directory on itself
 * makes a new mount, never a new inode). With {@code --new-pid-ns} the pid in the pid file and in
 * {@code SO_PEERCRED} is the host's (the kernel translates it into the reader's namespace). So
 * neither the executable nor the command line can tell a jailed VM; its root directory can.
 *
 * <h2>The evidence, in order</h2>
 * <ol>
 *   <li><b>{@code SO_PEERCRED} on the API socket</b>, when it answers: the kernel's record of the
 *       process that called {@code listen(2)} on that socket inode (unix(7)); the socket is opened
 *       {@code O_PATH|O_NOFOLLOW} with no symlink on the way and must have one link
 *       ({@link SocketHandoff#openChecked}). Decisive either way: the listener is the VM, any other
 *       process is not. The connection sends nothing and is hung up politely.
 *   <li><b>A jailed VM</b> — the API socket lies in a chroot of the jailer's layout
 *       ({@link VmJail#ofSocket}), or the chroot was given ({@code vm pid --chroot}): when the socket
 *       does not answer (ENOENT, ECONNREFUSED, EACCES), a process is the VM when <em>all</em> of
 *       <ul>
 *         <li>its root directory is the chroot: {@link HostOps#processRoot} (a {@code stat}
 *             through {@code /proc/PID/root}) has the chroot directory's {@code dev} and
 *             {@code ino}. Only a process that chroot'ed or pivoted into it has that root, which
 *             needs {@code CAP_SYS_CHROOT} (the jailer's root, or a user namespace of the VM's
 *             uid — which makes only its own process pass);
 *         <li>the jailer's pid file ({@link JailerPidFile}, read without following a symlink)
 *             names it;
 *         <li>it started no later than the pid file was written
 *             ({@link HostOps#processStartTime} ≤ {@link HostOps#modificationTime}, give or take
 *             {@link #START_SLACK}, the coarse clock of file times): the jailer writes the file
 *             after the process it names has started, so a process that started after — a reused
 *             pid — is not the one named;
 *         <li>its command line has {@code --id <id>} (two whole arguments, as the jailer passes
 *             them), when the id is known from the layout.
 *       </ul>
 *       A process in the chroot that misses any of the others is <em>unsure</em>: something of the
 *       VM's runs there, but it is not confirmed to be its firecracker. A process whose root is not
 *       the chroot is not the jailed VM; it is still the VM when (3) holds — a firecracker started
 *       without the jailer on a socket path that merely looks like the jailer's layout.
 *   <li><b>An unjailed VM</b> (the seed's rule): when the socket does not answer, a process whose
 *       command line has the API socket path as one whole argument ({@code --api-sock PATH}); a
 *       path that only contains it — {@code /run/fc/vm1.sock.old} for {@code /run/fc/vm1.sock} —
 *       never counts. Anyone may name a path on its command line, so this is the weakest evidence
 *       (the residual of catalogue P1: such a process is taken for the VM, and only it).
 * </ol>
 * A zombie or a reaped process is <em>gone</em>. Every process fact is read through a pidfd
 * ({@link HostOps#process(PidHandle)}, {@link HostOps#processRoot}, {@link HostOps#processStartTime}):
 * what is read is the pidfd's process, never a newer owner of its pid.
 *
 * <h2>What each caller makes of it</h2>
 * The kill signals only a confirmed VM and refuses <em>not</em> and <em>unsure</em>; the wait
 * reports an exit only for <em>gone</em> and <em>not</em> (a pid that is positively someone else's
 * — the VM's process is gone, catalogue P2) and waits on while <em>unsure</em>, since reporting a
 * running VM as exited lets its chroot be cleaned up under it; {@code findPid} falls back from the
 * socket to the pid file (jailed) and then to {@code pgrep} (both), each answer confirmed as above;
 * the sweep counts a process whose root is the chroot as life ({@link #runsInChroot}).
 *
 * <p>Residuals: the wall clock stepped forward between the jailer's start and its writing of the
 * pid file makes the start-time check fail (the VM is then unsure: not killed, waited for); a pid
 * reused within {@link #START_SLACK} of the pid file's writing passes it (the root check remains).
 * The
 * kernel names whoever listens on the socket inode, so the socket's directory must not be writable
 * by an adversary (for a jailed VM it is the VM's own {@code run} directory: the VM's uid can
 * listen there, and is then taken for its own VM).
 */
final class VmIdentity {
  private static final Logger log = LoggerFactory.getLogger(VmIdentity.class);

  /**
   * How much later than its pid file's modification time a process may appear to have started and
   * still be the one the file names. The kernel stamps a file's times from the coarse clock
   * ({@code current_time()}: {@code ktime_get_coarse_real_ts64()}, advanced once a jiffy — 10 ms at
   * the coarsest {@code CONFIG_HZ} of 100), so a file written 1 ms after a fork may carry a time up to
   * a jiffy before it: seen on Linux 6.18 with the jailer's {@code --new-pid-ns} order (fork, then
   * write the child's pid), the start 3 ms after the file's mtime. Two jiffies of the coarsest clock.
   */
  static final Duration START_SLACK = Duration.ofMillis(20);
  /** At most this long to let a server hang up after the empty {@code SO_PEERCRED} connection. */
  static final Duration HANGUP_TIMEOUT = Duration.ofSeconds(1);
  static final String FIND_PID = "find pid";

  private final HostOps host;
  private final Commands asCaller;
  private final SocketHandoff sockets;

  /** @param asCaller commands run as the caller ({@code pgrep}) */
  VmIdentity(HostOps host, Commands asCaller, SocketHandoff sockets) {
    this.host = host;
    this.asCaller = asCaller;
    this.sockets = sockets;
  }

  // ---------------------------------------------------------------- verdicts

  /** What the evidence says of one process and one VM. */
  sealed interface Verdict permits IsVm, NotVm, Unsure, Gone {}

  /** It is the VM's firecracker; {@code evidence} says why, for the log. */
  record IsVm(String evidence) implements Verdict {}

  /** It is positively not the VM's process; {@code reason} says why. */
  record NotVm(String reason) implements Verdict {}

  /** It may belong to the VM but is not confirmed to be its firecracker; {@code reason} says what is missing. */
  record Unsure(String reason) implements Verdict {}

  /** It has exited: a zombie ({@code reaped} false) or reaped (true). */
  record Gone(boolean reaped, String reason) implements Verdict {}

  /**
   * Whether the pidfd's process is the VM serving {@code apiSock} (jailed in {@code jail} when
   * present), by the evidence in the class comment.
   *
   * @throws RefusedException when the socket path (or the chroot) is reached through a symlink or
   *     the socket is not a plain socket: then nobody can be asked
   * @throws FcprocException when a host call fails otherwise
   */
  Verdict judge(PidHandle process, String apiSock, Optional<VmJail> jail, String operation) throws FcprocException {
    OptionalInt listener = listener(apiSock, operation);
    if (listener.isPresent()) {
      if (listener.getAsInt() == process.pid()) {
        return new IsVm("it listens on " + apiSock + " (SO_PEERCRED)");
      }
      return new NotVm("pid " + listener.getAsInt() + " listens on the API socket, SO_PEERCRED");
    }
    return judgeSilent(process, apiSock, jail, operation);
  }

  /** {@link #judge} when the socket does not answer: the process's own facts. */
  private Verdict judgeSilent(PidHandle process, String apiSock, Optional<VmJail> jail, String operation)
      throws FcprocException {
    int pid = process.pid();
    Optional<ProcessInfo> found;
    try {
      found = host.process(process);
    } catch (HostException e) {
      throw new FcprocException(operation + " " + pid + ": inspect the process", e);
    }
    if (found.isEmpty()) {
      return new Gone(true, "pid " + pid + " has exited and been reaped");
    }
    ProcessInfo info = found.get();
    if (info.zombie()) {
      return new Gone(false, "pid " + pid + " has exited (a zombie)");
    }
    boolean namesSocket = namesSocket(info.argv(), apiSock);
    String commandLine = RefusedException.quote(abbreviate(info.commandLine()));
    if (jail.isEmpty()) {
      return namesSocket
          ? new IsVm("the API socket does not answer; its command line names it")
          : new NotVm("the API socket does not answer and its command line does not name it: " + commandLine);
    }
    VmJail j = jail.get();
    FileStat root = null;
    String rootUnseen = null;
    try {
      root = host.processRoot(process);
    } catch (HostException e) {
      if (e.is(Errno.ESRCH)) {
        return new Gone(true, "pid " + pid + " has exited and been reaped");
      }
      if (e.is(Errno.ENOENT)) {
        return new Gone(false, "pid " + pid + " has exited (a zombie: no root directory)");
      }
      rootUnseen = "its root directory cannot be looked at (" + e.call() + " " + e.path() + ": " + e.errno() + ")";
    }
    Optional<FileStat> chroot = chrootStat(j, operation);
    boolean inChroot = root != null && chroot.isPresent() && root.sameInode(chroot.get());
    if (!inChroot) {
      if (namesSocket) {
        return new IsVm("the API socket does not answer; its command line names it (its root directory is not the "
            + "chroot: a firecracker run without the jailer)");
      }
      if (rootUnseen != null) {
        return new Unsure("the API socket does not answer, " + rootUnseen + ", and its command line does not name "
            + "the socket: " + commandLine);
      }
      return new NotVm("the API socket does not answer, its root directory is not the chroot "
          + RefusedException.quote(j.chrootRoot()) + " (" + describeRoot(root, chroot) + "), and its command line "
          + "does not name the socket: " + commandLine);
    }
    List<String> missing = new ArrayList<>();
    Optional<JailerPidFile> pidFile = Optional.empty();
    try {
      pidFile = JailerPidFile.read(host, j, operation);
      if (pidFile.isEmpty()) {
        missing.add("there is no pid file " + RefusedException.quote(j.pidFile()));
      }
    } catch (RefusedException e) {
      missing.add("its pid file is not trusted (" + e.reason() + ")");
    }
    if (pidFile.isPresent()) {
      if (pidFile.get().pid() != pid) {
        missing.add("the pid file " + RefusedException.quote(j.pidFile()) + " names pid " + pidFile.get().pid());
      } else {
        Instant started;
        try {
          started = host.processStartTime(process);
        } catch (HostException e) {
          if (e.is(Errno.ESRCH)) {
            return new Gone(true, "pid " + pid + " has exited and been reaped");
          }
          throw new FcprocException(operation + " " + pid + ": the process's start time", e);
        }
        if (started.isAfter(pidFile.get().written().plus(START_SLACK))) {
          missing.add("it started at " + started + ", after its pid file was written (" + pidFile.get().written()
              + "): not the process the jailer named, its pid was reused");
        }
      }
    }
    if (j.id().isPresent() && !hasId(info.argv(), j.id().get())) {
      missing.add("its command line has no --id " + j.id().get() + ": " + commandLine);
    }
    String where = "its root directory is the chroot " + RefusedException.quote(j.chrootRoot()) + " (/proc/" + pid + "/root)";
    if (!missing.isEmpty()) {
      return new Unsure("the API socket does not answer; " + where + ", but " + String.join("; ", missing));
    }
    return new IsVm("the API socket does not answer; " + where + ", the pid file names it, it started before the pid "
        + "file was written" + (j.id().isPresent() ? ", and its command line has --id " + j.id().get()
            : " (the chroot is not of the jailer's layout: no id to check)"));
  }

  /** The chroot directory as the host sees it at its path, reached without a symlink; empty when missing. */
  private Optional<FileStat> chrootStat(VmJail jail, String operation) throws FcprocException {
    Handle dir;
    try {
      dir = NoFollowPaths.openDirectory(host, jail.chrootRoot(), operation);
    } catch (RefusedException e) {
      throw e;
    } catch (FcprocException e) {
      if (e.getCause() instanceof HostException h && h.is(Errno.ENOENT)) {
        return Optional.empty();
      }
      throw e;
    }
    try (dir) {
      return Optional.of(host.fstat(dir));
    } catch (HostException e) {
      throw new FcprocException(operation + ": fstat " + jail.chrootRoot(), e);
    }
  }

  private static String describeRoot(FileStat root, Optional<FileStat> chroot) {
    String r = "/proc/PID/root is inode " + root.dev() + ":" + root.ino();
    return chroot.map(c -> r + ", the chroot " + c.dev() + ":" + c.ino()).orElse(r + ", and there is no chroot");
  }

  /** Whether one whole argument is the socket path (never a part of one). */
  static boolean namesSocket(List<String> argv, String apiSock) {
    return argv.contains(apiSock);
  }

  /** {@code --id <id>}, two whole arguments, as the jailer passes them to firecracker. */
  static boolean hasId(List<String> argv, String id) {
    for (int i = 0; i + 1 < argv.size(); i++) {
      if (argv.get(i).equals("--id") && argv.get(i + 1).equals(id)) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- finding the pid

  /**
   * The VM's pid, without being given one: {@code SO_PEERCRED} on the socket; else, for a jailed
   * VM, the pid file's pid once {@link #judge} confirms it; else (no pid file, or unjailed) the
   * newest process with the socket path as a whole argument ({@link #pgrepNewest}).
   *
   * @throws ProcessNotFoundException when no process is found
   * @throws RefusedException when the pid file's process is not confirmed, or a path is refused
   */
  int find(String apiSock, Optional<VmJail> jail) throws FcprocException {
    OptionalInt listener = listener(apiSock, FIND_PID);
    if (listener.isPresent()) {
      return listener.getAsInt();
    }
    if (jail.isPresent()) {
      Optional<JailerPidFile> pidFile = JailerPidFile.read(host, jail.get(), FIND_PID);
      if (pidFile.isPresent()) {
        return fromPidFile(pidFile.get(), apiSock, jail);
      }
      log.debug("find pid {}: no pid file {}; a jailed firecracker does not name the socket, trying pgrep anyway",
          apiSock, jail.get().pidFile());
    }
    return pgrepNewest(apiSock);
  }

  /**
   * {@link #find} with the pid file read first, as a witness ({@code vm pid --chroot}): a pid file
   * that is refused stops the search even when the socket answers, and when the socket's listener
   * and the pid file disagree the disagreement is logged and the kernel's answer wins.
   */
  int findWithWitness(String apiSock, VmJail jail) throws FcprocException {
    Optional<JailerPidFile> pidFile = JailerPidFile.read(host, jail, FIND_PID);
    OptionalInt listener = listener(apiSock, FIND_PID);
    if (listener.isPresent()) {
      if (pidFile.isPresent() && pidFile.get().pid() != listener.getAsInt()) {
        log.warn("find pid {}: the pid file {} says {}, but pid {} listens on the API socket (SO_PEERCRED): "
            + "the kernel's answer is used", apiSock, pidFile.get().path(), pidFile.get().pid(), listener.getAsInt());
      }
      return listener.getAsInt();
    }
    if (pidFile.isPresent()) {
      return fromPidFile(pidFile.get(), apiSock, Optional.of(jail));
    }
    return pgrepNewest(apiSock);
  }

  /** The pid file's pid, once the process is confirmed (the socket did not answer). */
  private int fromPidFile(JailerPidFile pidFile, String apiSock, Optional<VmJail> jail) throws FcprocException {
    int pid = pidFile.pid();
    PidHandle process;
    try {
      process = host.openPid(pid);
    } catch (HostException e) {
      if (e.is(Errno.ESRCH)) {
        throw new ProcessNotFoundException(apiSock, "find pid: nobody listens on " + RefusedException.quote(apiSock)
            + ", and the pid file " + RefusedException.quote(pidFile.path()) + " names pid " + pid + ", which is not running");
      }
      throw new FcprocException("find pid: pidfd_open " + pid, e);
    }
    try (process) {
      Verdict v = judgeSilent(process, apiSock, jail, FIND_PID);
      if (v instanceof IsVm is) {
        log.debug("find pid {}: pid {} from {}: {}", apiSock, pid, pidFile.path(), is.evidence());
        return pid;
      }
      if (v instanceof Gone g) {
        throw new ProcessNotFoundException(apiSock, "find pid: nobody listens on " + RefusedException.quote(apiSock)
            + ", and the pid file " + RefusedException.quote(pidFile.path()) + " names pid " + pid + ", which "
            + (g.reaped() ? "is not running" : "has exited (a zombie)"));
      }
      String reason = v instanceof NotVm n ? n.reason() : ((Unsure) v).reason();
      throw new RefusedException(FIND_PID, pidFile.path(), "pid " + pid + " from the pid file is not confirmed to be "
          + "the VM's process (" + reason + "): not trusted");
    }
  }

  /**
   * The seed's {@code pgrep -n -f}, with whole arguments: the pattern is the socket path as a
   * literal between a space (or the start) and a space (or the end) of the command line — pgrep
   * matches the arguments joined by spaces — and the process pgrep names must then have the path
   * as one of its arguments exactly ({@link HostOps#process}). A process whose argument only
   * contains the path is never returned: {@code /run/fc/vm1.sock} does not find the VM serving
   * {@code /run/fc/vm1.sock.old}. When the newest match has the path only inside a longer argument
   * with spaces, nothing is returned (not found) rather than an older match.
   *
   * @throws CommandFailedException when pgrep finds nothing (exit 1)
   * @throws ProcessNotFoundException when the process pgrep names does not have the path as an argument
   */
  private int pgrepNewest(String apiSock) throws FcprocException {
    String pattern = "(^| )" + literalPattern(apiSock) + "( |$)";
    String out = asCaller.check("pgrep", "-n", "-f", pattern).stdout().strip();
    int pid;
    try {
      pid = Integer.parseInt(out);
    } catch (NumberFormatException e) {
      throw new FcprocException("pgrep -n -f " + pattern + ": not a pid: \"" + out + "\"");
    }
    Optional<ProcessInfo> info;
    try {
      info = host.process(pid);
    } catch (HostException e) {
      throw new FcprocException("find pid: inspect pid " + pid, e);
    }
    if (info.isEmpty() || info.get().zombie()) {
      throw new ProcessNotFoundException(apiSock, "find pid: pgrep named pid " + pid + " for "
          + RefusedException.quote(apiSock) + ", which has exited since");
    }
    if (!namesSocket(info.get().argv(), apiSock)) {
      throw new ProcessNotFoundException(apiSock, "find pid: no process has " + RefusedException.quote(apiSock)
          + " as a whole argument of its command line (the newest pgrep match, pid " + pid + ", only contains it: "
          + RefusedException.quote(abbreviate(info.get().commandLine())) + ")");
    }
    log.debug("find pid {}: pid {} names it on its command line (pgrep fallback)", apiSock, pid);
    return pid;
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

  // ---------------------------------------------------------------- the kernel's answer on the socket

  /**
   * {@code SO_PEERCRED} through a checked handle on the socket; empty when the socket cannot be
   * connected: ENOENT (no socket yet, or no more), ECONNREFUSED (nobody listens: firecracker has
   * exited or not listened yet), EACCES (a caller who is not root, before the socket was handed to
   * it).
   *
   * @throws RefusedException for a symlink on the way, a path that is not a socket, or a socket
   *     with more than one link (it may be another VM's: catalogue S5/P4)
   */
  OptionalInt listener(String apiSock, String operation) throws FcprocException {
    Handle socket;
    try {
      socket = sockets.openChecked(apiSock, operation);
    } catch (RefusedException e) {
      throw e;
    } catch (FcprocException e) {
      if (e.getCause() instanceof HostException he && (he.is(Errno.ENOENT) || he.is(Errno.EACCES))) {
        log.debug("{} {}: cannot open the socket ({})", operation, apiSock, he.errno());
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
          log.debug("{} {}: cannot connect ({})", operation, apiSock, e.errno());
          return OptionalInt.empty();
        }
        throw new FcprocException(operation + ": connect " + apiSock, e);
      }
      try (c) {
        int pid = c.peerPid();
        hangUp(c, apiSock);
        if (pid <= 0) {
          throw new FcprocException(operation + ": the process listening on " + apiSock
              + " is not visible in this pid namespace (SO_PEERCRED pid " + pid + ")");
        }
        log.debug("{} {}: pid {} listens on it (SO_PEERCRED)", operation, apiSock, pid);
        return OptionalInt.of(pid);
      } catch (HostException e) {
        throw new FcprocException(operation + ": getsockopt SO_PEERCRED on " + apiSock, e);
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
      log.debug("SO_PEERCRED probe of {}: hang-up: {}", apiSock, e.getMessage());
    }
  }

  // ---------------------------------------------------------------- for the sweep

  /**
   * Whether process {@code pid} runs in the chroot whose directory is {@code chroot}: its root
   * directory ({@link HostOps#processRoot}, through a pidfd) is that inode — how a jailed
   * firecracker shows, whatever its executable and command line say. Empty when it does not, or
   * has exited meanwhile (ESRCH, or ENOENT for a zombie), or when the kernel will not show its root
   * to the caller (EACCES or EPERM: the ptrace access check refuses even root for a process with
   * capabilities the caller lacks — a container's init, seen on a test host): a jailed firecracker
   * runs as the jailer's uid with no capabilities, so root may always look at it, and a process
   * root may not look at is not one. Otherwise (any other failure) the evidence in words, since the
   * process cannot be ruled out.
   */
  static Optional<String> runsInChroot(HostOps host, int pid, FileStat chroot) {
    PidHandle process;
    try {
      process = host.openPid(pid);
    } catch (HostException e) {
      return e.is(Errno.ESRCH) ? Optional.empty()
          : Optional.of("could not open pid " + pid + " (pidfd_open: " + e.errno() + "): it may run in the chroot");
    }
    try (process) {
      FileStat root = host.processRoot(process);
      return root.sameInode(chroot)
          ? Optional.of("pid " + pid + " runs in the chroot: its root directory (/proc/" + pid + "/root) is the chroot")
          : Optional.empty();
    } catch (HostException e) {
      if (e.is(Errno.ESRCH) || e.is(Errno.ENOENT)) {
        return Optional.empty();
      }
      if (e.is(Errno.EACCES) || e.is(Errno.EPERM)) {
        log.debug("sweep: the root directory of pid {} may not be looked at ({}): not a jailed firecracker", pid, e.errno());
        return Optional.empty();
      }
      return Optional.of("could not look at the root directory of pid " + pid + " (" + e.errno()
          + "): it may run in the chroot");
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
