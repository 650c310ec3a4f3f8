package org.fcproc.linux;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;
import org.fcproc.host.Errno;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file descriptor opened with {@code O_CLOEXEC}. It pins its inode (and its mount) until
 * {@link #close()}, which is idempotent. A handle that becomes unreachable without being closed
 * is closed by a {@link Cleaner} as a safety net, with a warning: callers must close handles
 * deterministically.
 */
final class FdHandle implements Handle {
  private static final Logger LOG = LoggerFactory.getLogger(FdHandle.class);
  private static final Cleaner CLEANER = Cleaner.create();

  private final String path;
  private final State state;
  private final Cleaner.Cleanable cleanable;

  /** The fd, shared with the cleaner; -1 once closed. */
  private static final class State implements Runnable {
    final AtomicInteger fd;
    final LibC libc;
    final String path;

    State(int fd, LibC libc, String path) {
      this.fd = new AtomicInteger(fd);
      this.libc = libc;
      this.path = path;
    }

    @Override
    public void run() {
      int f = fd.getAndSet(-1);
      if (f >= 0) {
        LOG.warn("handle {} (fd {}) was never closed; closing it now", path, f);
        libc.close(f);
      }
    }
  }

  FdHandle(int fd, String path, LibC libc) {
    this.path = path;
    this.state = new State(fd, libc, path);
    this.cleanable = CLEANER.register(this, state);
  }

  /** The descriptor; EBADF once the handle is closed. */
  int fd(String call) throws HostException {
    int f = state.fd.get();
    if (f < 0) {
      throw new HostException(Errno.EBADF, call, path, "handle is closed");
    }
    return f;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public void close() {
    int f = state.fd.getAndSet(-1);
    if (f >= 0) {
      LOG.debug("close {} (fd {})", path, f);
      state.libc.close(f);
    }
    cleanable.clean(); // no-op now: the fd is already -1
  }

  @Override
  public String toString() {
    int f = state.fd.get();
    return "FdHandle[" + path + (f < 0 ? ", closed]" : ", fd " + f + "]");
  }
}
