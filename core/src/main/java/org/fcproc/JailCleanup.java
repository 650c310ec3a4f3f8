package org.fcproc;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.fcproc.host.DirEntry;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.OpenHow;
import org.fcproc.host.Resolve;
import org.fcproc.host.UmountFlag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's {@code CleanupJailerChroot}: the same guards in the same order — refuse a symlink or
 * a non-directory, refuse when the path resolves elsewhere, detach every mount at or under the
 * chroot deepest-first, re-inspect and refuse while any mount remains, then delete.
 *
 * <p>Divergences (docs/DESIGN.md#deleting-through-handles, §6.3), each closing a window the seed leaves open:
 * <ul>
 *   <li>"resolves elsewhere" is decided by opening the path one component at a time with no
 *       symlink followed, and the rest of the work is done through that handle — the seed
 *       compares {@code EvalSymlinks} and then acts on the path again;
 *   <li>mounts come from {@code /proc/self/mountinfo} with its escapes decoded, not from
 *       {@code findmnt} text split on lines (catalogue C8);
 *   <li>each mount is detached through a handle to its root whose mount id was checked against
 *       the table, so a path swapped for a symlink cannot aim the detach at a host mount;
 *   <li>deletion walks the tree through handles, checks every entry's mount id, and stops at
 *       anything mounted or swapped in the meantime (C4, C7) — where the seed runs
 *       {@code rm -rf} on the path after its check. Symlinks and hard links inside the chroot
 *       are unlinked, never followed (C12, C14).
 * </ul>
 *
 * <p>This is root mode's code; the {@link Privilege} chosen when {@link Fcproc} was made decides
 * whether it runs here or in the privileged helper's root process.
 */
final class JailCleanup {
  private static final Logger log = LoggerFactory.getLogger(JailCleanup.class);
  static final String OP = "clean up";
  private static final OpenHow DIRECTORY = OpenHow.directoryNoFollow().resolving(Resolve.NO_SYMLINKS, Resolve.NO_XDEV);
  private static final OpenHow MOUNT_ROOT = OpenHow.pathNoFollow().resolving(Resolve.NO_SYMLINKS);
  private static final int MAX_DEPTH = 1024;

  private final HostOps host;

  JailCleanup(HostOps host) {
    this.host = host;
  }

  void cleanup(String chrootRoot) throws FcprocException {
    if (chrootRoot == null || chrootRoot.isBlank()) {
      return; // the seed's behaviour: nothing named, nothing to do
    }
    Inputs.absolutePath("chroot root", chrootRoot);
    if (chrootRoot.equals("/")) {
      throw new RefusedException(OP, chrootRoot, "it is the root directory");
    }
    FileStat st;
    try {
      st = host.lstat(chrootRoot);
    } catch (HostException e) {
      if (e.is(Errno.ENOENT)) {
        log.debug("chroot {} already gone", chrootRoot);
        return;
      }
      throw new FcprocException("inspect chroot " + chrootRoot, e);
    }
    if (st.is(FileType.SYMLINK)) {
      throw new RefusedException(OP, chrootRoot, "path is a symlink");
    }
    if (!st.is(FileType.DIRECTORY)) {
      throw new RefusedException(OP, chrootRoot, "not a directory");
    }
    String leaf = NoFollowPaths.leaf(chrootRoot);
    try (Handle parent = openParent(chrootRoot)) {
      refuseMountsBesideTheChroot(chrootRoot);
      detachAll(parent, chrootRoot, leaf);
      List<MountTable.Entry> remaining = MountTable.read(host).atOrUnder(chrootRoot);
      if (!remaining.isEmpty()) {
        List<String> where = new ArrayList<>();
        remaining.forEach(m -> where.add(m.mountPoint()));
        throw new RefusedException(
            "delete", chrootRoot, "still has " + remaining.size() + " mount(s): " + where);
      }
      deleteChroot(parent, chrootRoot, leaf, st);
    }
    log.debug("cleaned up chroot {}", chrootRoot);
  }

  /**
   * The chroot's parent is the VM's own directory (staging gives it to the VM's uid, as the seed
   * does). A mount in it but outside the chroot means the chroot was renamed away by that uid and
   * something else put at its name — renaming a mount point is EBUSY, but a chroot without its
   * self-bind can be moved with its mounts under it. Deleting the name would then report success
   * and leave the real chroot's mounts behind, so cleanup refuses and names them.
   */
  private void refuseMountsBesideTheChroot(String chrootRoot) throws FcprocException {
    String vmDir = NoFollowPaths.parent(chrootRoot);
    List<String> beside = new ArrayList<>();
    for (MountTable.Entry m : MountTable.read(host).atOrUnder(vmDir)) {
      String p = m.mountPoint();
      if (!p.equals(chrootRoot) && !p.startsWith(chrootRoot + "/") && !p.equals(vmDir)) {
        beside.add(p);
      }
    }
    if (!beside.isEmpty()) {
      throw new RefusedException(OP, chrootRoot,
          "the VM's directory has mounts outside the chroot " + beside
              + "; the chroot may have been renamed: detach them, or clean up the chroot where it is now");
    }
  }

  /** Opens the chroot's parent with no symlink followed: the seed's "resolves elsewhere" guard,
   *  kept as a handle (catalogue C3). */
  private Handle openParent(String chrootRoot) throws FcprocException {
    try {
      return NoFollowPaths.openDirectory(host, NoFollowPaths.parent(chrootRoot), OP);
    } catch (RefusedException e) {
      throw new RefusedException(OP, chrootRoot, "it resolves elsewhere: at " + RefusedException.quote(e.path()) + ", " + e.reason());
    }
  }

  /**
   * Deepest first, so children come off before parents. ENOENT and EINVAL mean already gone, as
   * in the seed (a parallel cleanup got there first, catalogue C11). A mount whose path now leads
   * to some other mount is skipped, not guessed at: the re-inspection that follows refuses to
   * delete while it remains.
   */
  private void detachAll(Handle parent, String chrootRoot, String leaf) throws FcprocException {
    for (MountTable.Entry m : MountTable.read(host).atOrUnder(chrootRoot)) {
      String relative = leaf + m.mountPoint().substring(chrootRoot.length());
      Handle mountRoot;
      try {
        mountRoot = host.openAt(parent, relative, MOUNT_ROOT);
      } catch (HostException e) {
        if (e.is(Errno.ENOENT)) {
          continue;
        }
        if (e.is(Errno.ELOOP)) {
          throw new RefusedException("detach", m.mountPoint(), "a symlink now stands on its path");
        }
        throw new FcprocException("detach " + m.mountPoint() + ": open", e);
      }
      try (mountRoot) {
        if (host.fstat(mountRoot).mountId() != m.id()) {
          log.debug("mount {} at {} no longer reached by its path; left to the re-inspection", m.id(), m.mountPoint());
          continue;
        }
        host.unmount(mountRoot, EnumSet.of(UmountFlag.DETACH));
        log.debug("detached mount {} at {}", m.id(), m.mountPoint());
      } catch (HostException e) {
        if (e.is(Errno.ENOENT) || e.is(Errno.EINVAL)) {
          continue;
        }
        throw new FcprocException("detach \"" + m.mountPoint() + "\"", e);
      }
    }
  }

  private void deleteChroot(Handle parent, String chrootRoot, String leaf, FileStat checked) throws FcprocException {
    try {
      Handle chroot;
      try {
        chroot = host.openAt(parent, leaf, DIRECTORY);
      } catch (HostException e) {
        if (e.is(Errno.ENOENT)) {
          return; // a parallel cleanup removed it
        }
        if (e.is(Errno.ELOOP) || e.is(Errno.ENOTDIR) || e.is(Errno.EXDEV)) {
          throw new RefusedException("delete", chrootRoot, "it was replaced during cleanup (" + e.errno() + ")");
        }
        throw e;
      }
      try (chroot) {
        FileStat now = host.fstat(chroot);
        if (!now.sameInode(checked)) {
          throw new RefusedException("delete", chrootRoot, "it was replaced during cleanup");
        }
        removeContents(chroot, chrootRoot, now.mountId(), 0);
        // The name is removed last, and Linux cannot remove a directory by handle: the VM's uid
        // may have exchanged the name with a decoy meanwhile. Check before, and confirm after
        // through the handle (a removed directory has no links), so that cleanup never reports
        // success while the emptied chroot lives on under another name.
        FileStat named;
        try {
          named = host.statAt(parent, leaf);
        } catch (HostException e) {
          if (e.is(Errno.ENOENT)) {
            return; // a parallel cleanup removed it
          }
          throw e;
        }
        if (!named.sameInode(now)) {
          throw new RefusedException("delete", chrootRoot, "it was renamed during cleanup; its emptied directory is elsewhere");
        }
        unlinkChecked(parent, leaf, true, chrootRoot);
        if (host.fstat(chroot).nlink() != 0) {
          throw new RefusedException("delete", chrootRoot,
              "it was renamed just before its removal; its emptied directory is elsewhere, and a directory put in its place was removed instead");
        }
      }
    } catch (HostException e) {
      throw new FcprocException("delete " + chrootRoot, e);
    }
  }

  /**
   * Removes everything in {@code dir} through handles. Every entry must be on {@code mountId}:
   * an entry on another mount means something was mounted after the detach loop (catalogue C7),
   * and deletion stops there rather than descend into it.
   */
  private void removeContents(Handle dir, String path, long mountId, int depth) throws HostException, RefusedException {
    if (depth > MAX_DEPTH) {
      throw new RefusedException("delete", path, "deeper than " + MAX_DEPTH + " levels");
    }
    List<DirEntry> entries;
    try {
      entries = host.readDir(dir);
    } catch (HostException gone) {
      if (gone.is(Errno.ENOENT)) {
        return; // Linux lists a removed directory as ENOENT: a parallel cleanup removed it (C11)
      }
      throw gone;
    }
    for (DirEntry e : entries) {
      String childPath = path + "/" + e.name();
      FileStat st;
      try {
        st = host.statAt(dir, e.name());
      } catch (HostException gone) {
        if (gone.is(Errno.ENOENT)) {
          continue;
        }
        throw gone;
      }
      if (st.mountId() != mountId) {
        throw new RefusedException("delete", childPath, "a mount appeared there during cleanup");
      }
      if (st.is(FileType.DIRECTORY)) {
        Handle child;
        try {
          child = host.openAt(dir, e.name(), DIRECTORY);
        } catch (HostException ex) {
          if (ex.is(Errno.ENOENT)) {
            continue;
          }
          if (ex.is(Errno.ELOOP) || ex.is(Errno.ENOTDIR) || ex.is(Errno.EXDEV)) {
            throw new RefusedException("delete", childPath, "it was replaced during cleanup (" + ex.errno() + ")");
          }
          throw ex;
        }
        try (child) {
          if (!host.fstat(child).sameInode(st)) {
            throw new RefusedException("delete", childPath, "it was replaced during cleanup");
          }
          removeContents(child, childPath, mountId, depth + 1);
        }
        unlinkChecked(dir, e.name(), true, childPath);
      } else {
        unlinkChecked(dir, e.name(), false, childPath);
      }
    }
  }

  /** An unlink whose target changed type or gained entries since it was looked at means the
   *  tree is being changed under the cleanup: a refusal, not a bare errno. */
  private void unlinkChecked(Handle dir, String name, boolean directory, String path)
      throws HostException, RefusedException {
    try {
      unlink(dir, name, directory);
    } catch (HostException e) {
      if (e.is(Errno.EISDIR) || e.is(Errno.ENOTDIR) || e.is(Errno.ENOTEMPTY) || e.is(Errno.EBUSY)) {
        throw new RefusedException("delete", path, "it was replaced during cleanup (" + e.errno() + ")");
      }
      throw e;
    }
  }

  private void unlink(Handle dir, String name, boolean directory) throws HostException {
    try {
      host.unlinkAt(dir, name, directory);
    } catch (HostException e) {
      if (!e.is(Errno.ENOENT)) {
        throw e;
      }
    }
  }
}
