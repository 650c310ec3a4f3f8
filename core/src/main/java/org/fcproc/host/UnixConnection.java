package org.fcproc.host;

import java.time.Duration;

/**
 * A connected {@code SOCK_STREAM} unix socket. Core speaks HTTP/1.1 over it to the Firecracker
 * API; the backend only moves bytes.
 */
public interface UnixConnection extends AutoCloseable {
  /** Writes all of {@code bytes}. */
  void write(byte[] bytes) throws HostException;

  /**
   * Reads what is available into {@code buffer}, waiting at most {@code timeout} (host time).
   *
   * @return the number of bytes read, or -1 at end of stream
   * @throws HostException ETIMEDOUT when nothing arrived in time
   */
  int read(byte[] buffer, Duration timeout) throws HostException;

  @Override
  void close();
}
