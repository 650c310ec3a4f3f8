package org.fcproc.sim.explore;

import java.util.Objects;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.FileType;

/**
 * One thing the adversary of docs/DESIGN.md#threat-model does between two host calls of the operation under test.
 *
 * <p>Every move except {@link BindMount} is made through {@code SimHost.as(uid, gid)} with the
 * target's adversary credentials (uid 1000 by default), so the simulated kernel's permission
 * model — search and write permission, the sticky bit, {@code fs.protected_hardlinks}, "only
 * root mknods devices" — decides whether the attack is possible at that moment. A move the
 * kernel refuses is recorded as refused and the operation carries on: an attack that cannot be
 * made is still a schedule that was explored.
 *
 * <p>Moves that put a new name in place ({@code Plant*}, {@link SwapForSymlink}) first make the
 * new entry under a side name ({@code .adv-<name>}) in the same directory and then rename it
 * into place in one call, as a real attacker would: the name is never observed missing.
 *
 * <p>{@link #describe()} is the move's stable text form; {@link Schedule#parse} reads it back.
 */
public sealed interface Move
    permits Move.SwapForSymlink,
        Move.PlantSymlink,
        Move.PlantHardLink,
        Move.PlantFifo,
        Move.PlantDevice,
        Move.PlantFile,
        Move.BindMount,
        Move.RemoveDirectory,
        Move.Exchange {

  /** The move's text form, e.g. {@code SwapForSymlink(/srv/jail/firecracker/vm1 -> /)}. */
  String describe();

  /**
   * The entry at {@code path} (whatever it is, a directory included) is moved to the side name
   * and a symlink to {@code target} takes its place, atomically ({@code symlink} at the side name,
   * then {@code renameat2(RENAME_EXCHANGE)}). Needs write permission on {@code path}'s parent.
   */
  record SwapForSymlink(String path, String target) implements Move {
    public SwapForSymlink {
      MoveText.checkPath("path", path);
      MoveText.checkTarget(target);
    }

    @Override
    public String describe() {
      return "SwapForSymlink(" + MoveText.quote(path) + " -> " + MoveText.quote(target) + ")";
    }
  }

  /** A symlink to {@code target} at {@code path}; an existing non-directory there is replaced
   *  ({@code rename(2)} over it). */
  record PlantSymlink(String path, String target) implements Move {
    public PlantSymlink {
      MoveText.checkPath("path", path);
      MoveText.checkTarget(target);
    }

    @Override
    public String describe() {
      return "PlantSymlink(" + MoveText.quote(path) + " -> " + MoveText.quote(target) + ")";
    }
  }

  /** A hard link at {@code path} to the inode at {@code existing} (not followed), subject to
   *  {@code fs.protected_hardlinks}; an existing non-directory at {@code path} is replaced. */
  record PlantHardLink(String path, String existing) implements Move {
    public PlantHardLink {
      MoveText.checkPath("path", path);
      MoveText.checkPath("existing", existing);
    }

    @Override
    public String describe() {
      return "PlantHardLink(" + MoveText.quote(path) + ", " + MoveText.quote(existing) + ")";
    }
  }

  /** A FIFO at {@code path} (mode 0644); an existing non-directory there is replaced. */
  record PlantFifo(String path) implements Move {
    public PlantFifo {
      MoveText.checkPath("path", path);
    }

    @Override
    public String describe() {
      return "PlantFifo(" + MoveText.quote(path) + ")";
    }
  }

  /**
   * A device node at {@code path} (mode 0666); an existing non-directory there is replaced. Only
   * root may make device nodes ({@code CAP_MKNOD}), so with an unprivileged adversary the kernel
   * refuses this move: it is here to show that, and for targets whose adversary is privileged.
   */
  record PlantDevice(String path, FileType type, DeviceNumber device) implements Move {
    public PlantDevice {
      MoveText.checkPath("path", path);
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(device, "device");
      if (!type.isDevice()) {
        throw new IllegalArgumentException("PlantDevice needs a character or block device type, not " + type);
      }
    }

    @Override
    public String describe() {
      return "PlantDevice(" + MoveText.quote(path) + ", " + (type == FileType.CHAR_DEVICE ? "char" : "block") + ", " + device + ")";
    }
  }

  /** An empty regular file at {@code path} (mode 0644), made exclusively at the side name; an
   *  existing non-directory at {@code path} is replaced. */
  record PlantFile(String path) implements Move {
    public PlantFile {
      MoveText.checkPath("path", path);
    }

    @Override
    public String describe() {
      return "PlantFile(" + MoveText.quote(path) + ")";
    }
  }

  /**
   * {@code mount --bind source target}, performed <b>as root</b>: it models a privileged mounter
   * acting in the VM's area (a FUSE daemon, another host agent, a second fcproc) — something the
   * adversary may provoke but a uid-1000 process cannot do itself. Both paths are resolved as
   * {@code mount(8)} resolves them, symlinks followed. Pick a {@code target} inside the VM's area:
   * the mount is the adversary's change, and only the operation's changes are judged.
   */
  record BindMount(String source, String target) implements Move {
    public BindMount {
      MoveText.checkPath("source", source);
      MoveText.checkPath("target", target);
    }

    @Override
    public String describe() {
      return "BindMount(" + MoveText.quote(source) + ", " + MoveText.quote(target) + ")";
    }
  }

  /**
   * {@code rm -r path} as the adversary: depth first, through handles, no symlink followed, a
   * directory's entries before the directory. It stops at the first entry the kernel refuses
   * (a read-only or busy mount, a root-owned directory), leaving what it removed so far removed.
   */
  record RemoveDirectory(String path) implements Move {
    public RemoveDirectory {
      MoveText.checkPath("path", path);
    }

    @Override
    public String describe() {
      return "RemoveDirectory(" + MoveText.quote(path) + ")";
    }
  }

  /** {@code renameat2(a, b, RENAME_EXCHANGE)}: both names must exist; they swap atomically. */
  record Exchange(String a, String b) implements Move {
    public Exchange {
      MoveText.checkPath("a", a);
      MoveText.checkPath("b", b);
      if (a.equals(b)) {
        throw new IllegalArgumentException("Exchange of a path with itself: " + a);
      }
    }

    @Override
    public String describe() {
      return "Exchange(" + MoveText.quote(a) + ", " + MoveText.quote(b) + ")";
    }
  }
}
