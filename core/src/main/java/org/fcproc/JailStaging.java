package org.fcproc;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.MountFlag;
import org.fcproc.host.OpenFlag;
import org.fcproc.host.OpenHow;
import org.fcproc.host.Propagation;
import org.fcproc.host.Resolve;
import org.fcproc.host.UmountFlag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's {@code PrepareJailerChroot}: the same steps in the same order, each done through a
 * handle reached without following a symlink (docs/DESIGN.md#resolution-beneath-a-handle, §6.4).
 *
 * <p>Where the seed runs {@code mkdir -p}, {@code chmod}, {@code chown}, {@code ln -f},
 * {@code cp -f}, {@code mknod} and {@code mount} on path names — each of which follows a
 * symlink the VM's uid may have planted in the directories it owns — this class:
 * <ul>
 *   <li>opens every directory one component at a time with no symlink followed, and changes
 *       modes and owners through those handles (catalogue J1, J2);
 *   <li>links the kernel, initrd and file drives from a handle to the inode it checked
 *       ({@code linkat(AT_EMPTY_PATH)}), and refuses a source that may be another file's
 *       hard link (J5); a name already in the chroot is unlinked first, never written through
 *       (J3);
 *   <li>copies the firecracker binary into a file it creates exclusively (J4);
 *   <li>makes device nodes with the numbers it read once, then checks the node it made before
 *       chown-ing it (J6, J7, J8);
 *   <li>mounts only onto directories reached beneath the chroot without symlinks (J9, J10),
 *       and makes every mount private.
 * </ul>
 *
 * <p>This is root mode's code. In sudo mode the seed shells out every step through {@code sudo};
 * fcproc does not reproduce that (it cannot be made safe: {@code chown}, {@code ln} and
 * {@code cp} follow planted symlinks). The {@link Privilege} chosen when {@link Fcproc} was made
 * decides where this code runs: here as root, or in the privileged helper's root process
 * ({@link HelperPrivilege}).
 */
final class JailStaging {
  private static final Logger log = LoggerFactory.getLogger(JailStaging.class);

  static final List<String> LIBRARY_DIRS = List.of("/usr/lib", "/usr/lib64", "/lib", "/lib64");
  static final String VSOCK_DEVICE = "/dev/vhost-vsock";
  static final String OP = "stage jailer chroot";

  private final HostOps host;
  /** Undoes a staging that failed after it created the chroot. */
  private final JailCleanup cleanup;

  JailStaging(HostOps host, JailCleanup cleanup) {
    this.host = host;
    this.cleanup = cleanup;
  }

  /**
   * Stages as root, in two phases. First every file the caller names — kernel, initrd, drives,
   * the firecracker binary — and the host's vhost-vsock device are opened and checked, with
   * {@code access}'s authority: a missing source, a source of the wrong type, a source the caller
   * may not use, stop the staging before anything on the host has changed. Then the seed's
   * sequence runs on those handles. A failure in the second phase undoes what this call made:
   * see {@link StagingUndo}.
   */
  void prepare(ChrootSpec s, SourceAccess access) throws FcprocException {
    try (StagingSources.Sources sources = new StagingSources(host).open(s, access)) {
      StagingUndo undo = new StagingUndo(host, cleanup, s);
      String root = s.chrootRoot();
      List<Handle> held = new ArrayList<>(); // open until the undo has run: it restores through them
      try {
        Handle jailBase = hold(held, NoFollowPaths.createDirectories(host, s.jailBaseDir(), 0755, OP));
        undo.remember(jailBase, s.jailBaseDir());
        Handle fcBase = hold(held, childDirectory(jailBase, s.firecrackerBaseDir(), 0755));
        undo.remember(fcBase, s.firecrackerBaseDir());
        Handle vmDir = hold(held, childDirectory(fcBase, s.vmDir(), 0755));
        undo.remember(vmDir, s.vmDir());
        Handle chroot = hold(held, childDirectory(vmDir, root, 0755));
        undo.remember(chroot, root);
        stage(s, sources, jailBase, fcBase, vmDir, chroot);
      } catch (FcprocException | RuntimeException e) {
        undo.run(e);
        throw e;
      } finally {
        for (int i = held.size() - 1; i >= 0; i--) {
          held.get(i).close();
        }
      }
    }
  }

  private static Handle hold(List<Handle> held, Handle h) {
    held.add(h);
    return h;
  }

  private void stage(ChrootSpec s, StagingSources.Sources sources, Handle jailBase, Handle fcBase, Handle vmDir, Handle chroot)
      throws FcprocException {
    String root = s.chrootRoot();
    refuseSharedMount(chroot, root);
    step("chmod chroot root", root, () -> host.fchmod(chroot, 0700));
    step("chown chroot root", root, () -> host.fchown(chroot, s.uid(), s.gid()));
    step("chown vm dir", s.vmDir(), () -> host.fchown(vmDir, s.uid(), s.gid()));
    step("chmod firecracker base dir", s.firecrackerBaseDir(), () -> host.fchmod(fcBase, 0711));
    step("chmod jail base dir", s.jailBaseDir(), () -> host.fchmod(jailBase, 0711));

    // Order matters: links before the self-bind, since link(2) gives EXDEV across a mount
    // edge even within one filesystem.
    linkInto(chroot, root, sources.kernel(), s.kernelName(), s);
    if (sources.initrd() != null) {
      linkInto(chroot, root, sources.initrd(), s.initrdName(), s);
    }
    for (StagingSources.Source d : sources.drives()) {
      if (d.stat().is(FileType.BLOCK_DEVICE)) {
        makeNode(chroot, root, d.chrootName(), FileType.BLOCK_DEVICE, d.stat().rdev(), s, d.what());
      } else {
        linkInto(chroot, root, d, d.chrootName(), s);
      }
    }
    if (sources.vsock() != null) {
      try (Handle dev = childDirectory(chroot, root + "/dev", 0755)) {
        step("chown chroot/dev", root + "/dev", () -> host.fchown(dev, s.uid(), s.gid()));
        makeNode(dev, root + "/dev", "vhost-vsock", FileType.CHAR_DEVICE, sources.vsock(), s, "stage vhost-vsock");
      }
    }
    copyFirecracker(chroot, root, s, sources.binary());
    try (Handle top = selfBind(vmDir, chroot, root)) {
      step("remount chroot suid", root, () -> host.remount(top, EnumSet.noneOf(MountFlag.class)));
      step("make-private chroot", root, () -> host.setPropagation(top, Propagation.PRIVATE));
      try (Handle usr = childDirectory(top, root + "/usr", 0755)) {
        step("create chroot/usr", root + "/usr", () -> host.fchmod(usr, 0755));
      }
      for (String libDir : LIBRARY_DIRS) {
        stageLibraryDir(top, root, libDir);
      }
    }
    log.debug("staged jailer chroot {} for {}:{}", root, s.uid(), s.gid());
  }

  /**
   * {@code jail prepare} arguments for the privileged helper, from the validated spec: one argv
   * element per option, in the {@code --option=value} form, so no value is ever read as an option.
   * A drive is {@code --drive=NAME=PATH}; the command line splits it at the first {@code =/} (the
   * path is absolute and a name holds no {@code /}), so a name may hold {@code =}.
   */
  static List<String> helperArguments(ChrootSpec s) {
    List<String> a = new java.util.ArrayList<>(List.of("jail", "prepare",
        "--chroot=" + s.chrootRoot(), "--uid=" + s.uid(), "--gid=" + s.gid(),
        "--firecracker=" + s.firecrackerHostPath(), "--kernel=" + s.kernelHostPath(),
        "--kernel-name=" + s.kernelName()));
    if (!s.initrdHostPath().isBlank()) {
      a.add("--initrd=" + s.initrdHostPath());
      a.add("--initrd-name=" + s.initrdName());
    }
    for (ChrootDriveSpec d : s.drives()) {
      a.add("--drive=" + d.chrootName() + "=" + d.hostPath());
    }
    if (s.wantVsock()) {
      a.add("--vsock");
    }
    return a;
  }

  /**
   * Refuses to stage on a shared mount (catalogue C13). A bind mount made on a mount in a peer group
   * is copied to every peer — other mount namespaces, the host's among them — at the same moment;
   * the seed's {@code --make-private} afterwards changes only this copy, so the peers' copies
   * stay, and outlive the cleanup, whose detach of a private mount does not propagate. Nothing can
   * undo that from here, so staging refuses before it changes anything. The operator makes the
   * mount holding the jail a slave or private mount once: {@code PrivateMounts=yes} in the
   * service's systemd unit makes {@code /} a slave in the service's namespace; a private bind
   * mount works too if it holds the images as well as the jail, since links cannot cross mounts.
   */
  private void refuseSharedMount(Handle chroot, String root) throws FcprocException {
    long mountId;
    try {
      mountId = host.fstat(chroot).mountId();
    } catch (HostException e) {
      throw new FcprocException("fstat " + root, e);
    }
    MountTable.Entry mount = MountTable.read(host).byId(mountId)
        .orElseThrow(() -> new RefusedException(OP, root, "its mount (id " + mountId + ") is not in /proc/self/mountinfo"));
    if (mount.isShared()) {
      throw new RefusedException(OP, root,
          "it is on a shared mount (" + RefusedException.quote(mount.mountPoint()) + ", " + String.join(" ", mount.tags())
              + "): the chroot's bind mounts would propagate to its peers and outlive the cleanup;"
              + " make that mount a slave or private mount first (e.g. PrivateMounts=yes in the service's unit)");
    }
  }

  /** One step of the sequence: a host failure becomes an error naming the step and path. */
  private interface HostStep {
    void run() throws HostException;
  }

  private static void step(String what, String path, HostStep action) throws FcprocException {
    try {
      action.run();
    } catch (HostException e) {
      throw new FcprocException(what + " " + path, e);
    }
  }

  /**
   * Opens (creating if missing) the directory {@code leaf(path)} inside {@code parent}, on
   * {@code parent}'s own mount: below the jail base every directory staging changes must be on
   * one mount (links cannot cross mounts anyway), so a mount someone stacked on a name — a bind
   * of {@code /etc} on the chroot — is refused, never walked into and chmod-ed.
   */
  private Handle childDirectory(Handle parent, String path, int mode) throws FcprocException {
    String name = NoFollowPaths.leaf(path);
    try {
      try {
        return NoFollowPaths.openChildDirectory(host, parent, name, path, OP, true);
      } catch (HostException e) {
        if (!e.is(Errno.ENOENT)) {
          throw e;
        }
      }
      try {
        host.mkdirAt(parent, name, mode);
      } catch (HostException e) {
        if (!e.is(Errno.EEXIST)) {
          throw e;
        }
      }
      return NoFollowPaths.openChildDirectory(host, parent, name, path, OP, true);
    } catch (HostException e) {
      throw new FcprocException("create " + path, e);
    }
  }

  /**
   * Reopens a directory a bind mount was just made on, crossing into the mount, and checks it is
   * that bind: the root of a mount other than the parent's, showing {@code expected}. A directory
   * renamed away or a mount stacked on top in the meantime is refused; the caller detaches what
   * it made when it can no longer be found at its path.
   */
  private Handle reopenBound(Handle parent, String path, FileStat expected, String what) throws FcprocException {
    Handle bound = null;
    try {
      bound = NoFollowPaths.openChildDirectory(host, parent, NoFollowPaths.leaf(path), path, OP, false);
      FileStat at = host.fstat(bound);
      if (!at.sameInode(expected) || at.mountId() == host.fstat(parent).mountId()) {
        throw new RefusedException(what, path, "what is mounted there now is not the bind just made");
      }
      return bound;
    } catch (HostException e) {
      if (bound != null) {
        bound.close();
      }
      throw new FcprocException(what + ": reopen " + path, e);
    } catch (FcprocException e) {
      if (bound != null) {
        bound.close();
      }
      throw e;
    }
  }

  /** Detaches the mount on the directory {@code below} pins (made by this staging), keeping the
   *  first error's message: the mount must not be left where no cleanup will look for it. */
  private void detachAfterRefusal(Handle below, String path, FcprocException cause) throws FcprocException {
    try {
      host.unmount(below, EnumSet.of(UmountFlag.DETACH));
    } catch (HostException e) {
      throw new FcprocException(cause.getMessage() + "; and detaching the mount made at " + path + " failed", e);
    }
    throw cause;
  }

  /** The read permission check {@code open(2)} would make for uid:gid (with no supplementary
   *  groups): owner bits for the owner, group bits for the group, other bits otherwise. */
  static boolean readableBy(FileStat st, int uid, int gid) {
    if (st.uid() == uid) {
      return (st.mode() & 0400) != 0;
    }
    if (st.gid() == gid) {
      return (st.mode() & 0040) != 0;
    }
    return (st.mode() & 0004) != 0;
  }

  /**
   * The seed's {@code linkInto} ({@code ln -f source chroot/name; chown uid:gid}), made safe: the
   * link is made from the checked inode, a name already there is unlinked (unlink never follows
   * a symlink) rather than written through, and the owner is changed through the source handle.
   *
   * <p>Divergence: the seed always chowns the linked inode — which is the host's source file.
   * fcproc chowns it only when the VM's uid could not read it otherwise (and it is private, see
   * {@link #openLinkSource}); a kernel image that is already readable, such as one shared by
   * several VMs, keeps its owner, so a cleanup leaves it exactly as it was (catalogue J11).
   */
  private void linkInto(Handle chroot, String root, StagingSources.Source source, String name, ChrootSpec s)
      throws FcprocException {
    String target = root + "/" + name;
    String what = source.what();
    try {
      FileStat src = source.stat();
      removeExisting(chroot, name, target, what);
      host.linkAt(source.handle(), "", chroot, name);
      FileStat linked = host.statAt(chroot, name);
      if (!linked.sameInode(src)) {
        throw new RefusedException(what, target, "the name was replaced right after it was linked");
      }
      if (!readableBy(src, s.uid(), s.gid()) && source.mayChown()) {
        host.fchown(source.handle(), s.uid(), s.gid());
      }
      log.debug("{}: {} -> {}", what, source.path(), target);
    } catch (HostException e) {
      throw new FcprocException(what + ": " + e.call() + " " + target, e);
    }
  }

  /** {@code ln -f} semantics without following: whatever is at the name goes (unlink never
   *  follows a symlink). A directory there is refused. */
  private void removeExisting(Handle dir, String name, String path, String what)
      throws HostException, RefusedException {
    FileStat existing;
    try {
      existing = host.statAt(dir, name);
    } catch (HostException e) {
      if (e.is(Errno.ENOENT)) {
        return;
      }
      throw e;
    }
    if (existing.is(FileType.DIRECTORY)) {
      throw new RefusedException(what, path, "a directory is in the way");
    }
    host.unlinkAt(dir, name, false);
  }

  /**
   * {@code mknod -m 0660 NAME TYPE MAJOR MINOR; chown uid:gid NAME}, then checks the node at the
   * name is the one made before changing it: mknod gives EEXIST on any existing name, a dangling
   * symlink included (catalogue J6), and the name is reopened without following before the chown.
   */
  private void makeNode(Handle dir, String dirPath, String name, FileType type, DeviceNumber dev, ChrootSpec s, String what)
      throws FcprocException {
    String path = dirPath + "/" + name;
    try {
      host.mknodAt(dir, name, type, 0660, dev);
    } catch (HostException e) {
      if (e.is(Errno.EEXIST)) {
        throw new RefusedException(what, path, "the name already exists (mknod: EEXIST)");
      }
      throw new FcprocException(what + ": mknod " + path, e);
    }
    try (Handle node = host.openAt(dir, name, OpenHow.pathNoFollow())) {
      FileStat st = host.fstat(node);
      if (!st.is(type) || !st.rdev().equals(dev)) {
        throw new RefusedException(what, path, "the node was replaced right after it was made");
      }
      host.fchmod(node, 0660);
      host.fchown(node, s.uid(), s.gid());
      log.debug("{}: {} {} {}", what, path, SocketHandoff.describe(type), dev);
    } catch (HostException e) {
      throw new FcprocException(what + ": " + e.call() + " " + path, e);
    }
  }

  /**
   * {@code cp -f firecracker chroot/; chmod 0755; chown uid:gid} — into a file created with
   * {@code O_CREAT|O_EXCL|O_NOFOLLOW}, so a symlink planted at the name is removed, never
   * written through (catalogue J4). Copied rather than bound because the jailer opens it O_RDWR.
   */
  private void copyFirecracker(Handle chroot, String root, ChrootSpec s, StagingSources.Source binary) throws FcprocException {
    String what = binary.what();
    String name = NoFollowPaths.leaf(s.firecrackerHostPath());
    String target = root + "/" + name;
    try {
      removeExisting(chroot, name, target, what);
      try (Handle copy = host.openAt(chroot, name, OpenHow.createExclusive(0700))) {
        host.copy(binary.handle(), copy);
        host.fchmod(copy, 0755);
        host.fchown(copy, s.uid(), s.gid());
      }
      log.debug("{}: {} -> {}", what, s.firecrackerHostPath(), target);
    } catch (HostException e) {
      throw new FcprocException(what + ": " + e.call() + " " + (e.path().isEmpty() ? target : e.path()), e);
    }
  }

  /**
   * {@code mount --bind root root}, then reopens the chroot from its parent to hold the new
   * mount's root: a handle opened before the bind still reaches the directory underneath. The bind
   * goes on the inode the handle pins; if the VM's uid renamed the chroot away just before, the
   * mount is somewhere else now, and it is detached before staging refuses, so it does not stay
   * where no cleanup looks.
   */
  private Handle selfBind(Handle vmDir, Handle chroot, String root) throws FcprocException {
    FileStat below;
    try {
      below = host.fstat(chroot);
    } catch (HostException e) {
      throw new FcprocException("self-bind chroot: fstat " + root, e);
    }
    step("self-bind chroot", root, () -> host.bindMount(chroot, chroot, false));
    try {
      return reopenBound(vmDir, root, below, "self-bind chroot");
    } catch (FcprocException e) {
      detachAfterRefusal(chroot, root, e);
      throw e;
    }
  }

  /**
   * The seed's library step: a host symlink is replicated ({@code ln -sfn}), a host directory is
   * bound read-only. Divergence: each bind is also made private, so nothing mounted under it
   * later propagates back to the host.
   */
  private void stageLibraryDir(Handle top, String root, String libDir) throws FcprocException {
    FileStat st;
    try {
      st = host.lstat(libDir);
    } catch (HostException e) {
      if (e.is(Errno.ENOENT)) {
        return; // as in the seed: a library dir the host lacks is skipped
      }
      // Divergence: the seed skips on any error and reports success without the libraries.
      throw new FcprocException("bind " + libDir + ": lstat", e);
    }
    String target = root + libDir;
    String what = "bind " + libDir;
    if (st.is(FileType.SYMLINK)) {
      String link;
      try (Handle hostParent = NoFollowPaths.openDirectory(host, NoFollowPaths.parent(libDir), what)) {
        link = host.readlinkAt(hostParent, NoFollowPaths.leaf(libDir));
      } catch (HostException e) {
        throw new FcprocException("symlink " + target + ": readlink " + libDir, e);
      }
      try (Handle parent = openBeneath(top, root, NoFollowPaths.parent(libDir))) {
        String name = NoFollowPaths.leaf(libDir);
        removeExisting(parent, name, target, "symlink " + target);
        host.symlinkAt(link, parent, name);
      } catch (HostException e) {
        throw new FcprocException("symlink " + target + " -> " + link, e);
      }
      return;
    }
    if (!st.is(FileType.DIRECTORY)) {
      return;
    }
    try (Handle source = NoFollowPaths.openDirectory(host, libDir, what);
        Handle parent = openBeneath(top, root, NoFollowPaths.parent(libDir));
        Handle mountPoint = childDirectory(parent, target, 0755)) {
      FileStat shown = host.fstat(source);
      step(what, target, () -> host.bindMount(source, mountPoint, false));
      Handle bound;
      try {
        bound = reopenBound(parent, target, shown, what);
      } catch (FcprocException e) {
        detachAfterRefusal(mountPoint, target, e);
        throw e;
      }
      try (bound) {
        step("remount " + target + " read-only", target, () -> host.remount(bound, EnumSet.of(MountFlag.READ_ONLY)));
        step("make-private " + target, target, () -> host.setPropagation(bound, Propagation.PRIVATE));
      }
    } catch (HostException e) {
      throw new FcprocException(what + ": fstat " + libDir, e);
    }
  }

  /** Opens (creating) the directory at host path {@code hostDir} mirrored under the chroot. */
  private Handle openBeneath(Handle top, String root, String hostDir) throws FcprocException {
    if (hostDir.equals("/")) {
      try {
        return host.openAt(top, ".", OpenHow.directoryNoFollow());
      } catch (HostException e) {
        throw new FcprocException("open " + root, e);
      }
    }
    Handle current = null;
    StringBuilder sofar = new StringBuilder(root);
    for (String component : hostDir.substring(1).split("/")) {
      sofar.append('/').append(component);
      Handle next = childDirectory(current == null ? top : current, sofar.toString(), 0755);
      if (current != null) {
        current.close();
      }
      current = next;
    }
    return current;
  }
}
