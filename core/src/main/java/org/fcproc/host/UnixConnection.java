package org.fcproc.host;

import java.time.Duration;

/**
 * A connected {@code SOCK_STREAM} unix socket. Core speaks HTTP/1.1 over it to the Firecracker
 * API; the backend only moves bytes.
 */
public interface UnixConnection extends AutoCloseable {
  /**
   * Writes all of {@code bytes}, waiting at most {@code timeout} (host time) in all for the peer
   * to make room. A peer that accepted but never reads fills the socket buffer, and an unbounded
   * write would then hang for ever.
   *
   * @throws HostException ETIMEDOUT when not everything could be written in time (some of it may
   *     have been: the connection is then of no further use); EPIPE when the peer has hung up
   */
  void write(byte[] bytes, Duration timeout) throws HostException;

  /**
   * Reads what is available into {@code buffer}, waiting at most {@code timeout} (host time).
   *
   * @return the number of bytes read, or -1 at end of stream
   * @throws HostException ETIMEDOUT when nothing arrived in time
   */
  int read(byte[] buffer, Duration timeout) throws HostException;

  /**
   * The pid of the process at the other end: {@code getsockopt(SOL_SOCKET, SO_PEERCRED)}'s
   * {@code struct ucred.pid}, in the caller's pid namespace.
   *
   * <p>It is the kernel's record of the listening process, not anything the peer says: for a
   * socket made by {@code connect(2)} the kernel copies the credentials the listening socket
   * took when its owner called {@code listen(2)} — "the credentials that were in effect at the
   * time of the call to connect(2), listen(2), or socketpair(2)" (unix(7), {@code SO_PEERCRED}).
   * No command line, file name or message can change it. So it names the process that called
   * {@code listen()} on the socket inode connected to, even if that process has since passed
   * the listening descriptor on.
   *
   * @return the pid; 0 when the listener's pid is not visible in the caller's pid namespace
   */
  int peerPid() throws HostException;

  /**
   * {@code shutdown(SHUT_WR)}: the peer reads end of stream; what it still sends can be read
   * until it hangs up too. A further {@link #write} fails with EPIPE.
   */
  void shutdownOutput() throws HostException;

  @Override
  void close();
}
