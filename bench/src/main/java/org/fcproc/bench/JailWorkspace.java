package org.fcproc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.fcproc.ChrootDriveSpec;
import org.fcproc.ChrootSpec;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.OpenHow;
import org.fcproc.linux.LinuxHost;

/**
 * The host side of one VM's jail, on the bench's tmpfs: {@code <work>/images} holds the kernel,
 * the initrd, one rootfs file per VM, a block device node (loop0's numbers, 7:0) and a stand-in
 * firecracker binary; chroots go under {@code <work>/jail/firecracker/<id>/root}. Images and jail
 * share the tmpfs, since kernel, initrd and file drives are hard-linked.
 */
public final class JailWorkspace {
  public static final int UID = 1000;
  public static final int GID = 1000;
  /** A firecracker release binary is a few MB; the copy is part of both ways' work. */
  public static final int FIRECRACKER_BYTES = Integer.getInteger("fcproc.bench.firecrackerBytes", 3 << 20);

  public final LinuxHost host;
  public final String work;
  public final String images;
  public final String jailBase;
  public final String fcBase;
  public final String kernel;
  public final String initrd;
  public final String blockDevice;
  public final String firecracker;

  public JailWorkspace(LinuxHost host, String work) throws IOException {
    this.host = host;
    this.work = work;
    this.images = work + "/images";
    this.jailBase = work + "/jail";
    this.fcBase = jailBase + "/firecracker";
    this.kernel = images + "/vmlinux";
    this.initrd = images + "/initrd.img";
    this.blockDevice = images + "/vdb";
    this.firecracker = images + "/firecracker";
    Files.createDirectories(Path.of(images));
    Files.createDirectories(Path.of(fcBase));
    Random r = new Random(42);
    write(kernel, 1 << 20, r, "rw-r--r--");
    write(initrd, 256 << 10, r, "rw-r--r--");
    write(firecracker, FIRECRACKER_BYTES, r, "rwxr-xr-x");
    if (!Files.exists(Path.of(blockDevice), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (Handle dir = host.open(images, OpenHow.directoryNoFollow())) {
        host.mknodAt(dir, "vdb", FileType.BLOCK_DEVICE, 0600, new DeviceNumber(7, 0));
      }
    }
  }

  private static void write(String path, int bytes, Random r, String perms) throws IOException {
    Path p = Path.of(path);
    if (Files.exists(p)) {
      return;
    }
    byte[] b = new byte[bytes];
    r.nextBytes(b);
    Files.write(p, b);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
  }

  /** The VM's own rootfs file (root-owned 0600, one link), made on first use. */
  public String rootfs(String id) throws IOException {
    String p = images + "/rootfs-" + id + ".ext4";
    Path path = Path.of(p);
    if (!Files.exists(path)) {
      Files.write(path, new byte[64 << 10]);
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    }
    return p;
  }

  public String vmDir(String id) {
    return fcBase + "/" + id;
  }

  public String chroot(String id) {
    return vmDir(id) + "/root";
  }

  /** Kernel, initrd, a rootfs file, one block device, vsock; the library binds come with staging. */
  public ChrootSpec spec(String id) throws IOException {
    List<ChrootDriveSpec> drives = new ArrayList<>();
    drives.add(new ChrootDriveSpec("rootfs", rootfs(id)));
    drives.add(new ChrootDriveSpec("vdb", blockDevice));
    return new ChrootSpec(chroot(id), UID, GID, firecracker, kernel, "vmlinux", initrd, "initrd.img", drives, true);
  }
}
