package org.fcproc.sim;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.fcproc.host.Credentials;
import org.fcproc.host.Errno;
import org.fcproc.host.HostException;
import org.fcproc.host.UnixConnection;

/**
 * A connected stream to a fake Firecracker. Its calls go through the host's choke point, so
 * they are journaled and an adversary may act between them.
 *
 * <p>A read with nothing to read waits in virtual time: it wakes when the server answers or
 * hangs up, else fails with ETIMEDOUT after the timeout. It returns -1 only once the server
 * has closed (its process exited, or it hung up after the client's {@code shutdown(SHUT_WR)})
 * and every byte has been read; Firecracker keeps a connection open after a response, so a
 * second read times out.
 *
 * <p>A write puts the bytes in the server's queue and lets it serve them. A server that does
 * not read ({@link ApiMode#NOT_READING}) takes at most {@link #SOCKET_BUFFER} bytes; the rest
 * waits in virtual time until the write's deadline, then fails with ETIMEDOUT. A write to a
 * server that has hung up fails with EPIPE — what it wrote before can still be read.
 *
 * <p>{@code SO_PEERCRED} gives the pid of the process that serves the socket — the one
 * {@link SimHost#spawnFirecracker} made, whose {@code listen(2)} the kernel recorded.
 */
final class ApiConnection implements UnixConnection {
  /**
   * The bytes a peer that does not read can have queued: Linux's default socket send buffer,
   * {@code net.core.wmem_default} (212992). (The kernel counts per-buffer overhead too, so the
   * real figure is somewhat lower; only the order matters here.)
   */
  static final int SOCKET_BUFFER = 212_992;

  private final SimHost host;
  private final ApiServer server;
  final Credentials client;
  final ByteArrayOutputStream inbound = new ByteArrayOutputStream();
  private final ByteArrayOutputStream outbound = new ByteArrayOutputStream();
  private int readPos;
  boolean peerClosed;
  boolean closed;
  /** The client has done {@code shutdown(SHUT_WR)}: the server reads end of stream. */
  boolean outputShut;

  ApiConnection(SimHost host, ApiServer server, Credentials client) {
    this.host = host;
    this.server = server;
    this.client = client;
  }

  String describe() {
    return "pid " + server.process.pid;
  }

  @Override
  public void write(byte[] bytes, Duration timeout) throws HostException {
    host.connectionWrite(this, bytes, timeout);
  }

  @Override
  public int read(byte[] buffer, Duration timeout) throws HostException {
    return host.connectionRead(this, buffer, timeout);
  }

  @Override
  public int peerPid() throws HostException {
    return host.connectionPeerPid(this);
  }

  @Override
  public void shutdownOutput() throws HostException {
    host.connectionShutdown(this);
  }

  @Override
  public void close() {
    host.connectionClose(this);
  }

  void respond(byte[] bytes) {
    outbound.write(bytes, 0, bytes.length);
  }

  private int available() {
    return outbound.size() - readPos;
  }

  void doWrite(Op op, byte[] bytes, Duration timeout, VirtualClock clock) throws HostException {
    if (closed) {
      throw op.fail(Errno.EBADF);
    }
    if (peerClosed) {
      throw op.fail(Errno.EPIPE, "the server has closed the connection");
    }
    if (outputShut) {
      throw op.fail(Errno.EPIPE, "this side was shut down for writing");
    }
    if (server.mode == ApiMode.NOT_READING && inbound.size() + bytes.length > SOCKET_BUFFER) {
      int room = Math.max(0, SOCKET_BUFFER - inbound.size());
      inbound.write(bytes, 0, room);
      long deadline = clock.nanoTime() + Math.max(0, timeout.toNanos());
      clock.advanceUntil(deadline, () -> peerClosed);
      if (peerClosed) {
        throw op.fail(Errno.EPIPE, "the server has closed the connection");
      }
      throw op.fail(Errno.ETIMEDOUT, "the server took " + room + " of " + bytes.length + " bytes in "
          + timeout.toMillis() + " ms: it does not read");
    }
    inbound.write(bytes, 0, bytes.length);
    server.serve(this);
  }

  int doRead(Op op, byte[] buffer, Duration timeout, VirtualClock clock) throws HostException {
    if (closed) {
      throw op.fail(Errno.EBADF);
    }
    if (available() == 0 && !peerClosed) {
      long deadline = clock.nanoTime() + Math.max(0, timeout.toNanos());
      clock.advanceUntil(deadline, () -> available() > 0 || peerClosed);
    }
    if (available() > 0) {
      byte[] all = outbound.toByteArray();
      int n = Math.min(buffer.length, available());
      System.arraycopy(all, readPos, buffer, 0, n);
      readPos += n;
      return n;
    }
    if (peerClosed) {
      return -1;
    }
    throw op.fail(Errno.ETIMEDOUT, "no response within " + timeout.toMillis() + " ms");
  }

  /** The listener's pid, as the kernel recorded it; it stays the same after the server exits. */
  int doPeerPid(Op op) throws HostException {
    if (closed) {
      throw op.fail(Errno.EBADF);
    }
    return server.process.pid;
  }

  void doShutdownOutput(Op op) throws HostException {
    if (closed) {
      throw op.fail(Errno.EBADF);
    }
    outputShut = true;
    server.serve(this);
  }

  void doClose() {
    closed = true;
  }
}
