package org.fcproc.sim;

import java.util.List;
import org.fcproc.host.CommandResult;
import org.fcproc.host.HostOps;

/**
 * A command a test installs on a simulated host ({@link SimHost#installCommand}): what
 * {@link HostOps#run} does when argv names it — directly, or after {@code sudo [options]}.
 *
 * <p>The handler is the command's process: it acts on the host only through {@code asCaller}, a
 * view of the same host with the credentials the command runs with (root under {@code sudo},
 * else the caller's). Its calls go through the host's choke point like any other caller's: they
 * are journaled, and — when the {@code run} that started the command was itself a top-level
 * call — each is a top-level call, so before-call hooks (the adversary) act between them and
 * injected faults apply to them, as they would between the syscalls of a real helper process.
 */
@FunctionalInterface
public interface SimCommand {
  /**
   * Runs the command.
   *
   * @param argv the command's argv, program first, without any {@code sudo} prefix
   * @param asCaller the host as the command's process sees it
   * @return the command's exit code and output; its argv is replaced by the full command line
   *     that was run ({@code sudo} included)
   */
  CommandResult run(List<String> argv, HostOps asCaller);
}
