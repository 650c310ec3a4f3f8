package org.fcproc.sim;

import org.fcproc.host.DeviceNumber;
import org.fcproc.host.FileType;

/**
 * "A host with the standard layout", defined once: the Debian-like tree every scenario, explorer
 * test and benchmark starts from, and what an embedding application can try fcproc on without a
 * root shell. It holds a secret ({@code /etc/shadow}, root:shadow 0640) for an attack to aim at,
 * the device nodes a chroot gets or an adversary would plant ({@code vhost-vsock}, {@code kvm},
 * a device-mapper block device behind a {@code /dev/mapper} link), the firecracker binary, the
 * library directories the jail binds with Debian's merged-{@code /usr} links ({@code /lib ->
 * usr/lib}), and a VM's images under {@code /var/lib/fcproc}.
 *
 * <p>The tree is described through {@link Arranger}, so that the same list arranges the simulated
 * host ({@link SimHost#standardLayout()}) and, in the scenarios, a throwaway namespace on the real
 * kernel. Missing parents are root's, 0755, as an installer would leave them.
 */
public final class StandardLayout {
  /** The {@code PATH} of the standard host. */
  public static final String PATH = "/usr/local/bin:/usr/bin:/bin";
  /** The firecracker binary; its file name is the jailer's exec name. */
  public static final String FIRECRACKER = "/usr/bin/firecracker";
  /** The kernel image (root 0644). */
  public static final String KERNEL = "/var/lib/fcproc/images/vmlinux";
  /** The initrd (root 0644). */
  public static final String INITRD = "/var/lib/fcproc/images/initrd.img";
  /** vm1's root file system (root 0600). */
  public static final String ROOTFS = "/var/lib/fcproc/vms/vm1/rootfs.ext4";
  /** The jail base (root 0755); the firecracker base below it does not exist yet. */
  public static final String JAIL_BASE = "/srv/jail";

  /** What the layout is made with: one method per kind of entry. */
  public interface Arranger {
    void directory(String path, int uid, int gid, int mode);

    void file(String path, int uid, int gid, int mode, String content);

    void node(String path, FileType type, DeviceNumber device, int uid, int gid, int mode);

    void symlink(String path, String target);
  }

  /** The gid of {@code shadow} on Debian. */
  static final int SHADOW_GID = 42;

  private StandardLayout() {}

  /** Makes the standard layout with {@code a}, parents before children. */
  public static void arrange(Arranger a) {
    a.directory("/etc", 0, 0, 0755);
    a.file("/etc/shadow", 0, SHADOW_GID, 0640, "root:$6$not-a-real-hash:19000:0:99999:7:::\n");
    a.file("/etc/passwd", 0, 0, 0644, "root:x:0:0:root:/root:/bin/bash\n");
    a.directory("/dev", 0, 0, 0755);
    a.node("/dev/vhost-vsock", FileType.CHAR_DEVICE, new DeviceNumber(10, 241), 0, 0, 0666);
    a.node("/dev/kvm", FileType.CHAR_DEVICE, new DeviceNumber(10, 232), 0, 0, 0660);
    a.node("/dev/dm-7", FileType.BLOCK_DEVICE, new DeviceNumber(253, 7), 0, 0, 0660);
    a.directory("/dev/mapper", 0, 0, 0755);
    a.symlink("/dev/mapper/vm1-data", "../dm-7");
    a.directory("/usr/bin", 0, 0, 0755);
    a.file(FIRECRACKER, 0, 0, 0755, "\u007fELF fake firecracker v1.12\n");
    a.file("/usr/bin/sleep", 0, 0, 0755, "\u007fELF sleep\n");
    a.directory("/usr/lib", 0, 0, 0755);
    a.file("/usr/lib/libc.so.6", 0, 0, 0755, "\u007fELF libc\n");
    a.directory("/usr/lib64", 0, 0, 0755);
    a.file("/usr/lib64/ld-linux-x86-64.so.2", 0, 0, 0755, "\u007fELF ld.so\n");
    a.symlink("/lib", "usr/lib");
    a.symlink("/lib64", "usr/lib64");
    a.directory("/var/lib/fcproc/images", 0, 0, 0755);
    a.file(KERNEL, 0, 0, 0644, "fake kernel image\n");
    a.file(INITRD, 0, 0, 0644, "fake initrd\n");
    a.directory("/var/lib/fcproc/vms/vm1", 0, 0, 0755);
    a.file(ROOTFS, 0, 0, 0600, "fake rootfs of vm1\n");
    a.directory("/run", 0, 0, 0755);
    a.directory(JAIL_BASE, 0, 0, 0755);
    a.directory("/root", 0, 0, 0700);
    a.directory("/tmp", 0, 0, 01777);
  }

  /** The layout made on a simulated host with its fixture API. */
  static void arrange(SimHost sim) {
    arrange(new Arranger() {
      @Override
      public void directory(String path, int uid, int gid, int mode) {
        int slash = path.indexOf('/', 1);
        while (slash > 0) {
          String parent = path.substring(0, slash);
          if (sim.inspect(parent).isEmpty()) {
            sim.mkdirs(parent, 0755, 0, 0);
          }
          slash = path.indexOf('/', slash + 1);
        }
        sim.mkdirs(path, mode, uid, gid);
      }

      @Override
      public void file(String path, int uid, int gid, int mode, String content) {
        sim.writeFile(path, content, mode, uid, gid);
      }

      @Override
      public void node(String path, FileType type, DeviceNumber device, int uid, int gid, int mode) {
        sim.mknod(path, type, mode, device, uid, gid);
      }

      @Override
      public void symlink(String path, String target) {
        sim.symlink(path, target);
      }
    });
  }
}
