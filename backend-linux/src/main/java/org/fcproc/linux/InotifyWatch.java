package org.fcproc.linux;

import static org.fcproc.linux.Native.INOTIFY_EVENT_SIZE;
import static org.fcproc.linux.Native.IN_CLOEXEC;
import static org.fcproc.linux.Native.IN_CREATE;
import static org.fcproc.linux.Native.IN_DELETE_SELF;
import static org.fcproc.linux.Native.IN_IGNORED;
import static org.fcproc.linux.Native.IN_MOVED_TO;
import static org.fcproc.linux.Native.IN_MOVE_SELF;
import static org.fcproc.linux.Native.IN_NONBLOCK;
import static org.fcproc.linux.Native.IN_ONLYDIR;
import static org.fcproc.linux.Native.IN_Q_OVERFLOW;
import static org.fcproc.linux.Native.IN_UNMOUNT;
import static org.fcproc.linux.Native.POLLFD_SIZE;
import static org.fcproc.linux.Native.POLLIN;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import jnr.ffi.Pointer;
import org.fcproc.host.DirectoryWatch;
import org.fcproc.host.Errno;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.WatchEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DirectoryWatch} on the kernel: an inotify descriptor made with
 * {@code inotify_init1(IN_CLOEXEC|IN_NONBLOCK)} through jnr-ffi, directories added with
 * {@code inotify_add_watch(fd, "/proc/self/fd/N", ...)} of their handles, events read with
 * {@code poll(2)} and {@code read(2)} of {@code struct inotify_event}s.
 *
 * <p>Why not {@link java.nio.file.WatchService}: it is inotify underneath on Linux, but it takes a
 * {@link java.nio.file.Path} and resolves it by name (following symlinks), so what it watches is
 * whatever the path names at that moment, not the directory fcproc opened and checked without
 * following a symlink; it also polls from a background thread of its own and cannot report the
 * watch descriptor, {@code IN_MOVE_SELF} or {@code IN_IGNORED}. Here the watch is put on the
 * inode the handle pins: {@code /proc/self/fd/N} is followed to it (so no {@code IN_DONT_FOLLOW},
 * which would watch the magic link itself), after {@code statfs} said {@code /proc} is procfs.
 *
 * <p>Every errno is read on the calling thread straight after the failing call
 * ({@code @SaveError}, {@link Native#fail}). A watch left unclosed is closed by a
 * {@link Cleaner}, as {@link FdHandle}s are.
 */
final class InotifyWatch implements DirectoryWatch {
  private static final Logger LOG = LoggerFactory.getLogger(InotifyWatch.class);
  private static final Cleaner CLEANER = Cleaner.create();

  /** What fcproc asks to hear about; IN_IGNORED, IN_UNMOUNT and IN_Q_OVERFLOW always come. */
  static final int MASK = IN_CREATE | IN_MOVED_TO | IN_MOVE_SELF | IN_DELETE_SELF | IN_ONLYDIR;
  /** Room for many events: one needs at most 16 + NAME_MAX + 1 bytes. */
  private static final int BUFFER_SIZE = 16 * 1024;

  /** The magic link that names a directory handle's inode, {@code /proc} checked. */
  @FunctionalInterface
  interface Target {
    String of(Handle dir) throws HostException;
  }

  private final Native n;
  private final Target target;
  private final State state;
  private final Cleaner.Cleanable cleanable;
  private final ArrayDeque<WatchEvent> queued = new ArrayDeque<>();
  private final byte[] buf = new byte[BUFFER_SIZE];

  private static final class State implements Runnable {
    final AtomicInteger fd;
    final LibC libc;

    State(int fd, LibC libc) {
      this.fd = new AtomicInteger(fd);
      this.libc = libc;
    }

    @Override
    public void run() {
      int f = fd.getAndSet(-1);
      if (f >= 0) {
        LOG.warn("inotify watch (fd {}) was never closed; closing it now", f);
        libc.close(f);
      }
    }
  }

  private InotifyWatch(Native n, Target target, int fd) {
    this.n = n;
    this.target = target;
    this.state = new State(fd, n.libc);
    this.cleanable = CLEANER.register(this, state);
  }

  /** {@code inotify_init1(IN_CLOEXEC|IN_NONBLOCK)}. */
  static InotifyWatch open(Native n, Target target) throws HostException {
    int fd = n.libc.inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (fd < 0) {
      HostException e = n.fail("inotify_init1", "");
      LOG.debug("inotify_init1 -> {}", e.errno());
      throw e;
    }
    LOG.debug("inotify_init1 -> fd {}", fd);
    return new InotifyWatch(n, target, fd);
  }

  @Override
  public synchronized int add(Handle dir) throws HostException {
    int f = fd("inotify_add_watch", dir == null ? "" : dir.path());
    String link = target.of(dir);
    int wd = n.libc.inotify_add_watch(f, link, MASK);
    if (wd < 0) {
      HostException e = n.fail("inotify_add_watch", dir.path());
      LOG.debug("inotify_add_watch {} via {} -> {}", dir.path(), link, e.errno());
      throw e;
    }
    LOG.debug("inotify_add_watch {} via {} -> wd {}", dir.path(), link, wd);
    return wd;
  }

  @Override
  public synchronized Optional<WatchEvent> next(Duration timeout) throws HostException {
    int f = fd("read", "inotify");
    if (!queued.isEmpty()) {
      return Optional.of(queued.poll());
    }
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    while (true) {
      long r = n.libc.read(f, buf, buf.length);
      if (r > 0) {
        decode((int) r);
        if (!queued.isEmpty()) {
          WatchEvent e = queued.poll();
          LOG.debug("inotify read -> {}", e);
          return Optional.of(e);
        }
        continue;
      }
      if (r == 0) {
        throw new HostException(Errno.EIO, "read", "inotify", "read gave 0 bytes");
      }
      int e = n.errno();
      if (e == Errno.EINTR.number()) {
        continue;
      }
      if (e != Errno.EAGAIN.number()) {
        throw failure(e, "read", "inotify");
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        LOG.debug("inotify read -> nothing within {} ms", timeout.toMillis());
        return Optional.empty();
      }
      poll(f, (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
    }
  }

  /** Queues the {@code struct inotify_event}s in {@code buf[0, length)}. */
  private void decode(int length) {
    ByteBuffer b = ByteBuffer.wrap(buf, 0, length).order(ByteOrder.nativeOrder());
    int off = 0;
    while (off + INOTIFY_EVENT_SIZE <= length) {
      int wd = b.getInt(off);
      int mask = b.getInt(off + 4);
      int len = b.getInt(off + 12);
      int nameStart = off + INOTIFY_EVENT_SIZE;
      int nameEnd = nameStart;
      while (nameEnd < nameStart + len && nameEnd < length && buf[nameEnd] != 0) {
        nameEnd++;
      }
      String name = new String(buf, nameStart, nameEnd - nameStart, StandardCharsets.UTF_8);
      off = nameStart + len;
      WatchEvent.Kind kind = kindOf(mask);
      if (kind != null) {
        queued.add(new WatchEvent(kind == WatchEvent.Kind.OVERFLOW ? -1 : wd, kind, kind == WatchEvent.Kind.CREATE
            || kind == WatchEvent.Kind.MOVED_TO ? name : ""));
      }
    }
  }

  static WatchEvent.Kind kindOf(int mask) {
    if ((mask & IN_Q_OVERFLOW) != 0) {
      return WatchEvent.Kind.OVERFLOW;
    }
    if ((mask & IN_CREATE) != 0) {
      return WatchEvent.Kind.CREATE;
    }
    if ((mask & IN_MOVED_TO) != 0) {
      return WatchEvent.Kind.MOVED_TO;
    }
    if ((mask & IN_MOVE_SELF) != 0) {
      return WatchEvent.Kind.MOVE_SELF;
    }
    if ((mask & IN_DELETE_SELF) != 0) {
      return WatchEvent.Kind.DELETE_SELF;
    }
    if ((mask & IN_UNMOUNT) != 0) {
      return WatchEvent.Kind.UNMOUNT;
    }
    if ((mask & IN_IGNORED) != 0) {
      return WatchEvent.Kind.IGNORED;
    }
    return null;
  }

  /** Waits until the descriptor is readable or {@code timeoutMs} passed; the caller reads again. */
  private void poll(int fd, int timeoutMs) throws HostException {
    Pointer pfd = n.buffer(POLLFD_SIZE);
    pfd.putInt(0, fd);
    pfd.putShort(4, POLLIN);
    if (n.libc.poll(pfd, 1, timeoutMs) < 0) {
      int e = n.errno();
      if (e != Errno.EINTR.number()) {
        throw failure(e, "poll", "inotify");
      }
    }
  }

  private int fd(String call, String path) throws HostException {
    int f = state.fd.get();
    if (f < 0) {
      throw new HostException(Errno.EBADF, call, path, "watch is closed");
    }
    return f;
  }

  /**
   * Stops the watch at once: every later call gives EBADF. The descriptor itself is closed on a
   * background thread, because {@code close(2)} of an inotify descriptor waits for the kernel to
   * tear its marks down ({@code fsnotify_destroy_group} waits out an SRCU grace period): 10–25 ms
   * measured on 6.18, which would otherwise be added to every socket hand-off that waited. Nothing
   * reads the descriptor meanwhile, and its number is not reused before it is closed.
   */
  @Override
  public void close() {
    int f = state.fd.getAndSet(-1);
    if (f >= 0) {
      LOG.debug("close inotify fd {} (in the background)", f);
      closeInBackground(n.libc, f);
    }
    cleanable.clean();
  }

  private static final java.util.concurrent.ExecutorService CLOSER =
      java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fcproc-inotify-close");
        t.setDaemon(true);
        return t;
      });

  private static void closeInBackground(LibC libc, int fd) {
    try {
      CLOSER.execute(() -> libc.close(fd));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      libc.close(fd);
    }
  }

  private static HostException failure(int errno, String call, String path) {
    Errno e = Errno.of(errno);
    return new HostException(e, call, path, e == Errno.EUNKNOWN ? "errno " + errno : null);
  }

  @Override
  public String toString() {
    int f = state.fd.get();
    return "InotifyWatch[" + (f < 0 ? "closed]" : "fd " + f + "]");
  }
}
