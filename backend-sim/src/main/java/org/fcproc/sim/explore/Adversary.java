package org.fcproc.sim.explore;

import java.util.EnumSet;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.DirEntry;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.OpenFlag;
import org.fcproc.host.OpenHow;
import org.fcproc.host.RenameMode;
import org.fcproc.host.Resolve;
import org.fcproc.sim.SimHost;

/**
 * Makes a {@link Move} on a host. Everything but a bind mount goes through the adversary's
 * {@code SimHost.as} view, so each step is a real host call — permission-checked by the
 * simulated kernel, numbered and journaled with the adversary's uid (a replay's journal shows
 * the attack) — but, made from inside a before-call hook, it triggers no hook and no fault.
 *
 * <p>Directories on the way to a move's path are opened as a process opens them: symlinks
 * followed. The adversary is not the one trying to stay safe.
 */
final class Adversary {
  private static final OpenHow DIR = new OpenHow(EnumSet.of(OpenFlag.PATH, OpenFlag.DIRECTORY), 0, EnumSet.noneOf(Resolve.class));
  private static final OpenHow DIR_NOFOLLOW = OpenHow.directoryNoFollow();
  private static final String SIDE = ".adv-";

  private Adversary() {}

  /** Makes the move; empty when it was made, else why the kernel refused it. */
  static java.util.Optional<String> perform(SimHost host, HostOps adv, Move move) {
    try {
      if (move instanceof Move.BindMount b) {
        host.bindMount(b.source(), b.target());
      } else {
        performAs(adv, move);
      }
      return java.util.Optional.empty();
    } catch (HostException e) {
      return java.util.Optional.of(e.getMessage());
    } catch (IllegalStateException e) {
      // The fixture API reports a refused mount this way.
      return java.util.Optional.of(e.getMessage());
    }
  }

  private static void performAs(HostOps adv, Move move) throws HostException {
    if (move instanceof Move.SwapForSymlink s) {
      try (Handle dir = adv.open(parent(s.path()), DIR)) {
        String side = SIDE + leaf(s.path());
        adv.symlinkAt(s.target(), dir, side);
        intoPlace(adv, dir, side, leaf(s.path()), RenameMode.EXCHANGE);
      }
    } else if (move instanceof Move.PlantSymlink p) {
      try (Handle dir = adv.open(parent(p.path()), DIR)) {
        String side = SIDE + leaf(p.path());
        adv.symlinkAt(p.target(), dir, side);
        intoPlace(adv, dir, side, leaf(p.path()), RenameMode.REPLACE);
      }
    } else if (move instanceof Move.PlantHardLink p) {
      try (Handle dir = adv.open(parent(p.path()), DIR); Handle from = adv.open(parent(p.existing()), DIR)) {
        String side = SIDE + leaf(p.path());
        adv.linkAt(from, leaf(p.existing()), dir, side);
        intoPlace(adv, dir, side, leaf(p.path()), RenameMode.REPLACE);
      }
    } else if (move instanceof Move.PlantFifo p) {
      plantNode(adv, p.path(), FileType.FIFO, DeviceNumber.NONE);
    } else if (move instanceof Move.PlantDevice p) {
      plantNode(adv, p.path(), p.type(), p.device());
    } else if (move instanceof Move.PlantFile p) {
      try (Handle dir = adv.open(parent(p.path()), DIR)) {
        String side = SIDE + leaf(p.path());
        adv.openAt(dir, side, OpenHow.createExclusive(0644)).close();
        intoPlace(adv, dir, side, leaf(p.path()), RenameMode.REPLACE);
      }
    } else if (move instanceof Move.RemoveDirectory r) {
      try (Handle dir = adv.open(parent(r.path()), DIR)) {
        removeTree(adv, dir, leaf(r.path()));
      }
    } else if (move instanceof Move.Exchange x) {
      try (Handle a = adv.open(parent(x.a()), DIR); Handle b = adv.open(parent(x.b()), DIR)) {
        adv.renameAt(a, leaf(x.a()), b, leaf(x.b()), RenameMode.EXCHANGE);
      }
    } else {
      throw new IllegalArgumentException("no adversary for " + move.describe());
    }
  }

  private static void plantNode(HostOps adv, String path, FileType type, DeviceNumber dev) throws HostException {
    try (Handle dir = adv.open(parent(path), DIR)) {
      String side = SIDE + leaf(path);
      adv.mknodAt(dir, side, type, type == FileType.FIFO ? 0644 : 0666, dev);
      intoPlace(adv, dir, side, leaf(path), RenameMode.REPLACE);
    }
  }

  /** Renames the side entry into place; if that fails, takes the side entry away again so a
   *  refused move leaves nothing behind. */
  private static void intoPlace(HostOps adv, Handle dir, String side, String name, RenameMode mode) throws HostException {
    try {
      adv.renameAt(dir, side, dir, name, mode);
    } catch (HostException e) {
      try {
        adv.unlinkAt(dir, side, false);
      } catch (HostException ignored) {
        // the side entry stays; it is inside a directory the adversary can write
      }
      throw e;
    }
  }

  /** {@code rm -r} through handles, no symlink followed; stops at the first refusal. */
  private static void removeTree(HostOps adv, Handle dir, String name) throws HostException {
    FileStat st = adv.statAt(dir, name);
    if (st.is(FileType.DIRECTORY)) {
      try (Handle child = adv.openAt(dir, name, DIR_NOFOLLOW)) {
        for (DirEntry e : adv.readDir(child)) {
          removeTree(adv, child, e.name());
        }
      }
      adv.unlinkAt(dir, name, true);
    } else {
      adv.unlinkAt(dir, name, false);
    }
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  private static String leaf(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
