package org.fcproc.linux.cli;

import java.time.Duration;
import org.fcproc.ApiException;
import org.fcproc.CommandFailedException;
import org.fcproc.ExitTimeoutException;
import org.fcproc.Fcproc;
import org.fcproc.FcprocException;
import org.fcproc.ProcessNotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fcproc vm ...}: a VM's firecracker process. */
final class VmCommands {
  private VmCommands() {}

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  @Command(name = "vm", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES,
      description = "A VM's firecracker process.",
      subcommands = {Vm.Pid.class, Vm.Shutdown.class, Vm.Wait.class, Vm.Kill.class})
  static final class Vm {

    @Command(name = "pid", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES,
        description = {
          "Seed: FindPID / ResolvePID. The process listening on the API socket (the kernel's "
              + "SO_PEERCRED). Only when the socket cannot be connected: for a socket inside a "
              + "jailer chroot (<base>/<exec>/<id>/root/...) the jailer's pid file <chroot>/<exec>.pid, "
              + "its process confirmed by the kernel (its root directory is the chroot, it started "
              + "before the pid file was written, its command line has --id <id>); else the newest "
              + "process with the API socket path as a whole argument of its command line (pgrep -n "
              + "-f, checked). With --chroot, the pid file is read first as a second witness. Exits 1 "
              + "when there is none, 3 when the pid file's process is not confirmed."
        })
    static final class Pid implements Action {
      @Option(names = "--api-sock", required = true, paramLabel = "PATH", description = "The VM's API socket.")
      String apiSock;

      @Option(names = "--chroot", paramLabel = "DIR",
          description = "The VM's jailer chroot root: its <exec>.pid file is read (never followed "
              + "through a symlink) and used as a second witness; the API socket's listener wins.")
      String chroot;

      @Option(names = "--exec-file-name", paramLabel = "NAME", defaultValue = "firecracker",
          description = "The jailer's exec file name, so the pid file is <DIR>/<NAME>.pid (default firecracker).")
      String execFileName;

      @Override
      public Result run(Session s) throws Exception {
        int pid = chroot == null ? findPid(s.fcproc(), apiSock)
            : findPidInChroot(s.fcproc(), chroot, execFileName, apiSock);
        return new Result(Integer.toString(pid)).put("pid", pid).put("api_sock", apiSock);
      }
    }

    @Command(name = "shutdown", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES, sortOptions = false,
        description = {
          "Seed: SendCtrlAltDel, then WaitForExit. Finds the VM's pid (as vm pid), hands "
              + "the API socket to the caller, sends PUT /actions "
              + "{\"action_type\":\"SendCtrlAltDel\"}, and waits for the process to exit. At the "
              + "timeout: exit 1, or with --kill, SIGKILL (seed: Kill) through a pidfd, once the "
              + "process is confirmed to be the one serving the API socket (as vm kill --api-sock).",
          "Firecracker has SendCtrlAltDel on x86_64 only. With --kill, on aarch64 (os.arch) the "
              + "request is not sent and the VM is killed at once; so it is when Firecracker answers "
              + "400 that the action is unsupported, or that the microVM was never started (no guest "
              + "to ask). The output says so (\"fallback\":\"kill\" and a reason). Without --kill "
              + "such an answer is an error (--json: kind api, with status and fault_message)."
        })
    static final class Shutdown implements Action {
      @Option(names = "--api-sock", required = true, paramLabel = "PATH", description = "The VM's API socket.")
      String apiSock;

      @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
          description = "How long to wait for the exit: 500ms, 5s, 2m (default 10s).")
      Duration timeout = DEFAULT_TIMEOUT;

      @Option(names = "--kill", description = "SIGKILL the process if it has not exited by the timeout, "
          + "or at once when Ctrl-Alt-Del cannot be sent (aarch64, or a VM not started).")
      boolean kill;

      @Override
      public Result run(Session s) throws Exception {
        return shutdown(s.fcproc(), apiSock, timeout, kill, System.getProperty("os.arch", ""));
      }
    }

    @Command(name = "wait", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES,
        description = {
          "Seed: WaitForExit. A pidfd is opened on the pid and the process is checked once to "
              + "be the VM's (as vm kill --api-sock checks it, a jailed VM included); a pid that is "
              + "positively another process's (another process listens on the socket; or the socket "
              + "is silent and the process neither runs in the VM's jailer chroot nor names the "
              + "socket) counts as exited at once. Then poll every 100 ms until the process has "
              + "exited. At the timeout: exit 1."
        })
    static final class Wait implements Action {
      @Option(names = "--pid", required = true, paramLabel = "N", description = "The VM's firecracker pid.")
      int pid;

      @Option(names = "--api-sock", required = true, paramLabel = "PATH", description = "The VM's API socket.")
      String apiSock;

      @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
          description = "How long to wait: 500ms, 5s, 2m (default 10s).")
      Duration timeout = DEFAULT_TIMEOUT;

      @Override
      public Result run(Session s) throws Exception {
        s.fcproc().waitForExit(pid, apiSock, timeout);
        return new Result("pid " + pid + " exited").put("pid", pid).put("exited", true);
      }
    }

    @Command(name = "kill", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES,
      description = {
        "Seed: Kill. SIGKILL the pid.",
        "With --api-sock (the safe form): a pidfd is opened on the pid, the process is confirmed "
            + "to be the VM's (it listens on the API socket, SO_PEERCRED; or, when the socket no "
            + "longer answers: for a socket inside a jailer chroot, its root directory is the "
            + "chroot, the jailer's pid file names it, it started before that file was written and "
            + "its command line has --id <id>; otherwise its command line has the socket path as "
            + "an argument), and only then SIGKILL is sent through the pidfd: a pid reused by "
            + "another process, or one that cannot be confirmed, is never signalled (exit 3). "
            + "Without --api-sock: the seed's kill of whatever has the pid now."
      })
    static final class Kill implements Action {
      @Option(names = "--pid", required = true, paramLabel = "N", description = "The pid.")
      int pid;

      @Option(names = "--api-sock", paramLabel = "PATH",
          description = "The VM's API socket: kill only if the pid is that VM's firecracker (recommended).")
      String apiSock;

      @Override
      public Result run(Session s) throws Exception {
        if (apiSock == null) {
          s.fcproc().kill(pid);
          return new Result("sent SIGKILL to pid " + pid).put("pid", pid).put("signal", "SIGKILL");
        }
        s.fcproc().kill(pid, apiSock);
        return new Result("sent SIGKILL to pid " + pid + " (the VM's process for " + apiSock + ")")
            .put("pid", pid).put("signal", "SIGKILL").put("api_sock", apiSock).put("checked", true);
      }
    }
  }

  /**
   * {@code vm shutdown}: Ctrl-Alt-Del, the wait, and the kill ladder.
   *
   * <p>Firecracker builds {@code SendCtrlAltDel} for x86_64 only (it queues the key presses in
   * the emulated i8042 PC keyboard controller, which aarch64 machines do not have); on aarch64 its API answers
   * {@code 400} "SendCtrlAltDel does not supported on aarch64.", and before {@code InstanceStart}
   * every Firecracker answers {@code 400} "...not supported before starting the microVM." In
   * those cases no guest will ever shut down on request, so waiting for the timeout would only
   * delay the inevitable: with {@code kill} the safe kill ({@link Fcproc#kill(int, String)}) runs
   * at once and the result says {@code "fallback":"kill"} and why. On aarch64 the request is not
   * even sent — its answer is known — so nothing reaches an API that may be busy. Without
   * {@code kill} nothing is killed: the request is sent and its refusal is the error, typed
   * ({@link ApiException}), so the caller can tell which refusal it was. Any other refusal (503,
   * a body Firecracker could not read) is an error with or without {@code kill}: the guest may
   * still be reachable, and a kill is not what was asked for.
   *
   * @param osArch {@code os.arch} of this JVM, the host's architecture (Firecracker runs on the same host)
   */
  static Result shutdown(Fcproc fc, String apiSock, Duration timeout, boolean kill, String osArch) throws Exception {
    int pid = findPid(fc, apiSock);
    String fallback = null;
    ApiException refusal = null;
    if (kill && withoutCtrlAltDel(osArch)) {
      fallback = "os.arch is " + osArch + ": Firecracker has SendCtrlAltDel on x86_64 only, so it was not sent";
    } else {
      try {
        fc.sendCtrlAltDel(apiSock);
      } catch (ApiException e) {
        boolean cannot = e.fault() == ApiException.Fault.UNSUPPORTED || e.fault() == ApiException.Fault.NOT_BOOTED;
        if (!kill || !cannot) {
          throw e;
        }
        fallback = "firecracker answered " + e.status() + " (" + e.fault().label() + "): " + e.errorText();
        refusal = e;
      }
    }
    if (fallback != null) {
      fc.kill(pid, apiSock);
      Result r = new Result("pid " + pid + ": Ctrl-Alt-Del cannot be sent (" + fallback + "): killed (SIGKILL)")
          .put("pid", pid)
          .put("api_sock", apiSock)
          .put("exited", false)
          .put("killed", true)
          .put("fallback", "kill")
          .put("reason", fallback);
      if (refusal != null) {
        r.put("status", refusal.status())
            .put("fault_message", refusal.faultMessage().orElse(null))
            .put("api_error", refusal.fault().label());
      }
      return r;
    }
    boolean killed = false;
    try {
      fc.waitForExit(pid, apiSock, timeout);
    } catch (ExitTimeoutException e) {
      if (!kill) {
        throw e;
      }
      fc.kill(pid, apiSock);
      killed = true;
    }
    return new Result(killed
            ? "pid " + pid + " did not exit within " + DurationConverter.format(timeout) + ": killed (SIGKILL)"
            : "pid " + pid + " exited")
        .put("pid", pid)
        .put("api_sock", apiSock)
        .put("exited", !killed)
        .put("killed", killed);
  }

  /** Firecracker's architectures are x86_64 and aarch64; only x86_64 has SendCtrlAltDel. */
  static boolean withoutCtrlAltDel(String osArch) {
    return osArch.equals("aarch64") || osArch.equals("arm64");
  }

  /**
   * Core's {@code findPid} (bad input → exit 2), with "no process" — pgrep's "no match" (exit
   * status 1), or core's {@link ProcessNotFoundException} — made a plain "not found" (exit 1).
   */
  static int findPid(Fcproc fc, String apiSock) throws FcprocException, CliException {
    try {
      return fc.findPid(apiSock);
    } catch (CommandFailedException | ProcessNotFoundException e) {
      throw notFound(e, apiSock);
    }
  }

  /** {@link #findPid} through the jailer's pid file. */
  static int findPidInChroot(Fcproc fc, String chroot, String execFileName, String apiSock)
      throws FcprocException, CliException {
    try {
      return fc.findPidInChroot(chroot, execFileName, apiSock);
    } catch (CommandFailedException | ProcessNotFoundException e) {
      throw notFound(e, apiSock);
    }
  }

  private static FcprocException notFound(FcprocException e, String apiSock) throws CliException {
    if (e instanceof ProcessNotFoundException) {
      throw new CliException(ExitCodes.FAILED, "not-found", e.getMessage());
    }
    CommandFailedException c = (CommandFailedException) e;
    if (c.result().exitCode() == 1 && c.result().stdout().isBlank()) {
      throw new CliException(ExitCodes.FAILED, "not-found", "no process found with " + quote(apiSock)
          + " as an argument of its command line (pgrep -n -f), and nobody listens on it");
    }
    return e;
  }

  static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t") + '"';
  }
}
