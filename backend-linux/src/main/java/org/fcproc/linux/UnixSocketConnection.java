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
import static org.fcproc.linux.Native.SO_SNDTIMEO;
import static org.fcproc.linux.Native.SUN_PATH_MAX;
import static org.fcproc.linux.Native.TIMEVAL_SIZE;
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
 * <p>The descriptor stays blocking for {@code connect}: a unix connect completes at once, or
 * waits only for room in a full backlog (the listener has stopped accepting), and it waits at
 * most the socket's {@code SO_SNDTIMEO} — Linux's {@code unix_stream_connect} bounds that wait
 * with {@code sock_sndtimeo}, and answers EAGAIN when it passes — so the deadline is set there
 * before the call, and EAGAIN reported as ETIMEDOUT. (A non-blocking connect would answer EAGAIN
 * at once, and an unconnected socket cannot be polled for the backlog to drain.) It is then
 * read and written with {@code MSG_DONTWAIT}, waiting in {@code poll(2)} until the deadline: a
 * read or a write that cannot finish in time gives up with ETIMEDOUT. Writes carry
 * {@code MSG_NOSIGNAL}: a peer that has hung up gives EPIPE, not SIGPIPE. Every errno is read on
 * the calling thread straight after the failing call ({@code @SaveError}, {@link Native#fail}).
 */
final class UnixSocketConnection implements UnixConnection {
  private static final Logger LOG = LoggerFactory.getLogger(UnixSocketConnection.class);
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
   * names the socket in messages. Waits at most {@code timeout} for a listener whose backlog is
   * full, then fails with ETIMEDOUT.
   */
  static UnixSocketConnection connect(Native n, String address, String path, Duration timeout) throws HostException {
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
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    while (true) {
      setSendTimeout(n, fd, path, deadline - System.nanoTime());
      if (n.libc.connect(fd, sa, len) == 0) {
        LOG.debug("connect {} via {} -> ok", path, address);
        return new UnixSocketConnection(n, fd, path);
      }
      int e = n.errno();
      if (e == Errno.EINTR.number()) {
        continue; // the socket is still unconnected: try again with what is left
      }
      n.libc.close(fd);
      HostException he = e == EPROTOTYPE
          ? new HostException(Errno.ECONNREFUSED, "connect", path, "EPROTOTYPE: a socket of another type; nothing to talk to")
          : e == Errno.EAGAIN.number()
              ? new HostException(Errno.ETIMEDOUT, "connect", path, "the listener's backlog stayed full for "
                  + timeout.toMillis() + " ms: nothing accepts the connection")
              : failure(e, "connect", path);
      LOG.debug("connect {} via {} -> {}", path, address, he.errno());
      throw he;
    }
  }

  /**
   * {@code SO_SNDTIMEO}, which bounds a blocking connect's wait for backlog room. At least 1 µs:
   * a zero {@code struct timeval} would mean "wait for ever".
   */
  private static void setSendTimeout(Native n, int fd, String path, long nanos) throws HostException {
    long micros = Math.max(1, nanos / 1000);
    Pointer tv = n.buffer(TIMEVAL_SIZE);
    tv.putLong(0, micros / 1_000_000);
    tv.putLong(8, micros % 1_000_000);
    if (n.libc.setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, tv, TIMEVAL_SIZE) != 0) {
      HostException he = n.fail("setsockopt", path);
      n.libc.close(fd);
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
  public void write(byte[] bytes, Duration timeout) throws HostException {
    checkOpen("write");
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
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
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new HostException(Errno.ETIMEDOUT, "write", path, "the peer took " + off + " of "
              + bytes.length + " bytes in " + timeout.toMillis() + " ms: it does not read");
        }
        poll(POLLOUT, millis(left), "write");
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
      poll(POLLIN, millis(left), "read");
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

  /** {@code nanos} as a poll timeout: whole milliseconds, rounded up, at least 1. */
  private static int millis(long nanos) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (nanos + 999_999) / 1_000_000));
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
