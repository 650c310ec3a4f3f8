package org.fcproc.bench;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.fcproc.ChrootDriveSpec;
import org.fcproc.ChrootSpec;
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
import org.fcproc.host.Resolve;
import org.fcproc.host.UmountFlag;
import org.fcproc.host.HostOps;

/**
 * The floor: the syscalls staging and cleanup cannot do without, issued straight through
 * {@code LinuxHost}'s SPI, with none of fcproc's checks — no walk of the path one component at a
 * time, no mount-table read, no re-stat after a link or mknod, no reopen-and-verify after a bind,
 * no mount-id check per entry while deleting. It knows the layout it made, so cleanup detaches
 * its three mounts by path and deletes the tree through handles. The reference for "close to the
 * limit": what any safe-or-not Java implementation on this SPI must at least pay.
 */
public final class Floor {
  private static final OpenHow DIR = OpenHow.directoryNoFollow();
  private static final OpenHow READ = new OpenHow(EnumSet.of(OpenFlag.READ), 0, EnumSet.noneOf(Resolve.class));

  /** The host's library directories, looked at once: a directory is bound, a symlink copied. */
  private record LibDir(String path, boolean symlink, String link) {}

  private final HostOps host;
  private final List<LibDir> libs = new ArrayList<>();

  public Floor(HostOps host) throws HostException {
    this.host = host;
    for (String p : List.of("/usr/lib", "/usr/lib64", "/lib", "/lib64")) {
      FileStat st;
      try {
        st = host.lstat(p);
      } catch (HostException e) {
        continue;
      }
      if (st.is(FileType.SYMLINK)) {
        try (Handle parent = host.open(p.substring(0, Math.max(1, p.lastIndexOf('/'))), DIR)) {
          libs.add(new LibDir(p, true, host.readlinkAt(parent, p.substring(p.lastIndexOf('/') + 1))));
        }
      } else if (st.is(FileType.DIRECTORY)) {
        libs.add(new LibDir(p, false, null));
      }
    }
  }

  private void mkdirQuiet(Handle dir, String name, int mode) throws HostException {
    try {
      host.mkdirAt(dir, name, mode);
    } catch (HostException e) {
      if (!e.is(Errno.EEXIST)) {
        throw e;
      }
    }
  }

  public void stage(ChrootSpec s) throws HostException {
    String root = s.chrootRoot();
    String vmPath = root.substring(0, root.lastIndexOf('/'));
    String fcPath = vmPath.substring(0, vmPath.lastIndexOf('/'));
    String jailPath = fcPath.substring(0, fcPath.lastIndexOf('/'));
    String id = vmPath.substring(vmPath.lastIndexOf('/') + 1);
    try (Handle fc = host.open(fcPath, DIR)) {
      mkdirQuiet(fc, id, 0755);
      try (Handle vm = host.openAt(fc, id, DIR)) {
        host.mkdirAt(vm, "root", 0700);
        try (Handle chroot = host.openAt(vm, "root", DIR)) {
          host.fchown(chroot, s.uid(), s.gid());
          host.fchown(vm, s.uid(), s.gid());
          host.fchmod(fc, 0711);
          host.chmod(jailPath, 0711);
          link(chroot, s.kernelHostPath(), s.kernelName(), false, s);
          if (!s.initrdHostPath().isBlank()) {
            link(chroot, s.initrdHostPath(), s.initrdName(), false, s);
          }
          for (ChrootDriveSpec d : s.drives()) {
            FileStat st = host.stat(d.hostPath());
            if (st.is(FileType.BLOCK_DEVICE)) {
              host.mknodAt(chroot, d.chrootName(), FileType.BLOCK_DEVICE, 0660, st.rdev());
              host.lchown(root + "/" + d.chrootName(), s.uid(), s.gid());
            } else {
              link(chroot, d.hostPath(), d.chrootName(), true, s);
            }
          }
          if (s.wantVsock()) {
            host.mkdirAt(chroot, "dev", 0755);
            try (Handle dev = host.openAt(chroot, "dev", DIR)) {
              host.fchown(dev, s.uid(), s.gid());
              host.mknodAt(dev, "vhost-vsock", FileType.CHAR_DEVICE, 0660, host.stat("/dev/vhost-vsock").rdev());
              host.lchown(root + "/dev/vhost-vsock", s.uid(), s.gid());
            }
          }
          String fcName = s.firecrackerHostPath().substring(s.firecrackerHostPath().lastIndexOf('/') + 1);
          try (Handle src = host.open(s.firecrackerHostPath(), READ);
              Handle dst = host.openAt(chroot, fcName, OpenHow.createExclusive(0755))) {
            host.copy(src, dst);
            host.fchown(dst, s.uid(), s.gid());
          }
          host.bindMount(chroot, chroot, false);
        }
        try (Handle top = host.openAt(vm, "root", DIR)) {
          host.remount(top, EnumSet.noneOf(MountFlag.class));
          host.setPropagation(top, Propagation.PRIVATE);
          host.mkdirAt(top, "usr", 0755);
          try (Handle usr = host.openAt(top, "usr", DIR)) {
            for (LibDir l : libs) {
              if (l.symlink()) {
                Handle parent = l.path().startsWith("/usr/") ? usr : top;
                host.symlinkAt(l.link(), parent, l.path().substring(l.path().lastIndexOf('/') + 1));
                continue;
              }
              String name = l.path().substring(l.path().lastIndexOf('/') + 1);
              Handle parent = l.path().startsWith("/usr/") ? usr : top;
              host.mkdirAt(parent, name, 0755);
              try (Handle src = host.open(l.path(), DIR); Handle mp = host.openAt(parent, name, DIR)) {
                host.bindMount(src, mp, false);
              }
              try (Handle bound = host.openAt(parent, name, DIR)) {
                host.remount(bound, EnumSet.of(MountFlag.READ_ONLY));
                host.setPropagation(bound, Propagation.PRIVATE);
              }
            }
          }
        }
      }
    }
  }

  private void link(Handle chroot, String source, String name, boolean chown, ChrootSpec s) throws HostException {
    try (Handle src = host.open(source, OpenHow.pathNoFollow())) {
      host.linkAt(src, "", chroot, name);
      if (chown) {
        host.fchown(src, s.uid(), s.gid());
      }
    }
  }

  public void cleanup(String root) throws HostException {
    for (int i = libs.size() - 1; i >= 0; i--) {
      LibDir l = libs.get(i);
      if (!l.symlink()) {
        host.umount2(root + l.path(), EnumSet.of(UmountFlag.DETACH, UmountFlag.NOFOLLOW));
      }
    }
    host.umount2(root, EnumSet.of(UmountFlag.DETACH, UmountFlag.NOFOLLOW));
    String vmPath = root.substring(0, root.lastIndexOf('/'));
    try (Handle vm = host.open(vmPath, DIR)) {
      try (Handle chroot = host.openAt(vm, "root", DIR)) {
        removeContents(chroot);
      }
      host.unlinkAt(vm, "root", true);
    }
  }

  private void removeContents(Handle dir) throws HostException {
    for (DirEntry e : host.readDir(dir)) {
      if (e.type() == FileType.DIRECTORY) {
        try (Handle child = host.openAt(dir, e.name(), DIR)) {
          removeContents(child);
        }
        host.unlinkAt(dir, e.name(), true);
      } else {
        host.unlinkAt(dir, e.name(), false);
      }
    }
  }
}
