package org.fcproc.features.driver;

import org.fcproc.host.DeviceNumber;
import org.fcproc.host.FileType;

/**
 * "A host with the standard layout": what every scenario starts from — a Debian-like tree with
 * a secret in {@code /etc}, device nodes, the firecracker binary, the library directories the
 * jail binds (with Debian's {@code /lib -> usr/lib} links), and VM images. Listed in the
 * reviewer's guide, so a scenario can name these paths without arranging them.
 */
public final class StandardLayout {
  public static final String PATH = "/usr/local/bin:/usr/bin:/bin";

  private StandardLayout() {}

  public static void install(ScenarioHost h) {
    Owner root = Owner.ROOT;
    h.directory("/etc", root, 0755);
    h.file("/etc/shadow", Owner.parse("root:shadow"), 0640, "root:$6$not-a-real-hash:19000:0:99999:7:::\n");
    h.file("/etc/passwd", root, 0644, "root:x:0:0:root:/root:/bin/bash\n");
    h.directory("/dev", root, 0755);
    h.node("/dev/vhost-vsock", FileType.CHAR_DEVICE, new DeviceNumber(10, 241), root, 0666);
    h.node("/dev/kvm", FileType.CHAR_DEVICE, new DeviceNumber(10, 232), root, 0660);
    h.node("/dev/dm-7", FileType.BLOCK_DEVICE, new DeviceNumber(253, 7), root, 0660);
    h.directory("/dev/mapper", root, 0755);
    h.symlink("/dev/mapper/vm1-data", "../dm-7");
    h.directory("/usr/bin", root, 0755);
    h.file("/usr/bin/firecracker", root, 0755, "\u007fELF fake firecracker v1.12\n");
    h.file("/usr/bin/sleep", root, 0755, "\u007fELF sleep\n");
    h.directory("/usr/lib", root, 0755);
    h.file("/usr/lib/libc.so.6", root, 0755, "\u007fELF libc\n");
    h.directory("/usr/lib64", root, 0755);
    h.file("/usr/lib64/ld-linux-x86-64.so.2", root, 0755, "\u007fELF ld.so\n");
    h.symlink("/lib", "usr/lib");
    h.symlink("/lib64", "usr/lib64");
    h.directory("/var/lib/fcproc/images", root, 0755);
    h.file("/var/lib/fcproc/images/vmlinux", root, 0644, "fake kernel image\n");
    h.file("/var/lib/fcproc/images/initrd.img", root, 0644, "fake initrd\n");
    h.directory("/var/lib/fcproc/vms/vm1", root, 0755);
    h.file("/var/lib/fcproc/vms/vm1/rootfs.ext4", root, 0600, "fake rootfs of vm1\n");
    h.directory("/run", root, 0755);
    h.directory("/srv/jail", root, 0755);
    h.directory("/root", root, 0700);
    h.directory("/tmp", root, 01777);
  }
}
