package org.fcproc.linux;

import static org.fcproc.linux.Native.AF_UNIX;
import static org.fcproc.linux.Native.EPROTOTYPE;
import static org.fcproc.linux.Native.MSG_DONTWAIT;
import static org.fcproc.linux.Native.MSG_NOSIGNAL;
import static org.fcproc.linux.Native.POLLFD_SIZE;
import static org.fcproc.linux.Native.POLLIN;
import static org.fcproc.linux.Native.POLLOUT;
import static org.fcproc.linux.Native.SHUT_WR;
import static org.fcproc.linux.Native.SOCKADDR_UN_SIZE;
import static org.fcproc.linux.Native.SOCK_CLOEXEC;
import static org.fcproc.linux.Native.SOCK_STREAM;
import static org.fcproc.linux.Native.SOL_SOCKET;
import static org.fcproc.linux.Native.SO_PEERCRED;
import static org.fcproc.linux.Native.SUN_PATH_MAX;
import static org.fcproc.linux.Native.UCRED_SIZE;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import jnr.ffi.Pointer;
import org.fcproc.host.Errno;
import org.fcproc.host.HostException;
import org.fcproc.host.UnixConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connected {@code AF_UNIX} stream socket, made with libc's {@code socket}/{@code connect}
 * through jnr-ffi rather than a JDK {@code SocketChannel}, because Java 17 cannot give the
 * peer's pid ({@code ExtendedSocketOptions.SO_PEERCRED} answers with user and group names only)
 * and {@link #peerPid()} must.
 *
 * <p>The descriptor stays blocking for {@code connect} (a unix connect completes at once, or
 * waits only for room in a full backlog) and is read and written with {@code MSG_DONTWAIT},
 * waiting in {@code poll(2)}: a read gives up with ETIMEDOUT at its deadline; a write waits as
 * long as the peer takes to make room. Writes carry {@code MSG_NOSIGNAL}: a peer that has hung
 * up gives EPIPE, not SIGPIPE. Every errno is read on the calling thread straight after the
 * failing call ({@code @SaveError}, {@link Native#fail}).
 */
final class UnixSocketConnection implements UnixConnection {
  private static final Logger LOG = LoggerFactory.getLogger(UnixSocketConnection.class);
  /** How long a write waits in one poll for room before looking again. */
  private static final int WRITE_POLL_MS = 1000;

  private final Native n;
  private final int fd;
  private final String path;
  private boolean closed;

  private UnixSocketConnection(Native n, int fd, String path) {
    this.n = n;
    this.fd = fd;
    this.path = path;
  }

  /**
   * Connects to {@code address} (a {@code /proc/self/fd/N} magic link on the handle's socket
   * inode: the kernel follows it to that inode, whatever the socket's name is now); {@code path}
   * names the socket in messages.
   */
  static UnixSocketConnection connect(Native n, String address, String path) throws HostException {
    byte[] sunPath = address.getBytes(StandardCharsets.UTF_8);
    if (sunPath.length >= SUN_PATH_MAX) {
      throw new HostException(Errno.ENAMETOOLONG, "connect", path, "socket address " + address + " longer than 107 bytes");
    }
    int fd = n.libc.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw n.fail("socket", path);
    }
    Pointer sa = n.buffer(SOCKADDR_UN_SIZE); // zeroed: sun_path ends with NUL
    sa.putShort(0, (short) AF_UNIX);
    sa.put(2, sunPath, 0, sunPath.length);
    int len = 2 + sunPath.length + 1;
    while (true) {
      if (n.libc.connect(fd, sa, len) == 0) {
        LOG.debug("connect {} via {} -> ok", path, address);
        return new UnixSocketConnection(n, fd, path);
      }
      int e = n.errno();
      if (e == Errno.EINTR.number()) {
        continue; // the socket is still unconnected: try again
      }
      n.libc.close(fd);
      HostException he = e == EPROTOTYPE
          ? new HostException(Errno.ECONNREFUSED, "connect", path, "EPROTOTYPE: a socket of another type; nothing to talk to")
          : failure(e, "connect", path);
      LOG.debug("connect {} via {} -> {}", path, address, he.errno());
      throw he;
    }
  }

  /** {@code getsockopt(SOL_SOCKET, SO_PEERCRED)}: {@code struct ucred}'s pid. */
  @Override
  public int peerPid() throws HostException {
    checkOpen("getsockopt");
    Pointer cred = n.buffer(UCRED_SIZE);
    Pointer len = n.buffer(Integer.BYTES);
    len.putInt(0, UCRED_SIZE);
    if (n.libc.getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cred, len) != 0) {
      throw n.fail("getsockopt", path);
    }
    int pid = cred.getInt(0);
    LOG.debug("getsockopt {} SO_PEERCRED -> pid {} uid {} gid {}", path, pid, cred.getInt(4), cred.getInt(8));
    return pid;
  }

  @Override
  public void write(byte[] bytes) throws HostException {
    checkOpen("write");
    int off = 0;
    while (off < bytes.length) {
      byte[] chunk = off == 0 ? bytes : Arrays.copyOfRange(bytes, off, bytes.length);
      long sent = n.libc.send(fd, chunk, chunk.length, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (sent >= 0) {
        off += (int) sent;
        continue;
      }
      int e = n.errno();
      if (e == Errno.EAGAIN.number()) {
        poll(POLLOUT, WRITE_POLL_MS, "write");
      } else if (e != Errno.EINTR.number()) {
        throw failure(e, "write", path);
      }
    }
    LOG.debug("write {} -> {} bytes", path, bytes.length);
  }

  @Override
  public int read(byte[] buffer, Duration timeout) throws HostException {
    checkOpen("read");
    if (buffer.length == 0) {
      return 0;
    }
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    while (true) {
      long got = n.libc.recv(fd, buffer, buffer.length, MSG_DONTWAIT);
      if (got > 0) {
        LOG.debug("read {} -> {}", path, got);
        return (int) got;
      }
      if (got == 0) {
        LOG.debug("read {} -> end of stream", path);
        return -1;
      }
      int e = n.errno();
      if (e == Errno.EINTR.number()) {
        continue;
      }
      if (e != Errno.EAGAIN.number()) {
        throw failure(e, "read", path);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new HostException(Errno.ETIMEDOUT, "read", path, "nothing within " + timeout.toMillis() + " ms");
      }
      poll(POLLIN, (int) Math.min(Integer.MAX_VALUE, Math.max(1, (left + 999_999) / 1_000_000)), "read");
    }
  }

  @Override
  public void shutdownOutput() throws HostException {
    checkOpen("shutdown");
    if (n.libc.shutdown(fd, SHUT_WR) != 0) {
      throw n.fail("shutdown", path);
    }
    LOG.debug("shutdown {} SHUT_WR", path);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      n.libc.close(fd);
    }
  }

  /** Waits until {@code events} may be done, or {@code timeoutMs} has passed (the caller looks again). */
  private void poll(short events, int timeoutMs, String call) throws HostException {
    Pointer pfd = n.buffer(POLLFD_SIZE);
    pfd.putInt(0, fd);
    pfd.putShort(4, events);
    if (n.libc.poll(pfd, 1, timeoutMs) < 0) {
      int e = n.errno();
      if (e != Errno.EINTR.number()) {
        throw failure(e, call, path);
      }
    }
  }

  private void checkOpen(String call) throws HostException {
    if (closed) {
      throw new HostException(Errno.EBADF, call, path, "connection closed");
    }
  }

  private static HostException failure(int errno, String call, String path) {
    Errno e = Errno.of(errno);
    return new HostException(e, call, path, e == Errno.EUNKNOWN ? "errno " + errno : null);
  }
}
