package org.fcproc.sim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.DirEntry;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.MountFlag;
import org.fcproc.host.OpenFlag;
import org.fcproc.host.OpenHow;
import org.fcproc.host.Propagation;
import org.fcproc.host.RenameMode;
import org.fcproc.host.Resolve;
import org.fcproc.host.UmountFlag;

/**
 * The file and mount system calls of {@link org.fcproc.host.HostOps}, on the simulator's
 * inode graph. Each method checks in the order the kernel does where the order shows (for
 * example {@code filename_create} reports EEXIST before EROFS, and both before EACCES), so that
 * core sees the same errno from both backends.
 */
final class Vfs {
  private final SimHost host;
  final MountTable mounts = new MountTable();
  final Namei namei = new Namei(mounts);
  final ContentStore contents = new ContentStore();
  private final int umask;
  private int nextAnonMinor = 40;

  Vfs(SimHost host, int umask) {
    this.host = host;
    this.umask = umask;
    Superblock rootSb = Superblock.create(new DeviceNumber(8, 1), "ext4", "/dev/sda1", 0755, 0, 0, host::wallClockNanos);
    mounts.createRoot(rootSb);
  }

  int umask() {
    return umask;
  }

  // ---------------------------------------------------------------- helpers

  /** Paths given to path-based calls must be absolute: the simulator has no working directory. */
  Location absolute(Op op, String path) throws HostException {
    if (path.isEmpty()) {
      throw op.fail(Errno.ENOENT, "empty path");
    }
    if (path.indexOf('\0') >= 0) {
      throw op.fail(Errno.EINVAL, "NUL in path");
    }
    if (!path.startsWith("/")) {
      throw op.fail(Errno.EINVAL, "relative path: the simulator has no working directory");
    }
    return mounts.nsRoot();
  }

  SimHandle handle(Op op, Handle h) throws HostException {
    if (!(h instanceof SimHandle s) || s.host != host || s.closed) {
      throw op.fail(Errno.EBADF, "not an open handle of this host");
    }
    return s;
  }

  Location resolve(Op op, String path, boolean follow) throws HostException {
    Location root = absolute(op, path);
    return namei.lookup(op, namei.begin(op, root), root, path, follow);
  }

  private Location resolveAt(Op op, Location dir, String name, boolean follow) throws HostException {
    return namei.lookup(op, namei.begin(op, dir), dir, name, follow);
  }

  private Namei.Parent parentAt(Op op, Location dir, String name) throws HostException {
    if (!dir.inode().isDir() && !name.startsWith("/")) {
      throw op.fail(Errno.ENOTDIR);
    }
    return namei.parent(op, namei.begin(op, dir), dir, name);
  }

  private static boolean dots(String name) {
    return name.equals(".") || name.equals("..");
  }

  FileStat stat(Location loc) {
    Inode i = loc.inode();
    long size = switch (i.type) {
      case REGULAR -> contents.size(i);
      case SYMLINK -> i.linkTarget.getBytes(StandardCharsets.UTF_8).length;
      case DIRECTORY -> 4096;
      default -> 0;
    };
    return new FileStat(i.type, i.mode, i.uid, i.gid, i.nlink, i.sb.dev.toLinuxDevT(), i.ino, i.rdev, size, loc.mount().id);
  }

  private void releaseIfUnused(Inode inode) {
    if (inode.nlink <= 0 && inode.openCount == 0 && inode.type == FileType.REGULAR) {
      contents.release(inode);
    }
  }

  // ---------------------------------------------------------------- looking

  FileStat lstat(Op op, String path) throws HostException {
    return stat(resolve(op, path, false));
  }

  FileStat stat(Op op, String path) throws HostException {
    return stat(resolve(op, path, true));
  }

  SimHandle open(Op op, String path, OpenHow how) throws HostException {
    return openFrom(op, absolute(op, path), path, how);
  }

  SimHandle openAt(Op op, Handle dir, String path, OpenHow how) throws HostException {
    SimHandle d = handle(op, dir);
    if (path.isEmpty()) {
      throw op.fail(Errno.ENOENT, "empty path; open \".\" to reopen a handle");
    }
    if (!d.inode().isDir() && !path.startsWith("/")) {
      throw op.fail(Errno.ENOTDIR);
    }
    return openFrom(op, d.loc, path, how);
  }

  private SimHandle openFrom(Op op, Location start, String path, OpenHow how) throws HostException {
    Namei.Walk w = namei.begin(op, start, how.resolve());
    if (how.has(OpenFlag.CREATE)) {
      return openCreate(op, w, start, path, how);
    }
    Location loc = namei.lookup(op, w, start, path, !how.has(OpenFlag.NOFOLLOW));
    return finishOpen(op, loc, how, false);
  }

  /** {@code O_CREAT}: EEXIST with O_EXCL even for a dangling symlink; else a symlink is followed. */
  private SimHandle openCreate(Op op, Namei.Walk w, Location from, String path, OpenHow how) throws HostException {
    Namei.Parent p = namei.parent(op, w, from, path);
    if (dots(p.name())) {
      throw op.fail(how.has(OpenFlag.EXCLUSIVE) ? Errno.EEXIST : Errno.EISDIR);
    }
    Inode existing = p.child();
    if (existing != null) {
      if (how.has(OpenFlag.EXCLUSIVE)) {
        throw op.fail(Errno.EEXIST);
      }
      if (existing.type == FileType.SYMLINK) {
        if (how.has(OpenFlag.NOFOLLOW)) {
          throw op.fail(Errno.ELOOP, "O_NOFOLLOW on a symlink");
        }
        if (w.has(Resolve.NO_SYMLINKS)) {
          throw op.fail(Errno.ELOOP, "RESOLVE_NO_SYMLINKS");
        }
        if (++w.links > Namei.MAX_SYMLINKS) {
          throw op.fail(Errno.ELOOP);
        }
        op.access().followLink(op, p.dir().inode(), existing);
        if (existing.linkTarget.isEmpty()) {
          throw op.fail(Errno.ENOENT);
        }
        return openCreate(op, w, p.dir(), existing.linkTarget, how);
      }
      return finishOpen(op, namei.crossDown(op, w, new Location(p.dir().mount(), existing)), how, false);
    }
    Location dir = p.dir();
    if (dir.mount().readOnly()) {
      throw op.fail(Errno.EROFS);
    }
    op.access().modify(op, dir.inode());
    Inode f = newInode(op, dir.inode(), FileType.REGULAR, how.mode(), DeviceNumber.NONE, null);
    contents.create(f);
    dir.inode().attach(p.name(), f);
    return finishOpen(op, new Location(dir.mount(), f), how, true);
  }

  private SimHandle finishOpen(Op op, Location loc, OpenHow how, boolean created) throws HostException {
    Inode i = loc.inode();
    if (i.type == FileType.SYMLINK && !how.has(OpenFlag.PATH)) {
      throw op.fail(Errno.ELOOP, "O_NOFOLLOW on a symlink");
    }
    if (how.has(OpenFlag.DIRECTORY) && !i.isDir()) {
      throw op.fail(Errno.ENOTDIR);
    }
    if (how.has(OpenFlag.PATH)) {
      return newHandle(op, loc, false, false);
    }
    boolean write = how.has(OpenFlag.WRITE);
    boolean read = how.has(OpenFlag.READ) || !write;
    if (i.isDir() && write) {
      throw op.fail(Errno.EISDIR);
    }
    if (i.type == FileType.SOCKET) {
      throw op.fail(Errno.ENXIO, "a socket cannot be opened for I/O");
    }
    if (i.type.isDevice() && loc.mount().flags.contains(MountFlag.NODEV)) {
      throw op.fail(Errno.EACCES, "nodev mount");
    }
    if (!created) {
      if ((read && !op.access().may(i, 4)) || (write && !op.access().may(i, 2))) {
        throw op.fail(Errno.EACCES);
      }
    }
    if (write && i.type == FileType.REGULAR && loc.mount().readOnly()) {
      throw op.fail(Errno.EROFS);
    }
    // A FIFO opened with O_NONBLOCK returns at once; without it Linux would block for a
    // peer. The simulator never blocks, so both return at once (see MODEL.md).
    return newHandle(op, loc, read, write);
  }

  private SimHandle newHandle(Op op, Location loc, boolean read, boolean write) {
    SimHandle h = new SimHandle(host, op.access().credentials(), loc, op.path(), read, write);
    loc.mount().openHandles++;
    loc.inode().openCount++;
    return h;
  }

  void close(SimHandle h) {
    if (h.closed) {
      return;
    }
    h.closed = true;
    h.loc.mount().openHandles--;
    h.loc.inode().openCount--;
    releaseIfUnused(h.loc.inode());
    h.loc.inode().goneIfUnused();
  }

  FileStat fstat(Op op, Handle h) throws HostException {
    return stat(handle(op, h).loc);
  }

  FileStat statAt(Op op, Handle dir, String name) throws HostException {
    SimHandle d = handle(op, dir);
    if (name.isEmpty()) {
      return stat(d.loc);
    }
    if (!d.inode().isDir() && !name.startsWith("/")) {
      throw op.fail(Errno.ENOTDIR);
    }
    return stat(resolveAt(op, d.loc, name, false));
  }

  String readlinkAt(Op op, Handle dir, String name) throws HostException {
    SimHandle d = handle(op, dir);
    Inode i = name.isEmpty() ? d.inode() : resolveAt(op, d.loc, name, false).inode();
    if (i.type != FileType.SYMLINK) {
      throw op.fail(Errno.EINVAL, "not a symlink");
    }
    return i.linkTarget;
  }

  List<DirEntry> readDir(Op op, Handle dir) throws HostException {
    SimHandle d = handle(op, dir);
    Inode i = d.inode();
    if (!i.isDir()) {
      throw op.fail(Errno.ENOTDIR);
    }
    if (!op.access().may(i, 4)) {
      throw op.fail(Errno.EACCES, "no read permission on the directory");
    }
    if (i.nlink == 0) {
      // iterate_dir: a directory already removed (IS_DEADDIR) lists as ENOENT, not as empty.
      throw op.fail(Errno.ENOENT, "the directory was removed");
    }
    List<DirEntry> out = new ArrayList<>();
    for (Map.Entry<String, Inode> e : i.entries.entrySet()) {
      out.add(new DirEntry(e.getKey(), e.getValue().type, e.getValue().ino));
    }
    return out;
  }

  // ---------------------------------------------------------------- changing the tree

  /** {@code filename_create}: EEXIST (a dangling symlink counts), then EROFS, then EACCES. */
  private Namei.Parent createSite(Op op, Handle dir, String name) throws HostException {
    SimHandle d = handle(op, dir);
    Namei.Parent p = parentAt(op, d.loc, name);
    if (dots(p.name()) || p.child() != null) {
      throw op.fail(Errno.EEXIST);
    }
    if (p.dir().mount().readOnly()) {
      throw op.fail(Errno.EROFS);
    }
    op.access().modify(op, p.dir().inode());
    return p;
  }

  /**
   * A new inode in {@code dir} made by the caller, owner and mode as the kernel gives them
   * ({@code vfs_prepare_mode}, {@code inode_init_owner}): the caller's uid; the directory's gid
   * when the directory is setgid, else the caller's; the umask applied. A new directory keeps
   * only the permission and sticky bits asked for, plus setgid when its parent is setgid. A new
   * file asking for setgid with group-exec in a setgid directory of a group the caller is not
   * in loses the setgid bit ({@code mode_strip_sgid}). A symlink is always 0777.
   */
  private Inode newInode(Op op, Inode dir, FileType type, int mode, DeviceNumber rdev, String target) {
    Access a = op.access();
    boolean setgidDir = (dir.mode & 02000) != 0;
    int m;
    if (type == FileType.SYMLINK) {
      m = 0777;
    } else if (type == FileType.DIRECTORY) {
      m = (mode & 01777 & ~umask) | (setgidDir ? 02000 : 0);
    } else {
      m = mode;
      if (setgidDir && (m & 02010) == 02010 && !a.inGroupOrCapable(dir.gid)) {
        m &= ~02000;
      }
      m &= ~umask;
    }
    return dir.sb.newInode(type, m, a.uid(), setgidDir ? dir.gid : a.gid(), rdev, target);
  }

  void mkdirAt(Op op, Handle dir, String name, int mode) throws HostException {
    Namei.Parent p = createSite(op, dir, name);
    Inode d = newInode(op, p.dir().inode(), FileType.DIRECTORY, mode, DeviceNumber.NONE, null);
    p.dir().inode().attach(p.name(), d);
  }

  void mknodAt(Op op, Handle dir, String name, FileType type, int mode, DeviceNumber device) throws HostException {
    if (type == FileType.DIRECTORY) {
      throw op.fail(Errno.EPERM, "mknod of a directory");
    }
    if (type == FileType.SYMLINK) {
      throw op.fail(Errno.EINVAL, "mknod of a symlink");
    }
    Namei.Parent p = createSite(op, dir, name);
    if (type.isDevice() && !op.access().privileged()) {
      throw op.fail(Errno.EPERM, "mknod of a device needs CAP_MKNOD");
    }
    Inode n = newInode(op, p.dir().inode(), type, mode, type.isDevice() ? device : DeviceNumber.NONE, null);
    if (type == FileType.REGULAR) {
      contents.create(n);
    }
    p.dir().inode().attach(p.name(), n);
  }

  void symlinkAt(Op op, String target, Handle dir, String name) throws HostException {
    if (target.isEmpty()) {
      throw op.fail(Errno.ENOENT, "empty symlink target");
    }
    Namei.Parent p = createSite(op, dir, name);
    Inode l = newInode(op, p.dir().inode(), FileType.SYMLINK, 0777, DeviceNumber.NONE, target);
    p.dir().inode().attach(p.name(), l);
  }

  /**
   * {@code do_linkat}: the new name is checked first (EEXIST, EROFS), then the mounts must be
   * the same ({@code old_path.mnt != new_path.mnt} is EXDEV even for one filesystem), then
   * {@code may_linkat} (protected_hardlinks), then {@code vfs_link} (EACCES, EPERM for a
   * directory, ENOENT for an inode with no links left).
   */
  void linkAt(Op op, Handle fromDir, String fromName, Handle toDir, String toName) throws HostException {
    SimHandle f = handle(op, fromDir);
    SimHandle t = handle(op, toDir);
    Location src;
    if (fromName.isEmpty()) {
      // Linux 6.10+: allowed to the credentials that opened the handle, else only with
      // CAP_DAC_READ_SEARCH (before 6.10, only with the capability).
      if (!op.access().privileged() && !f.opener.equals(op.access().credentials())) {
        throw op.fail(Errno.ENOENT, "AT_EMPTY_PATH of a handle another opened needs CAP_DAC_READ_SEARCH");
      }
      src = f.loc;
    } else {
      if (!f.inode().isDir() && !fromName.startsWith("/")) {
        throw op.fail(Errno.ENOTDIR);
      }
      src = resolveAt(op, f.loc, fromName, false);
    }
    Namei.Parent p = parentAt(op, t.loc, toName);
    if (dots(p.name()) || p.child() != null) {
      throw op.fail(Errno.EEXIST);
    }
    if (p.dir().mount().readOnly()) {
      throw op.fail(Errno.EROFS);
    }
    if (src.mount() != p.dir().mount()) {
      throw op.fail(Errno.EXDEV, "link across mounts");
    }
    op.access().hardlink(op, src.inode());
    op.access().modify(op, p.dir().inode());
    if (src.inode().isDir()) {
      throw op.fail(Errno.EPERM, "hard link to a directory");
    }
    if (src.inode().nlink <= 0) {
      throw op.fail(Errno.ENOENT, "the inode has no links left");
    }
    p.dir().inode().attach(p.name(), src.inode());
  }

  void unlinkAt(Op op, Handle dir, String name, boolean removeDirectory) throws HostException {
    SimHandle d = handle(op, dir);
    Namei.Parent p = parentAt(op, d.loc, name);
    if (p.name().equals(".")) {
      throw op.fail(removeDirectory ? Errno.EINVAL : Errno.EISDIR);
    }
    if (p.name().equals("..")) {
      throw op.fail(removeDirectory ? Errno.ENOTEMPTY : Errno.EISDIR);
    }
    Location where = p.dir();
    if (where.mount().readOnly()) {
      throw op.fail(Errno.EROFS);
    }
    Inode victim = p.child();
    if (victim == null) {
      throw op.fail(Errno.ENOENT);
    }
    op.access().modify(op, where.inode());
    op.access().sticky(op, where.inode(), victim);
    if (removeDirectory) {
      if (!victim.isDir()) {
        throw op.fail(Errno.ENOTDIR);
      }
      if (mounts.isMountpoint(victim)) {
        throw op.fail(Errno.EBUSY, "a mount point");
      }
      if (!victim.entries.isEmpty()) {
        throw op.fail(Errno.ENOTEMPTY);
      }
    } else {
      if (victim.isDir()) {
        throw op.fail(Errno.EISDIR);
      }
      if (mounts.isMountpoint(victim)) {
        throw op.fail(Errno.EBUSY, "a mount point");
      }
    }
    where.inode().detach(p.name());
    releaseIfUnused(victim);
  }

  void renameAt(Op op, Handle fromDir, String fromName, Handle toDir, String toName, RenameMode mode)
      throws HostException {
    SimHandle f = handle(op, fromDir);
    SimHandle t = handle(op, toDir);
    Namei.Parent a = parentAt(op, f.loc, fromName);
    Namei.Parent b = parentAt(op, t.loc, toName);
    if (dots(a.name())) {
      throw op.fail(Errno.EBUSY);
    }
    if (dots(b.name())) {
      throw op.fail(mode == RenameMode.NOREPLACE ? Errno.EEXIST : Errno.EBUSY);
    }
    if (a.dir().mount() != b.dir().mount()) {
      throw op.fail(Errno.EXDEV, "rename across mounts");
    }
    if (a.dir().mount().readOnly()) {
      throw op.fail(Errno.EROFS);
    }
    Inode src = a.child();
    if (src == null) {
      throw op.fail(Errno.ENOENT);
    }
    Inode dst = b.child();
    if (mode == RenameMode.NOREPLACE && dst != null) {
      throw op.fail(Errno.EEXIST);
    }
    if (mode == RenameMode.EXCHANGE && dst == null) {
      throw op.fail(Errno.ENOENT);
    }
    if (src == dst) {
      return; // two names of one inode: vfs_rename returns 0 before any permission check
    }
    Inode fromParent = a.dir().inode();
    Inode toParent = b.dir().inode();
    op.access().modify(op, fromParent);
    op.access().modify(op, toParent);
    op.access().sticky(op, fromParent, src);
    if (dst != null) {
      op.access().sticky(op, toParent, dst);
    }
    if (fromParent != toParent) {
      if (src.isDir()) {
        op.access().moveDirectory(op, src);
      }
      if (mode == RenameMode.EXCHANGE && dst.isDir()) {
        op.access().moveDirectory(op, dst);
      }
    }
    if (mounts.isMountpoint(src) || (dst != null && mounts.isMountpoint(dst))) {
      throw op.fail(Errno.EBUSY, "a mount point");
    }
    if (src.isDir() && toParent.isWithin(src)) {
      throw op.fail(Errno.EINVAL, "a directory into its own subtree");
    }
    if (mode == RenameMode.EXCHANGE) {
      if (dst.isDir() && fromParent.isWithin(dst)) {
        throw op.fail(Errno.EINVAL, "a directory into its own subtree");
      }
      fromParent.entries.put(a.name(), dst);
      toParent.entries.put(b.name(), src);
      toParent.raise(org.fcproc.host.WatchEvent.Kind.MOVED_TO, b.name());
      fromParent.raise(org.fcproc.host.WatchEvent.Kind.MOVED_TO, a.name());
      src.raise(org.fcproc.host.WatchEvent.Kind.MOVE_SELF, "");
      dst.raise(org.fcproc.host.WatchEvent.Kind.MOVE_SELF, "");
      if (fromParent != toParent) {
        if (src.isDir()) {
          src.parent = toParent;
          fromParent.nlink--;
          toParent.nlink++;
        }
        if (dst.isDir()) {
          dst.parent = fromParent;
          toParent.nlink--;
          fromParent.nlink++;
        }
      }
      return;
    }
    if (dst != null) {
      if (src.isDir() && !dst.isDir()) {
        throw op.fail(Errno.ENOTDIR);
      }
      if (!src.isDir() && dst.isDir()) {
        throw op.fail(Errno.EISDIR);
      }
      if (dst.isDir() && !dst.entries.isEmpty()) {
        throw op.fail(Errno.ENOTEMPTY);
      }
      toParent.detach(b.name());
      releaseIfUnused(dst);
    }
    fromParent.detachForMove(a.name());
    toParent.moveIn(b.name(), src);
  }

  /**
   * {@code chown_common}: only root changes the owner; the owner may change the group to its
   * own gid. For a non-directory the kernel clears setuid, and setgid when group-exec is set,
   * whoever the caller ({@code ATTR_KILL_SUID}).
   */
  void chown(Op op, Location loc, int uid, int gid) throws HostException {
    Inode i = loc.inode();
    if (loc.mount().readOnly()) {
      throw op.fail(Errno.EROFS);
    }
    Access a = op.access();
    if (!a.privileged()) {
      if (uid != -1 && (uid != i.uid || a.uid() != i.uid)) {
        throw op.fail(Errno.EPERM, "only root changes an owner");
      }
      if (gid != -1 && (a.uid() != i.uid || (gid != i.gid && gid != a.gid()))) {
        throw op.fail(Errno.EPERM, "not the owner, or not a group of the caller");
      }
    }
    if (uid != -1) {
      i.uid = uid;
    }
    if (gid != -1) {
      i.gid = gid;
    }
    if ((uid != -1 || gid != -1) && !i.isDir() && i.type != FileType.SYMLINK) {
      i.mode &= ~04000;
      if ((i.mode & 02010) == 02010) {
        i.mode &= ~02000;
      }
    }
  }

  /** Linux has no lchmod: a symlink's mode cannot be changed (EOPNOTSUPP). */
  void chmod(Op op, Location loc, int mode) throws HostException {
    Inode i = loc.inode();
    if (i.type == FileType.SYMLINK) {
      throw op.fail(Errno.EOPNOTSUPP, "a symlink's mode cannot be changed");
    }
    if (loc.mount().readOnly()) {
      throw op.fail(Errno.EROFS);
    }
    op.access().owner(op, i);
    int m = mode & 07777;
    if ((m & 02000) != 0 && !op.access().inGroupOrCapable(i.gid)) {
      m &= ~02000; // setattr_prepare: an owner outside the file's group cannot set setgid; no error
    }
    i.mode = m;
  }

  void fchown(Op op, Handle h, int uid, int gid) throws HostException {
    chown(op, handle(op, h).loc, uid, gid);
  }

  void fchmod(Op op, Handle h, int mode) throws HostException {
    chmod(op, handle(op, h).loc, mode);
  }

  long copy(Op op, Handle from, Handle to) throws HostException {
    SimHandle f = handle(op, from);
    SimHandle t = handle(op, to);
    if (!f.readable || !t.writable) {
      throw op.fail(Errno.EBADF, "copy needs a handle open for reading and one open for writing");
    }
    if (f.inode().isDir()) {
      throw op.fail(Errno.EISDIR);
    }
    if (f.inode().type != FileType.REGULAR) {
      return 0; // a FIFO with no writer, or a device: nothing to read in the simulator
    }
    long n;
    if (t.inode().type == FileType.REGULAR) {
      n = contents.copy(f.inode(), f.position, t.inode(), t.position);
      t.inode().mtime = host.wallClockNanos();
    } else {
      n = Math.max(0, contents.size(f.inode()) - f.position);
    }
    f.position += n;
    t.position += n;
    return n;
  }

  // ---------------------------------------------------------------- mounts

  void mount(Op op, String source, String target, String fstype, Set<MountFlag> flags, String data)
      throws HostException {
    Location loc = resolve(op, target, true);
    op.access().requireRoot(op);
    if (!loc.inode().isDir()) {
      throw op.fail(Errno.ENOTDIR);
    }
    if (!loc.mount().attached) {
      throw op.fail(Errno.EINVAL, "target is not in the namespace");
    }
    int mode = "tmpfs".equals(fstype) ? 01777 : 0755;
    int uid = 0;
    int gid = 0;
    for (String opt : (data == null ? "" : data).split(",")) {
      try {
        if (opt.startsWith("mode=")) {
          mode = Integer.parseInt(opt.substring(5), 8) & 07777;
        } else if (opt.startsWith("uid=")) {
          uid = Integer.parseInt(opt.substring(4));
        } else if (opt.startsWith("gid=")) {
          gid = Integer.parseInt(opt.substring(4));
        }
      } catch (NumberFormatException e) {
        throw op.fail(Errno.EINVAL, "bad mount option " + opt);
      }
    }
    Superblock sb = Superblock.create(new DeviceNumber(0, nextAnonMinor++), fstype, source, mode, uid, gid, host::wallClockNanos);
    Mount m = mounts.register(sb, sb.root(), fstype, source, flags);
    mounts.graft(m, loc.mount(), loc.inode());
  }

  void bindMount(Op op, Handle source, Handle target, boolean recursive) throws HostException {
    SimHandle s = handle(op, source);
    SimHandle t = handle(op, target);
    op.access().requireRoot(op);
    if (!s.loc.mount().attached || !t.loc.mount().attached) {
      throw op.fail(Errno.EINVAL, "a mount not in the namespace");
    }
    if (s.loc.mount().propagation == Propagation.UNBINDABLE) {
      throw op.fail(Errno.EINVAL, "unbindable source");
    }
    if (s.inode().isDir() != t.inode().isDir()) {
      throw op.fail(Errno.ENOTDIR, "a directory and a non-directory");
    }
    Mount clone = mounts.cloneOf(s.loc.mount(), s.inode());
    if (recursive) {
      mounts.copySubmounts(s.loc.mount(), s.inode(), clone);
    }
    mounts.graft(clone, t.loc.mount(), t.inode());
  }

  private Mount rootedMount(Op op, SimHandle h) throws HostException {
    if (!h.loc.isMountRoot() || !h.loc.mount().attached) {
      throw op.fail(Errno.EINVAL, "not the root of a mount");
    }
    return h.loc.mount();
  }

  void remount(Op op, Handle target, Set<MountFlag> flags) throws HostException {
    SimHandle h = handle(op, target);
    op.access().requireRoot(op);
    Mount m = rootedMount(op, h);
    m.flags.clear();
    m.flags.addAll(flags);
  }

  void setPropagation(Op op, Handle target, Propagation propagation) throws HostException {
    SimHandle h = handle(op, target);
    op.access().requireRoot(op);
    Mount m = rootedMount(op, h);
    switch (propagation) {
      case SHARED -> {
        if (m.propagation != Propagation.SHARED) {
          m.propagation = Propagation.SHARED;
          m.peerGroup = mounts.newPeerGroup();
        }
      }
      case SLAVE -> {
        if (m.propagation == Propagation.SHARED && hasPeers(m)) {
          m.masterGroup = m.peerGroup;
        }
        m.peerGroup = 0;
        m.propagation = m.masterGroup != 0 ? Propagation.SLAVE : Propagation.PRIVATE;
      }
      case PRIVATE, UNBINDABLE -> {
        m.propagation = propagation;
        m.peerGroup = 0;
        m.masterGroup = 0;
      }
    }
  }

  private boolean hasPeers(Mount m) {
    for (Mount o : mounts.attached()) {
      if (o != m && o.propagation == Propagation.SHARED && o.peerGroup == m.peerGroup) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code umount2}: the lookup first (ENOENT; with UMOUNT_NOFOLLOW a final symlink is the
   * link itself, which is no mount root, so EINVAL), then {@code can_umount} (EPERM, EINVAL),
   * then busy (EBUSY) unless MNT_DETACH.
   */
  void umount2(Op op, String path, Set<UmountFlag> flags) throws HostException {
    Location loc = resolve(op, path, !flags.contains(UmountFlag.NOFOLLOW));
    op.access().requireRoot(op);
    if (!loc.isMountRoot()) {
      throw op.fail(Errno.EINVAL, "not a mount point");
    }
    unmountMount(op, loc.mount(), flags);
  }

  /**
   * By handle, as {@code umount2("/proc/self/fd/N")}: umount looks up with
   * {@code LOOKUP_MOUNTPOINT}, so after jumping to the handle's location the walk still crosses
   * into any mount stacked there ({@code handle_lookup_down}); a handle opened on a directory
   * before something was mounted on it therefore unmounts the mount on top. A handle on the
   * mount's own root pins that mount, as an {@code O_PATH} descriptor does, so without
   * MNT_DETACH that case is always EBUSY.
   */
  void unmount(Op op, Handle mountRoot, Set<UmountFlag> flags) throws HostException {
    SimHandle h = handle(op, mountRoot);
    op.access().requireRoot(op);
    Location loc = namei.crossDown(op, null, h.loc);
    if (!loc.isMountRoot() || !loc.mount().attached) {
      throw op.fail(Errno.EINVAL, "not the root of a mount");
    }
    unmountMount(op, loc.mount(), flags);
  }

  private void unmountMount(Op op, Mount m, Set<UmountFlag> flags) throws HostException {
    if (!m.attached) {
      throw op.fail(Errno.EINVAL, "not mounted");
    }
    if (m.parent == null) {
      throw op.fail(Errno.EBUSY, "the namespace root");
    }
    if (!flags.contains(UmountFlag.DETACH) && (!mounts.children(m).isEmpty() || m.openHandles > 0)) {
      throw op.fail(Errno.EBUSY, mounts.children(m).isEmpty() ? "open handles on the mount" : "submounts");
    }
    mounts.detach(m);
  }
}
