package org.fcproc.linux;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Locale;
import org.fcproc.host.Errno;
import org.fcproc.host.HostException;
import org.fcproc.host.UnixConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connected {@code AF_UNIX} stream socket, non-blocking, with a {@link Selector} for deadlines.
 */
final class UnixSocketConnection implements UnixConnection {
  private static final Logger LOG = LoggerFactory.getLogger(UnixSocketConnection.class);

  private final SocketChannel channel;
  private final Selector selector;
  private final SelectionKey key;
  private final String path;

  private UnixSocketConnection(SocketChannel channel, Selector selector, SelectionKey key, String path) {
    this.channel = channel;
    this.selector = selector;
    this.key = key;
    this.path = path;
  }

  /**
   * Connects to {@code address} (a {@code /proc/self/fd/N} magic link on the handle's socket
   * inode); {@code path} names the socket in messages.
   */
  static UnixSocketConnection connect(String address, String path) throws HostException {
    SocketChannel ch = null;
    Selector sel = null;
    try {
      ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      ch.connect(UnixDomainSocketAddress.of(address)); // blocking: a unix connect completes at once or fails
      ch.configureBlocking(false);
      sel = Selector.open();
      SelectionKey key = ch.register(sel, 0);
      LOG.debug("connect {} via {} -> ok", path, address);
      return new UnixSocketConnection(ch, sel, key, path);
    } catch (IOException e) {
      closeQuietly(ch);
      closeQuietly(sel);
      HostException he = toHostException(e, "connect", path);
      LOG.debug("connect {} via {} -> {}", path, address, he.errno());
      throw he;
    }
  }

  @Override
  public void write(byte[] bytes) throws HostException {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    try {
      while (buf.hasRemaining()) {
        if (channel.write(buf) == 0) {
          key.interestOps(SelectionKey.OP_WRITE);
          selector.select(1000);
          selector.selectedKeys().clear();
        }
      }
    } catch (IOException e) {
      throw toHostException(e, "write", path);
    }
    LOG.debug("write {} -> {} bytes", path, bytes.length);
  }

  @Override
  public int read(byte[] buffer, Duration timeout) throws HostException {
    ByteBuffer buf = ByteBuffer.wrap(buffer);
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    try {
      while (true) {
        int n = channel.read(buf);
        if (n != 0) {
          LOG.debug("read {} -> {}", path, n);
          return n;
        }
        if (buffer.length == 0) {
          return 0;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new HostException(Errno.ETIMEDOUT, "read", path, "nothing within " + timeout.toMillis() + " ms");
        }
        key.interestOps(SelectionKey.OP_READ);
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
      }
    } catch (HostException e) {
      throw e;
    } catch (IOException e) {
      throw toHostException(e, "read", path);
    }
  }

  @Override
  public void close() {
    closeQuietly(selector);
    closeQuietly(channel);
  }

  /**
   * The JDK reports socket errors as {@link IOException}s whose message is {@code strerror}; this
   * maps the messages the kernel's connect/read/write errnos produce back to the errno.
   */
  static HostException toHostException(IOException e, String call, String path) {
    if (e instanceof ClosedChannelException) {
      return new HostException(Errno.EBADF, call, path, "connection closed");
    }
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    Errno errno;
    if (m.contains("connection refused")) {
      errno = Errno.ECONNREFUSED;
    } else if (m.contains("no such file")) {
      errno = Errno.ENOENT;
    } else if (m.contains("permission denied")) {
      errno = Errno.EACCES;
    } else if (m.contains("non-socket") || m.contains("not a socket")) {
      errno = Errno.ENOTSOCK;
    } else if (m.contains("connection reset")) {
      errno = Errno.ECONNRESET;
    } else if (m.contains("broken pipe")) {
      errno = Errno.EPIPE;
    } else if (m.contains("not a directory")) {
      errno = Errno.ENOTDIR;
    } else if (m.contains("too many levels of symbolic links")) {
      errno = Errno.ELOOP;
    } else if (m.contains("protocol wrong type")) {
      errno = Errno.ECONNREFUSED; // EPROTOTYPE: a SOCK_DGRAM/SEQPACKET inode; nothing to talk to
    } else if (m.contains("timed out")) {
      errno = Errno.ETIMEDOUT;
    } else if (m.contains("resource temporarily unavailable")) {
      errno = Errno.EAGAIN;
    } else {
      errno = Errno.EUNKNOWN; // the message says what it was
    }
    return new HostException(errno, call, path, e.getMessage());
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception ignored) {
      // nothing to do
    }
  }
}
