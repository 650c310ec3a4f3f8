package org.fcproc;

import java.util.ArrayList;
import java.util.List;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a failed staging undoes, so the call leaves the host as it found it (the jail invariant
 * asks no more of a refusal, but a half-staged chroot is also a chroot nobody will clean up).
 *
 * <ul>
 *   <li>The directories it created: when the chroot did not exist before this call, the guarded
 *       cleanup removes it with everything staged in it (detaching the self-bind and the library
 *       binds through checked handles), then each directory this call created above it is
 *       removed with {@code rmdir} (never a recursive delete), deepest first.
 *   <li>The modes and owners it changed on directories that existed before: put back through the
 *       handles it holds.
 * </ul>
 * When the chroot existed before (a chroot staged again), what was staged inside it is not
 * removed — it may be a previous staging's — and the error says so; {@code jail cleanup} removes
 * it. A step of the undo that fails is added to the error as suppressed and logged; the undo goes
 * on with the next.
 */
final class StagingUndo {
  private static final Logger log = LoggerFactory.getLogger(StagingUndo.class);

  private final HostOps host;
  private final JailCleanup cleanup;
  private final ChrootSpec spec;
  /** The shallowest directory on the chroot's path that did not exist, or null. */
  private final String firstMissing;
  private final List<Runnable> restores = new ArrayList<>();

  StagingUndo(HostOps host, JailCleanup cleanup, ChrootSpec spec) throws FcprocException {
    this.host = host;
    this.cleanup = cleanup;
    this.spec = spec;
    this.firstMissing = firstMissing(spec.chrootRoot());
  }

  private boolean created(String path) {
    return firstMissing != null && (path.equals(firstMissing) || path.startsWith(firstMissing + "/"));
  }

  /** Records the mode and owner of a directory that existed before, to put back on failure. */
  void remember(Handle dir, String path) throws FcprocException {
    if (created(path)) {
      return;
    }
    FileStat before;
    try {
      before = host.fstat(dir);
    } catch (HostException e) {
      throw new FcprocException("fstat " + path, e);
    }
    restores.add(0, () -> {
      try {
        host.fchmod(dir, before.mode() & 07777);
        host.fchown(dir, before.uid(), before.gid());
      } catch (HostException e) {
        throw new UndoFailure("restore mode and owner of " + path, e);
      }
    });
  }

  void run(Exception cause) {
    if (firstMissing != null) {
      attempt(cause, () -> {
        try {
          cleanup.cleanup(spec.chrootRoot());
        } catch (FcprocException e) {
          throw new UndoFailure("remove the chroot it created", e);
        }
      });
      for (String dir = spec.vmDir(); created(dir); dir = NoFollowPaths.parent(dir)) {
        String path = dir;
        attempt(cause, () -> removeDirectory(path));
      }
    } else {
      cause.addSuppressed(new FcprocException("the chroot " + spec.chrootRoot()
          + " existed before this staging: what was staged in it is left; `jail cleanup` removes it"));
    }
    for (Runnable r : restores) {
      attempt(cause, r);
    }
  }

  private void attempt(Exception cause, Runnable step) {
    try {
      step.run();
    } catch (UndoFailure e) {
      log.warn("undoing a failed staging of {}: {}", spec.chrootRoot(), e.getMessage());
      cause.addSuppressed(e);
    }
  }

  private void removeDirectory(String path) {
    try (Handle parent = NoFollowPaths.openDirectory(host, NoFollowPaths.parent(path), JailStaging.OP)) {
      host.unlinkAt(parent, NoFollowPaths.leaf(path), true);
    } catch (HostException e) {
      if (!e.is(Errno.ENOENT)) { // ENOENT: the failure came before it was made
        throw new UndoFailure("rmdir " + path, e);
      }
    } catch (FcprocException e) {
      if (!(e.getCause() instanceof HostException h && h.is(Errno.ENOENT))) {
        throw new UndoFailure("rmdir " + path, e);
      }
    }
  }

  /** The shallowest missing directory of {@code path} (looked at without following), or null. */
  private String firstMissing(String path) throws FcprocException {
    StringBuilder sofar = new StringBuilder();
    for (String component : path.substring(1).split("/")) {
      sofar.append('/').append(component);
      try {
        host.lstat(sofar.toString());
      } catch (HostException e) {
        if (e.is(Errno.ENOENT)) {
          return sofar.toString();
        }
        throw new FcprocException(JailStaging.OP + ": lstat " + sofar, e);
      }
    }
    return null;
  }

  /** A step of the undo that failed. */
  private static final class UndoFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UndoFailure(String what, Exception cause) {
      super("undo: " + what + ": " + cause.getMessage(), cause);
    }
  }
}
