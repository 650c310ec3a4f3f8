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
import org.fcproc.host.OpenFlag;
import org.fcproc.host.OpenHow;
import org.fcproc.host.Resolve;

/**
 * Staging's first phase: every file the caller names — kernel, initrd, drives, the firecracker
 * binary — and the host's vhost-vsock device, opened and checked before anything on the host
 * changes, with the authority {@link SourceAccess} says: root's own open, or the sudo caller's.
 * The second phase ({@link JailStaging}) works only on these handles, never on the paths again.
 */
final class StagingSources {
  private final HostOps host;

  StagingSources(HostOps host) {
    this.host = host;
  }

  /**
   * A file the caller named, open and checked.
   *
   * @param what the step, for messages ("link kernel", "stage drive rootfs")
   * @param path the host path the caller gave
   * @param handle the open file: root's {@code O_PATH} handle, or the caller's own open
   * @param stat its {@code fstat}
   * @param chrootName its name in the chroot (drives), else null
   * @param mayChown whether it may be given to the VM's uid when the VM cannot read it
   */
  record Source(String what, String path, Handle handle, FileStat stat, String chrootName, boolean mayChown) {}

  /** Everything staging reads, opened before anything changes; closing closes every handle. */
  record Sources(Source kernel, Source initrd, List<Source> drives, Source binary, DeviceNumber vsock)
      implements AutoCloseable {
    @Override
    public void close() {
      for (Source src : all()) {
        src.handle().close();
      }
    }

    private List<Source> all() {
      List<Source> all = new ArrayList<>();
      for (Source src : new Source[] {kernel, initrd, binary}) {
        if (src != null) {
          all.add(src);
        }
      }
      all.addAll(drives);
      return all;
    }
  }

  Sources open(ChrootSpec s, SourceAccess access) throws FcprocException {
    List<Source> opened = new ArrayList<>();
    try {
      Source kernel = track(opened, openLinkSource(s.kernelHostPath(), null, s, "link kernel", access));
      Source initrd = s.initrdHostPath().isBlank() ? null
          : track(opened, openLinkSource(s.initrdHostPath(), null, s, "link initrd", access));
      List<Source> drives = new ArrayList<>();
      for (ChrootDriveSpec d : s.drives()) {
        drives.add(track(opened, openDrive(d, s, access)));
      }
      Source binary = track(opened, openBinary(s, access));
      DeviceNumber vsock = s.wantVsock() ? deviceNumbers(JailStaging.VSOCK_DEVICE, FileType.CHAR_DEVICE, "stage vhost-vsock") : null;
      return new Sources(kernel, initrd, drives, binary, vsock);
    } catch (FcprocException | RuntimeException e) {
      opened.forEach(src -> src.handle().close());
      throw e;
    }
  }

  private static Source track(List<Source> opened, Source src) {
    opened.add(src);
    return src;
  }

  /** Opens a source as {@code access} says; a permission error of the caller's own open is a refusal. */
  private Handle openAs(SourceAccess access, String path, org.fcproc.host.OpenHow how, String what)
      throws FcprocException {
    CallerSourceAccess caller = (CallerSourceAccess) access;
    try {
      return host.openAs(caller.caller(), path, how);
    } catch (HostException e) {
      if (e.is(Errno.EACCES) || e.is(Errno.EPERM)) {
        throw new RefusedException(what, path, "the caller (uid " + caller.caller().uid() + ") may not "
            + (how.has(OpenFlag.WRITE) ? "open it for reading and writing" : "read it") + " (open as the caller: " + e.errno() + ")");
      }
      if (e.is(Errno.ELOOP)) {
        throw new RefusedException(what, path, "a symlink is on the path (open as the caller: ELOOP)");
      }
      throw new FcprocException(what + ": open " + path + " as uid " + caller.caller().uid(), e);
    }
  }

  private Source openDrive(ChrootDriveSpec d, ChrootSpec s, SourceAccess access) throws FcprocException {
    String what = "stage drive " + d.chrootName();
    if (access instanceof CallerSourceAccess) {
      Handle h = openAs(access, d.hostPath(), CallerSourceAccess.READ, what);
      FileStat st = fstatOrClose(h, d.hostPath(), what);
      if (st.is(FileType.BLOCK_DEVICE)) {
        // The caller's read-write open is the check that the caller may use the device as a drive.
        h.close();
        h = openAs(access, d.hostPath(), CallerSourceAccess.READ_WRITE, what);
        FileStat rw = fstatOrClose(h, d.hostPath(), what);
        if (!rw.sameInode(st) || !rw.is(FileType.BLOCK_DEVICE)) {
          h.close();
          throw new RefusedException(what, d.hostPath(), "it was replaced while it was being opened");
        }
        return new Source(what, d.hostPath(), h, rw, d.chrootName(), false);
      }
      h.close();
      return withName(openLinkSource(d.hostPath(), d.chrootName(), s, what, access), d.chrootName());
    }
    FileStat st;
    try {
      st = host.stat(d.hostPath());
    } catch (HostException e) {
      throw new FcprocException(what + ": stat " + d.hostPath(), e);
    }
    if (st.is(FileType.BLOCK_DEVICE)) {
      try {
        // O_PATH, following a symlink as stat(2) did (/dev/disk/by-id/... are symlinks): the node
        // made carries the numbers read from this handle (catalogue J8).
        Handle h = host.open(d.hostPath(), new OpenHow(EnumSet.of(OpenFlag.PATH), 0, EnumSet.noneOf(Resolve.class)));
        FileStat at = fstatOrClose(h, d.hostPath(), what);
        if (!at.is(FileType.BLOCK_DEVICE)) {
          h.close();
          throw new RefusedException(what, d.hostPath(), "it was replaced while it was being opened");
        }
        return new Source(what, d.hostPath(), h, at, d.chrootName(), false);
      } catch (HostException e) {
        throw new FcprocException(what + ": open " + d.hostPath(), e);
      }
    }
    if (st.is(FileType.CHAR_DEVICE)) {
      throw new RefusedException(what, d.hostPath(), "a character device is not a drive");
    }
    return withName(openLinkSource(d.hostPath(), d.chrootName(), s, what, access), d.chrootName());
  }

  private static Source withName(Source src, String chrootName) {
    return new Source(src.what(), src.path(), src.handle(), src.stat(), chrootName, src.mayChown());
  }

  private FileStat fstatOrClose(Handle h, String path, String what) throws FcprocException {
    try {
      return host.fstat(h);
    } catch (HostException e) {
      h.close();
      throw new FcprocException(what + ": fstat " + path, e);
    }
  }

  /**
   * The firecracker binary, opened for reading: by root (a symlink at the configured path is
   * followed, as {@code cp} does), or by the caller's own open with no symlink on the way.
   */
  private Source openBinary(ChrootSpec s, SourceAccess access) throws FcprocException {
    String what = "copy firecracker into chroot";
    String path = s.firecrackerHostPath();
    Handle h;
    if (access instanceof CallerSourceAccess) {
      h = openAs(access, path, CallerSourceAccess.READ, what);
    } else {
      OpenHow readSource = new OpenHow(EnumSet.of(OpenFlag.READ, OpenFlag.NONBLOCK), 0, EnumSet.noneOf(Resolve.class));
      try {
        h = host.open(path, readSource);
      } catch (HostException e) {
        throw new FcprocException(what + ": open " + path, e);
      }
    }
    FileStat st = fstatOrClose(h, path, what);
    if (!st.is(FileType.REGULAR)) {
      h.close();
      throw new RefusedException(what, path, "not a regular file (it is a " + SocketHandoff.describe(st.type()) + ")");
    }
    return new Source(what, path, h, st, null, false);
  }

  /**
   * Opens a source file named by the caller and checks it is a file the VM may be given: a
   * regular file, not set-id, and either readable by the VM's uid as it is, or one that may be
   * given to the VM's uid.
   *
   * <p>Root mode opens it {@code O_PATH|O_NOFOLLOW} in its directory, reached without following
   * a symlink; a file the VM cannot read that has other links may be a hard link to a host secret
   * planted at the source path (catalogue J5): the seed links and chowns it, giving the secret to
   * the VM. Here it is refused before anything is linked. For a sudo caller
   * ({@link CallerSourceAccess}) the caller's own open is the check, and the file is given to the
   * VM's uid only if the caller owns it.
   */
  private Source openLinkSource(String sourcePath, String chrootName, ChrootSpec s, String what, SourceAccess access)
      throws FcprocException {
    Handle source;
    if (access instanceof CallerSourceAccess) {
      source = openAs(access, sourcePath, CallerSourceAccess.READ, what);
    } else {
      Handle dir = NoFollowPaths.openDirectory(host, NoFollowPaths.parent(sourcePath), what);
      try (dir) {
        source = host.openAt(dir, NoFollowPaths.leaf(sourcePath), OpenHow.pathNoFollow());
      } catch (HostException e) {
        throw new FcprocException(what + ": open " + sourcePath, e);
      }
    }
    try {
      FileStat st = host.fstat(source);
      if (!st.is(FileType.REGULAR)) {
        throw new RefusedException(what, sourcePath, "not a regular file (it is a " + SocketHandoff.describe(st.type()) + ")");
      }
      if ((st.mode() & 06000) != 0) {
        throw new RefusedException(what, sourcePath, "it is set-uid or set-gid");
      }
      boolean vmReads = JailStaging.readableBy(st, s.uid(), s.gid());
      boolean mayChown;
      if (access instanceof CallerSourceAccess caller) {
        mayChown = st.uid() == caller.caller().uid();
        if (!vmReads && !mayChown) {
          throw new RefusedException(what, sourcePath, "uid " + s.uid() + " cannot read it and the caller (uid "
              + caller.caller().uid() + ") does not own it, so it may not be given to the VM");
        }
      } else {
        mayChown = st.nlink() == 1;
        if (!vmReads && !mayChown) {
          throw new RefusedException(what, sourcePath,
              "uid " + s.uid() + " cannot read it and it has " + st.nlink()
                  + " hard links; it may be a link to another file, so it is not given away");
        }
      }
      return new Source(what, sourcePath, source, st, chrootName, mayChown);
    } catch (HostException e) {
      source.close();
      throw new FcprocException(what + ": fstat " + sourcePath, e);
    } catch (RefusedException e) {
      source.close();
      throw e;
    }
  }

  /** Reads a host device's numbers once; the node made carries these numbers (catalogue J8). */
  private DeviceNumber deviceNumbers(String path, FileType type, String what) throws FcprocException {
    try {
      FileStat st = host.stat(path);
      if (!st.is(type)) {
        throw new RefusedException(what, path, "not a " + SocketHandoff.describe(type));
      }
      return st.rdev();
    } catch (HostException e) {
      throw new FcprocException(what + ": stat " + path, e);
    }
  }
}
