package org.fcproc;

import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.OpenHow;
import org.fcproc.host.Resolve;

/**
 * Opens host directories one component at a time from {@code /}, never following a symlink
 * (docs/DESIGN.md#resolution-beneath-a-handle). Every path fcproc changes something under is reached this way, so a symlink
 * planted at any component — the per-VM directory swapped for a link to {@code /etc}, say —
 * stops the operation instead of redirecting it.
 *
 * <p>This is stricter than the seed, whose {@code os.MkdirAll}, {@code chown} and {@code ln}
 * follow symlinks anywhere in the path. A configured path that itself goes through a symlink
 * (Debian's {@code /var/run -> /run}) is refused with a message naming that component; give the
 * path without it.
 */
final class NoFollowPaths {
  private static final OpenHow DIRECTORY = OpenHow.directoryNoFollow().resolving(Resolve.NO_SYMLINKS);
  private static final OpenHow DIRECTORY_SAME_MOUNT =
      OpenHow.directoryNoFollow().resolving(Resolve.NO_SYMLINKS, Resolve.NO_XDEV);

  private NoFollowPaths() {}

  /** Opens an existing directory. */
  static Handle openDirectory(HostOps host, String path, String operation) throws FcprocException {
    return walk(host, path, operation, -1);
  }

  /**
   * {@code mkdir -p} that follows no symlink: missing components are created with {@code mode}
   * (the umask applies, as it does to {@code mkdir(1)}).
   */
  static Handle createDirectories(HostOps host, String path, int mode, String operation) throws FcprocException {
    return walk(host, path, operation, mode);
  }

  /**
   * Opens {@code name} in {@code dir} as a directory, refusing a symlink or a non-directory.
   * (With {@code O_PATH|O_NOFOLLOW} a final symlink is not an ELOOP under RESOLVE_NO_SYMLINKS;
   * {@code O_DIRECTORY} then fails with ENOTDIR, so the name is looked at to say which it is.)
   */
  static Handle openChildDirectory(HostOps host, Handle dir, String name, String fullPath, String operation)
      throws FcprocException, HostException {
    return openChildDirectory(host, dir, name, fullPath, operation, false);
  }

  /**
   * The same, and with {@code sameMount} the directory must be on {@code dir}'s mount: a mount
   * stacked on the name — someone else's bind of a host directory — is refused (RESOLVE_NO_XDEV
   * gives EXDEV) instead of being walked into and changed.
   */
  static Handle openChildDirectory(
      HostOps host, Handle dir, String name, String fullPath, String operation, boolean sameMount)
      throws FcprocException, HostException {
    try {
      return host.openAt(dir, name, sameMount ? DIRECTORY_SAME_MOUNT : DIRECTORY);
    } catch (HostException e) {
      if (e.is(Errno.EXDEV) && sameMount) {
        throw new RefusedException(operation, fullPath, "something is mounted on it");
      }
      if (!e.is(Errno.ELOOP) && !e.is(Errno.ENOTDIR)) {
        throw e;
      }
      FileStat st = host.statAt(dir, name);
      if (st.is(FileType.SYMLINK)) {
        throw new RefusedException(operation, fullPath, "it is a symlink; fcproc follows no symlink on a path it changes");
      }
      throw new RefusedException(operation, fullPath, "it is not a directory (it is a " + SocketHandoff.describe(st.type()) + ")");
    }
  }

  private static Handle walk(HostOps host, String path, String operation, int createMode) throws FcprocException {
    Handle current;
    try {
      current = host.open("/", OpenHow.directoryNoFollow());
    } catch (HostException e) {
      throw new FcprocException(operation + ": open /", e);
    }
    if (path.equals("/")) {
      return current;
    }
    StringBuilder sofar = new StringBuilder();
    for (String component : path.substring(1).split("/")) {
      sofar.append('/').append(component);
      Handle next;
      try {
        next = openOrCreate(host, current, component, sofar.toString(), operation, createMode);
      } catch (HostException e) {
        current.close();
        throw new FcprocException(operation + ": " + e.call() + " " + sofar, e);
      } catch (FcprocException e) {
        current.close();
        throw e;
      }
      current.close();
      current = next;
    }
    return current;
  }

  private static Handle openOrCreate(
      HostOps host, Handle dir, String name, String fullPath, String operation, int createMode)
      throws FcprocException, HostException {
    try {
      return openChildDirectory(host, dir, name, fullPath, operation);
    } catch (HostException e) {
      if (!e.is(Errno.ENOENT) || createMode < 0) {
        throw e;
      }
    }
    try {
      host.mkdirAt(dir, name, createMode);
    } catch (HostException e) {
      if (!e.is(Errno.EEXIST)) {
        throw e;
      }
      // Someone made it first; the open below checks what it is.
    }
    return openChildDirectory(host, dir, name, fullPath, operation);
  }

  /** The parent of a clean absolute path; {@code /} for a top-level name. */
  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  /** The last component of a clean absolute path. */
  static String leaf(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
