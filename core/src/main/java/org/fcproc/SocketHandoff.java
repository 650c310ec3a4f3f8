package org.fcproc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.OpenHow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime socket directory and the hand-off of Firecracker's API and vsock sockets to the
 * daemon's uid: the seed's {@code EnsureSocketDir}, {@code EnsureSocketAccess*} and
 * {@code chownChmodNoFollow}.
 *
 * <p>As root, the socket is opened {@code O_PATH|O_NOFOLLOW} in a directory reached without
 * symlinks, checked through that handle, and changed through that handle: whatever is renamed
 * or planted afterwards, the inode that was checked is the inode that changes (catalogue S9).
 *
 * <p>Not root, with a privileged helper ({@link Fcproc#create(HostOps, Config, PrivilegedHelper)}),
 * the socket is waited for as the caller and then handed off by that same root code, run as one
 * command under {@code sudo} (catalogue S11); without one, by the seed's {@code sudo chmod} and
 * {@code sudo chown -h}, checked before and after (a race remains).
 */
final class SocketHandoff {
  private static final Logger log = LoggerFactory.getLogger(SocketHandoff.class);

  static final Duration SYNC_TIMEOUT = Duration.ofSeconds(5);
  static final Duration SYNC_INTERVAL = Duration.ofMillis(100);
  static final Duration ASYNC_TIMEOUT = Duration.ofSeconds(3);
  static final Duration ASYNC_INTERVAL = Duration.ofMillis(25);
  static final int SOCKET_MODE = 0600;
  static final String HAND_OFF = "hand off socket";

  private final HostOps host;
  private final Config config;
  /** Where the change is made: here as root, in the privileged helper, or by the seed's sudo. */
  private final Privilege privilege;

  SocketHandoff(HostOps host, Config config, Privilege privilege) {
    this.host = host;
    this.config = config;
    this.privilege = privilege;
  }

  /**
   * The seed's {@code EnsureSocketDir}: the runtime directory exists with mode 0700, or 0711 when
   * the caller is root, and the mode is set even if it existed.
   *
   * <p>Divergence: created and changed through handles, following no symlink, so a symlink at
   * the runtime directory is refused instead of chmod-ed through.
   */
  void ensureSocketDir() throws FcprocException {
    String dir = Inputs.absolutePath("runtime dir", config.runtimeDir());
    int mode = privilege.runtimeDirMode();
    try (Handle h = NoFollowPaths.createDirectories(host, dir, mode, "create runtime dir")) {
      host.fchmod(h, mode);
      log.debug("runtime dir {} ready, mode {}", dir, String.format("%04o", mode));
    } catch (HostException e) {
      throw new FcprocException("chmod runtime dir " + dir, e);
    }
  }

  /**
   * Waits for the socket, then hands it to {@code uid:gid} with mode 0600, and returns a handle
   * to the socket inode that was handed off (the caller closes it).
   */
  Handle handOff(String path, String label, int uid, int gid, Duration timeout, Duration interval)
      throws FcprocException, InterruptedException {
    validate(path, uid, gid);
    awaitPresent(path, label, timeout, interval);
    return handOffNow(path, uid, gid, timeout);
  }

  /**
   * The seed's {@code EnsureSocketAccessForAsync}: every non-blank path is waited for (3 s,
   * 25 ms cadence) and handed off; the future completes once all are done, with the first error
   * in the order they happened, or with success.
   *
   * <p>Divergence: one thread polls every path in turn instead of one goroutine per path; each
   * path keeps its own outcome and the same deadline. Paths are validated before the future is
   * made, so bad input throws at once and nothing is touched.
   */
  CompletableFuture<Void> handOffAll(List<String> paths, int uid, int gid) {
    List<String> clean = new ArrayList<>();
    for (String p : paths) {
      if (p != null && !p.isBlank()) {
        clean.add(validate(p, uid, gid));
      }
    }
    if (clean.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread worker = new Thread(() -> {
      try {
        FcprocException first = pollAll(clean, uid, gid);
        if (first == null) {
          done.complete(null);
        } else {
          done.completeExceptionally(first);
        }
      } catch (InterruptedException e) {
        done.completeExceptionally(e);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    }, "fcproc-socket-handoff");
    worker.setDaemon(true);
    worker.start();
    return done;
  }

  /**
   * Waits for every path (3 s in all, host time) and hands each off as soon as it is there.
   * Every path is looked at once; those not there yet are waited for with one directory watch
   * ({@link SocketWatch}, docs/DESIGN.md#readiness-and-identity): watch first, then look again, then look at a path again
   * each time an event names it (or the event queue overflowed), at the deadline, and at the
   * seed's 25 ms cadence only where no watch can be had. One thread, one watch, one deadline for
   * all paths; the first error in the order they happened, or the first path not there at the
   * deadline (the seed's messages).
   */
  private FcprocException pollAll(List<String> paths, int uid, int gid) throws InterruptedException {
    Map<String, Boolean> pending = new LinkedHashMap<>();
    paths.forEach(p -> pending.put(p, Boolean.TRUE));
    FcprocException first = null;
    long deadline = host.nanoTime() + ASYNC_TIMEOUT.toNanos();
    java.util.Set<String> toLook = new java.util.HashSet<>(pending.keySet());
    SocketWatch watch = null;
    try {
      while (!pending.isEmpty()) {
        for (String path : List.copyOf(pending.keySet())) {
          if (!toLook.contains(path)) {
            continue;
          }
          try {
            if (isPresent(path)) {
              pending.remove(path);
              handOffNow(path, uid, gid).close();
            }
          } catch (FcprocException e) {
            pending.remove(path);
            first = first == null ? e : first;
          }
        }
        if (pending.isEmpty()) {
          break;
        }
        if (watch == null) { // watch, then look again: a socket bound in between is not missed
          watch = SocketWatch.start(host, pending.keySet(), ASYNC_INTERVAL);
          toLook = new java.util.HashSet<>(pending.keySet());
          continue;
        }
        if (host.nanoTime() - deadline >= 0) {
          for (String path : pending.keySet()) {
            first = first == null ? new NotReadyException("firecracker socket", path) : first;
          }
          break;
        }
        toLook = watch.await(pending.keySet(), deadline);
      }
    } finally {
      if (watch != null) {
        watch.close();
      }
    }
    return first;
  }

  /**
   * Checks a hand-off's arguments before anything is touched. The socket must lie beneath a
   * jailer chroot ({@link JailPath}) or beneath the runtime directory: those are the only places
   * a VM's sockets are, and a hand-off pointed anywhere else — at another service's socket — is
   * refused instead of given away.
   */
  private String validate(String path, int uid, int gid) {
    Inputs.socketPath("socket path", path);
    Inputs.id("uid", uid);
    Inputs.id("gid", gid);
    String runtimeDir = config.runtimeDir();
    boolean inRuntimeDir = !runtimeDir.isBlank() && path.startsWith(runtimeDir + "/")
        && !Inputs.absolutePath("runtime dir", runtimeDir).equals("/");
    if (!inRuntimeDir && JailPath.enclosing(NoFollowPaths.parent(path)).isEmpty()) {
      throw new InvalidInputException("socket path", RefusedException.quote(path)
          + " is neither beneath a jailer chroot (<jail base>/<exec name>/<id>/root) nor beneath the runtime directory "
          + RefusedException.quote(runtimeDir));
    }
    return path;
  }

  /**
   * The seed's {@code pollPath}. Divergences: it looks with {@code lstat}, not {@code stat}, so a
   * symlink planted at the socket path — dangling or not — is seen at once and refused by the
   * checks that follow, instead of being waited on or followed. And it does not poll (docs/DESIGN.md
   * §6.6): a socket not there at the first look is waited for with a watch on its directory
   * ({@link SocketWatch}) — watch first, then look again, so that a socket bound in between is
   * never missed; then a look each time an event names the socket, and at the deadline — so the
   * hand-off goes on as soon as the socket is bound, not at the next 100 ms tick. The deadline is
   * {@code timeout} after the start, on the host's clock, as the seed's; the timeout is reported
   * after a last look at the deadline. {@code interval} is the cadence of the polling that
   * remains where no watch can be had (see {@link SocketWatch}).
   */
  private void awaitPresent(String path, String label, Duration timeout, Duration interval)
      throws FcprocException, InterruptedException {
    long deadline = host.nanoTime() + timeout.toNanos();
    if (isPresent(path)) {
      return;
    }
    try (SocketWatch watch = SocketWatch.start(host, List.of(path), interval)) {
      while (!isPresent(path)) {
        if (host.nanoTime() - deadline >= 0) {
          throw new NotReadyException(label, path);
        }
        watch.await(List.of(path), deadline);
      }
    }
  }

  private boolean isPresent(String path) throws FcprocException {
    try {
      host.lstat(path);
      return true;
    } catch (HostException e) {
      if (e.is(Errno.ENOENT)) {
        return false;
      }
      throw new FcprocException("inspect socket " + path, e);
    }
  }

  /** The hand-off of a path that is present (the async hand-off's: a helper waits 3 s at most). */
  private Handle handOffNow(String path, int uid, int gid) throws FcprocException {
    return handOffNow(path, uid, gid, ASYNC_TIMEOUT);
  }

  /**
   * The change itself, where the {@link Privilege} makes it: as root through handles
   * ({@link #handOffAsRoot}), through the privileged helper (which may wait {@code helperWait} for
   * the socket as root), or the seed's checked {@code sudo chmod}/{@code chown}
   * ({@link #handOffWithSudo}).
   */
  private Handle handOffNow(String path, int uid, int gid, Duration helperWait) throws FcprocException {
    return privilege.handOffSocket(this, path, uid, gid, helperWait);
  }

  /**
   * The seed's root branch of {@code chownChmodNoFollow}: {@code O_PATH|O_NOFOLLOW}, fstat must
   * say S_IFSOCK, then chmod and chown through the handle, mode before owner as in the seed.
   *
   * <p>Divergences: the socket's directory is reached without following any symlink (the catalogue
   * S3), and a socket with more than one hard link is refused (S5): it may be another socket's
   * link, and changing it would change that socket too.
   */
  Handle handOffAsRoot(String path, int uid, int gid) throws FcprocException {
    Handle socket = openChecked(path, HAND_OFF);
    try {
      host.fchmod(socket, SOCKET_MODE);
      host.fchown(socket, uid, gid);
      log.debug("socket {} handed to {}:{} mode 0600", path, uid, gid);
      return socket;
    } catch (HostException e) {
      socket.close();
      throw new FcprocException(e.call() + " " + path, e);
    }
  }

  /**
   * Opens the socket at {@code path} {@code O_PATH|O_NOFOLLOW} in its directory, reached without
   * following any symlink (catalogue S3), and checks through the handle that it is a unix socket
   * with one link (S5); changes nothing. The caller closes the handle.
   *
   * @throws FcprocException with the {@link HostException} as its cause when a step fails (ENOENT
   *     when the socket or a directory is missing, EACCES when a directory may not be searched)
   * @throws RefusedException when a component is a symlink, or the socket is not a plain socket
   */
  Handle openChecked(String path, String operation) throws FcprocException {
    Handle socket;
    try (Handle dir = NoFollowPaths.openDirectory(host, NoFollowPaths.parent(path), operation)) {
      socket = host.openAt(dir, NoFollowPaths.leaf(path), OpenHow.pathNoFollow());
    } catch (HostException e) {
      throw new FcprocException("open " + path, e);
    }
    try {
      checkIsPlainSocket(operation, path, host.fstat(socket));
      return socket;
    } catch (HostException e) {
      socket.close();
      throw new FcprocException(e.call() + " " + path, e);
    } catch (RefusedException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * After the privileged helper handed the socket off ({@link HelperPrivilege}): the caller opens it
   * itself ({@link #openChecked}, as in root mode) for the handle the hand-off returns
   * ({@link VmProcesses#sendCtrlAltDel} talks through it), and checks that it is what the helper
   * left: owner {@code uid:gid}, mode 0600. Something else — the socket was replaced in the
   * meantime — is refused; nothing was changed as root on it.
   */
  Handle confirmHandedOff(String path, int uid, int gid) throws FcprocException {
    String op = HAND_OFF;
    Handle socket = openChecked(path, op);
    try {
      FileStat st = host.fstat(socket);
      if (st.uid() != uid || st.gid() != gid || st.mode() != SOCKET_MODE) {
        throw new RefusedException(op, path, "it was replaced after the privileged helper handed it off (now "
            + st.uid() + ":" + st.gid() + " mode " + st.octalMode() + ")");
      }
      return socket;
    } catch (HostException e) {
      socket.close();
      throw new FcprocException(e.call() + " " + path, e);
    } catch (RefusedException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * The seed's sudo branch: {@code sudo chmod 600 PATH}, then {@code sudo chown -h uid:gid PATH}.
   * Used only in sudo mode without a privileged helper ({@link Fcproc#create(HostOps, Config)}).
   *
   * <p>Divergence (catalogue S11): {@code chmod(1)} follows a symlink, so the socket is first
   * checked through an {@code O_PATH|O_NOFOLLOW} handle, and checked again afterwards to be the
   * same inode. This narrows the seed's hole to a race between the check and the command; it
   * closes fully only with a privileged helper ({@link HelperPrivilege}).
   */
  Handle handOffWithSudo(Commands commands, String path, int uid, int gid) throws FcprocException {
    FileStat before = checkedSocket(path);
    commands.privileged("chmod", Integer.toOctalString(SOCKET_MODE), path);
    commands.privileged("chown", "-h", uid + ":" + gid, path);
    Handle socket = null;
    try {
      socket = host.open(path, OpenHow.pathNoFollow());
      FileStat after = host.fstat(socket);
      if (!after.sameInode(before)) {
        throw new RefusedException("hand off socket", path, "it was replaced while it was being handed off");
      }
      return socket;
    } catch (HostException e) {
      throw new FcprocException("open " + path, e);
    } catch (RefusedException e) {
      socket.close();
      throw e;
    }
  }

  private FileStat checkedSocket(String path) throws FcprocException {
    try (Handle h = host.open(path, OpenHow.pathNoFollow())) {
      FileStat st = host.fstat(h);
      checkIsPlainSocket("hand off socket", path, st);
      return st;
    } catch (HostException e) {
      throw new FcprocException("open " + path, e);
    }
  }

  private static void checkIsPlainSocket(String operation, String path, FileStat st) throws RefusedException {
    if (!st.is(FileType.SOCKET)) {
      throw new RefusedException(
          operation, path,
          "not a unix socket (it is a " + describe(st.type()) + ", mode " + String.format("%#o", st.type().ifmt()) + ")");
    }
    if (st.nlink() != 1) {
      throw new RefusedException(
          operation, path, "the socket has " + st.nlink() + " hard links; it may be another socket's link");
    }
  }

  static String describe(FileType type) {
    return switch (type) {
      case REGULAR -> "regular file";
      case DIRECTORY -> "directory";
      case SYMLINK -> "symlink";
      case SOCKET -> "socket";
      case FIFO -> "FIFO";
      case CHAR_DEVICE -> "character device";
      case BLOCK_DEVICE -> "block device";
    };
  }
}
