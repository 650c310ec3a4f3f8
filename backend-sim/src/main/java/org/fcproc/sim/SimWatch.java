package org.fcproc.sim;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fcproc.host.Credentials;
import org.fcproc.host.DirectoryWatch;
import org.fcproc.host.Errno;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.WatchEvent;

/**
 * An inotify instance of the simulated host ({@link DirectoryWatch}). A watch is a mark on an
 * {@link Inode}, never on a path: whoever changes the directory — the code under test, an
 * adversary's view, a fixture, a fake firecracker's bind, an event scheduled with
 * {@link SimHost#at} — raises the event, through any mount of that inode.
 *
 * <p>What raises what ({@code fsnotify} as Linux calls it, checked on 6.18):
 * {@link Inode#attach} — every create, {@code link}, {@code mknod}, {@code bind} — IN_CREATE;
 * a rename into the directory IN_MOVED_TO (both sides of an exchange), and IN_MOVE_SELF on the
 * renamed inode; a directory whose last name went and that no handle holds IN_DELETE_SELF then
 * IN_IGNORED. An event equal to the last one queued is merged into it ({@code inotify_merge});
 * past {@link #MAX_QUEUED_EVENTS} events one IN_Q_OVERFLOW is queued and the rest are dropped,
 * as with {@code fs.inotify.max_queued_events}.
 *
 * <p>{@link #next} goes through the host's choke point (journaled as {@code watchNext}, hooked,
 * faultable): a queued event is returned at once; otherwise the virtual clock advances, firing
 * scheduled events in order, until one of them queues an event here or the timeout has passed —
 * deterministic, and never rounded to any cadence.
 */
final class SimWatch implements DirectoryWatch {
  /** {@code fs.inotify.max_queued_events}'s default. */
  static final int MAX_QUEUED_EVENTS = 16384;

  private final SimHost host;
  private final Credentials opener;
  private final ArrayDeque<WatchEvent> queue = new ArrayDeque<>();
  /** The watched inodes and their watch descriptors. */
  private final Map<Inode, Integer> wds = new IdentityHashMap<>();
  private int nextWd = 1;
  private boolean overflowed;
  private boolean closed;

  SimWatch(SimHost host, Credentials opener) {
    this.host = host;
    this.opener = opener;
  }

  @Override
  public int add(Handle dir) throws HostException {
    String path = dir == null ? "" : dir.path();
    return host.call(opener, "watchAdd", List.of(path), "fd(\"" + path + "\")", op -> {
      checkOpen(op);
      SimHandle h = host.vfs().handle(op, dir);
      Inode i = h.inode();
      if (!i.isDir()) {
        throw op.fail(Errno.ENOTDIR, "IN_ONLYDIR");
      }
      if (!op.access().may(i, 4)) {
        throw op.fail(Errno.EACCES, "no read permission on the directory");
      }
      Integer wd = wds.get(i);
      if (wd == null) {
        wd = nextWd++;
        wds.put(i, wd);
        if (i.watches == null) {
          i.watches = new ArrayList<>();
        }
        i.watches.add(this);
      }
      return wd;
    });
  }

  @Override
  public Optional<WatchEvent> next(Duration timeout) throws HostException {
    return host.call(opener, "watchNext", List.of(), timeout.toString(), op -> {
      checkOpen(op);
      if (queue.isEmpty()) {
        host.advanceClockUntil(timeout, () -> !queue.isEmpty() || closed);
      }
      checkOpen(op);
      WatchEvent e = queue.poll();
      if (e != null && e.kind() == WatchEvent.Kind.OVERFLOW) {
        overflowed = false;
      }
      return Optional.ofNullable(e);
    });
  }

  @Override
  public void close() {
    host.quietCall(opener, "closeWatch", List.of(), "", () -> {
      if (!closed) {
        closed = true;
        for (Inode i : wds.keySet()) {
          i.watches.remove(this);
          if (i.watches.isEmpty()) {
            i.watches = null;
          }
        }
        wds.clear();
        queue.clear();
      }
      return null;
    });
  }

  /** Called by {@link Inode#raise} (under the host lock) when something happens to a watched inode. */
  void raise(Inode inode, WatchEvent.Kind kind, String name) {
    Integer wd = wds.get(inode);
    if (wd == null || closed) {
      return;
    }
    enqueue(new WatchEvent(wd, kind, name));
  }

  /** The inode went: IN_IGNORED, and the watch ends. */
  void ignore(Inode inode) {
    Integer wd = wds.remove(inode);
    if (wd == null) {
      return;
    }
    inode.watches.remove(this);
    if (inode.watches.isEmpty()) {
      inode.watches = null;
    }
    enqueue(new WatchEvent(wd, WatchEvent.Kind.IGNORED, ""));
  }

  private void enqueue(WatchEvent e) {
    if (e.equals(queue.peekLast())) {
      return; // inotify_merge: the same event as the last one queued
    }
    if (queue.size() >= MAX_QUEUED_EVENTS) {
      if (!overflowed) {
        overflowed = true;
        queue.add(new WatchEvent(-1, WatchEvent.Kind.OVERFLOW, ""));
      }
      return;
    }
    queue.add(e);
  }

  private void checkOpen(Op op) throws HostException {
    if (closed) {
      throw op.fail(Errno.EBADF, "watch is closed");
    }
  }

  @Override
  public String toString() {
    return "SimWatch[" + (closed ? "closed" : wds.size() + " watches, " + queue.size() + " queued") + "]";
  }
}
