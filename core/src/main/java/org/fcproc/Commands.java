package org.fcproc;

import java.util.ArrayList;
import java.util.List;
import org.fcproc.host.CommandResult;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's {@code Runner}: {@code Run} runs a command as the caller, {@code RunSudo} runs it as
 * root. Whether "as root" means "directly" (the caller is root, which is what {@code sudo} would
 * do, and saves a process) or "through {@code sudo -n}" (so that a missing sudo rule fails at once
 * instead of waiting for a password nobody can type) is fixed when the instance is made, by the
 * {@link Privilege} that owns it — never decided again per call.
 */
final class Commands {
  private static final Logger log = LoggerFactory.getLogger(Commands.class);

  private final HostOps host;
  private final boolean throughSudo;

  private Commands(HostOps host, boolean throughSudo) {
    this.host = host;
    this.throughSudo = throughSudo;
  }

  /** Commands whose privileged ones run directly: the caller is root. */
  static Commands direct(HostOps host) {
    return new Commands(host, false);
  }

  /** Commands whose privileged ones run through {@code sudo -n}. */
  static Commands throughSudo(HostOps host) {
    return new Commands(host, true);
  }

  /** Runs as the caller; returns the result whatever the exit code. */
  CommandResult run(String... argv) throws FcprocException {
    return exec(List.of(argv));
  }

  /** Runs as the caller; fails on a non-zero exit. */
  CommandResult check(String... argv) throws FcprocException {
    return succeed(run(argv));
  }

  /** Runs as root (directly or through sudo); fails on a non-zero exit. */
  CommandResult privileged(String... argv) throws FcprocException {
    return succeed(privileged(List.of(argv)));
  }

  /**
   * Runs as root (directly or through {@code sudo -n}) and returns the result whatever the exit
   * code: for the privileged helper ({@link HelperCall}), whose exit code and answer the caller
   * reads itself. {@code argv} goes to the host as it is — a list of arguments, never a shell
   * line.
   */
  CommandResult privileged(List<String> argv) throws FcprocException {
    List<String> command = new ArrayList<>(argv.size() + 2);
    if (throughSudo) {
      command.add("sudo");
      command.add("-n");
    }
    command.addAll(argv);
    return exec(command);
  }

  private CommandResult exec(List<String> argv) throws FcprocException {
    log.debug("run {}", argv);
    try {
      return host.run(argv);
    } catch (HostException e) {
      throw new FcprocException("run `" + String.join(" ", argv) + "`", e);
    }
  }

  private static CommandResult succeed(CommandResult r) throws CommandFailedException {
    if (!r.succeeded()) {
      throw new CommandFailedException(r);
    }
    return r;
  }
}
