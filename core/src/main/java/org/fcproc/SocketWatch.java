package org.fcproc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.fcproc.host.DirectoryWatch;
import org.fcproc.host.Errno;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.WatchEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waiting for Firecracker's sockets by watching their directories (docs/DESIGN.md#readiness-and-identity) instead of
 * looking every 100 ms (sync) or 25 ms (async) as the seed's {@code pollPath} does.
 *
 * <p>How {@link SocketHandoff} uses it: a socket absent at the first look is waited for by
 * {@link #start starting} a watch on its directory and <em>then</em> looking again — so a socket
 * bound between the look and the watch is never missed — and then {@link #await awaiting}: each
 * event that names the socket (created, or renamed into the directory), and an overflow of the
 * event queue, makes a new look; so does the deadline. The look ({@code lstat}) and everything
 * after it are the seed's: the watch only says when to look, never what is there.
 *
 * <p>The directory is opened from {@code /} without following any symlink
 * ({@link NoFollowPaths#openDirectory}) and watched by that handle
 * ({@link DirectoryWatch#add}): the watch is on the inode that was opened, never on whatever the
 * path names later. When the watched directory is renamed or removed (IN_MOVE_SELF,
 * IN_DELETE_SELF, IN_IGNORED, IN_UNMOUNT) the path's directory is opened and watched again, and
 * the path looked at again.
 *
 * <p><b>Polling stays</b>, at the caller's cadence, for each path whose directory cannot be
 * watched: the host has no watch ({@code ENOSYS}, as a {@link HostOps} without one answers),
 * inotify's limits are reached ({@code EMFILE} for {@code fs.inotify.max_user_instances},
 * {@code ENOSPC} for {@code max_user_watches}), the caller may not read the directory
 * ({@code EACCES}), a component of the directory's path is a symlink (the hand-off refuses it
 * anyway once the socket is there), or any other failure of the watch — which is only ever a
 * way to look sooner. While the directory does not exist yet the path is polled too, and the
 * watch tried again at each look, as the seed waits for it. A watch that fails while waiting
 * turns into polling for every path.
 *
 * <p>While a path is watched it is also looked at every {@link #SAFETY_LOOK} and at the
 * deadline: a watch sees one directory inode, so a directory above it replaced by another, or a
 * filesystem whose changes inotify does not see (a FUSE or network filesystem changed from
 * elsewhere), delays the hand-off by at most that much instead of failing it.
 *
 * <p>Interruption is noticed before each wait (so within {@link #SAFETY_LOOK} while watching,
 * within the poll cadence while polling).
 */
final class SocketWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SocketWatch.class);

  /** How often a watched path is looked at anyway. */
  static final Duration SAFETY_LOOK = Duration.ofSeconds(1);

  private static final String OPERATION = "watch socket directory";

  private final HostOps host;
  private final Duration interval;
  /** Null when the host gave no watch, or it failed: every path is polled. */
  private DirectoryWatch watch;
  /** Watched paths: the watch descriptor of their directory. */
  private final Map<String, Integer> wdOf = new HashMap<>();
  /** Paths whose directory did not exist: polled, and watched as soon as it does. */
  private final Set<String> missing = new LinkedHashSet<>();

  private SocketWatch(HostOps host, Duration interval) {
    this.host = host;
    this.interval = interval;
  }

  /**
   * Makes a watch and watches the directory of each path; the caller then looks at every path
   * (that look is what makes a socket bound before the watch was in place seen). Never fails: a
   * path that cannot be watched is polled.
   */
  static SocketWatch start(HostOps host, Collection<String> paths, Duration interval) {
    SocketWatch w = new SocketWatch(host, interval);
    try {
      w.watch = host.watch();
    } catch (HostException e) {
      log.debug("no directory watch ({}): polling every {} ms", e.getMessage(), interval.toMillis());
      return w;
    }
    w.watchDirectories(paths);
    return w;
  }

  /** Watches the directory of each path, each directory once; what cannot be watched is polled. */
  private void watchDirectories(Collection<String> paths) {
    Map<String, List<String>> byDir = new LinkedHashMap<>();
    for (String p : paths) {
      byDir.computeIfAbsent(NoFollowPaths.parent(p), d -> new ArrayList<>()).add(p);
    }
    for (Map.Entry<String, List<String>> e : byDir.entrySet()) {
      if (watch == null) {
        return;
      }
      String dir = e.getKey();
      List<String> ps = e.getValue();
      ps.forEach(wdOf::remove);
      ps.forEach(missing::remove);
      try (Handle h = NoFollowPaths.openDirectory(host, dir, OPERATION)) {
        int wd = watch.add(h);
        ps.forEach(p -> wdOf.put(p, wd));
        log.debug("watching {} (wd {}) for {}", dir, wd, ps);
      } catch (FcprocException ex) {
        if (ex.getCause() instanceof HostException he && he.is(Errno.ENOENT)) {
          missing.addAll(ps);
          log.debug("{} does not exist yet: polling every {} ms until it does", dir, interval.toMillis());
        } else {
          log.debug("cannot open {} to watch it ({}): polling every {} ms", dir, ex.getMessage(), interval.toMillis());
        }
      } catch (HostException ex) {
        log.debug("cannot watch {} ({}): polling every {} ms", dir, ex.getMessage(), interval.toMillis());
      }
    }
  }

  /**
   * Waits until one of {@code pending} may have appeared, or until {@code deadline} (host
   * nanoTime); returns the paths to look at again — never empty, and all of them at the
   * deadline, on an overflow, on a poll tick or a safety look, or once the watch failed.
   */
  Set<String> await(Collection<String> pending, long deadline) throws InterruptedException {
    while (true) {
      if (Thread.interrupted()) {
        throw new InterruptedException("waiting for " + pending);
      }
      long left = deadline - host.nanoTime();
      if (left <= 0) {
        return new LinkedHashSet<>(pending);
      }
      boolean polling = watch == null || !wdOf.keySet().containsAll(pending);
      long slice = Math.min(left, (polling ? interval : SAFETY_LOOK).toNanos());
      if (watch == null) {
        host.sleep(Duration.ofNanos(slice));
        return new LinkedHashSet<>(pending);
      }
      Optional<WatchEvent> next;
      try {
        next = watch.next(Duration.ofNanos(slice));
      } catch (HostException e) {
        log.debug("directory watch failed ({}): polling every {} ms", e.getMessage(), interval.toMillis());
        close();
        return new LinkedHashSet<>(pending);
      }
      if (next.isEmpty()) { // a poll tick or a safety look
        List<String> retry = pending.stream().filter(missing::contains).toList();
        if (!retry.isEmpty()) {
          watchDirectories(retry);
        }
        return new LinkedHashSet<>(pending);
      }
      WatchEvent e = next.get();
      if (e.kind() == WatchEvent.Kind.OVERFLOW) {
        log.debug("directory watch overflowed: looking at every socket again");
        return new LinkedHashSet<>(pending);
      }
      Set<String> affected = new LinkedHashSet<>();
      for (String p : pending) {
        Integer wd = wdOf.get(p);
        if (wd != null && wd == e.wd() && (!e.isEntry() || NoFollowPaths.leaf(p).equals(e.name()))) {
          affected.add(p);
        }
      }
      if (affected.isEmpty()) {
        continue; // another name, or a directory no longer watched for any path
      }
      if (e.isAboutDirectory()) {
        log.debug("watched directory event {}: watching the directory of {} again", e, affected);
        watchDirectories(affected);
      }
      return affected;
    }
  }

  /** Closes the watch; polling from now on. Idempotent. */
  @Override
  public void close() {
    if (watch != null) {
      watch.close();
      watch = null;
    }
    wdOf.clear();
  }
}
