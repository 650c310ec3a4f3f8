package org.fcproc.host;

/**
 * A process pinned by a descriptor: a pidfd ({@code pidfd_open(2)}, Linux 5.3+). It refers to the
 * <em>process</em> it was opened on, never to a pid number: once that process has exited and been
 * reaped, every signal sent through the handle fails with ESRCH, even when the pid has since been
 * given to another process (catalogue P2). While the process is alive or a zombie its pid cannot be
 * reused, so a check made about the pid while the handle is open is a check about the handle's
 * process.
 *
 * <p>Made by {@link HostOps#openPid}; closing is idempotent.
 */
public interface PidHandle extends AutoCloseable {
  /** The pid the handle was opened on (in the caller's pid namespace). */
  int pid();

  @Override
  void close();
}
