package org.fcproc.linux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code jail prepare} and {@code jail cleanup} on a tmpfs inside the test JVM's mount namespace.
 * The binds of the host's {@code /usr/lib} etc. that staging makes are made in that namespace
 * too, and die with it; cleanup must remove them itself, which mountinfo shows.
 */
class CliJailIT {
  private static final List<String> LIBRARY_DIRS = List.of("/usr/lib", "/usr/lib64", "/lib", "/lib64");

  private Kernel.Scratch scratch;
  private Path kernel;
  private Path initrd;
  private Path rootfs;
  private Path firecracker;

  @BeforeEach
  void setUp() throws IOException {
    scratch = new Kernel.Scratch();
    Path images = Files.createDirectories(scratch.path("images"));
    kernel = file(images.resolve("vmlinux"), "kernel image", "rw-r--r--");
    initrd = file(images.resolve("initrd.img"), "initrd", "rw-r--r--");
    rootfs = file(images.resolve("rootfs.ext4"), "root filesystem", "rw-------");
    firecracker = file(Files.createDirectories(scratch.path("bin")).resolve("firecracker"), "#!/bin/sh\n", "rwxr-xr-x");
  }

  @AfterEach
  void tearDown() throws IOException {
    if (scratch != null) {
      scratch.close(); // detaches anything a failed test left mounted under it
    }
  }

  private static Path file(Path p, String content, String mode) throws IOException {
    Files.writeString(p, content);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    return p;
  }

  private Path chroot(String vm) {
    return scratch.path("jail/firecracker/" + vm + "/root");
  }

  private static int uid(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }

  private static int nlink(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
  }

  private String[] prepareArgs(Path root, String... extra) {
    List<String> a = new java.util.ArrayList<>(List.of("jail", "prepare", "--chroot", root.toString(),
        "--uid", "4242", "--gid", "4242", "--firecracker", firecracker.toString(), "--kernel", kernel.toString()));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void prepareThenCleanup() throws Exception {
    Path root = chroot("vm1");
    Jar.Run r = Jar.run(prepareArgs(root, "--initrd", initrd.toString(), "--initrd-name", "initrd",
        "--drive", "rootfs=" + rootfs, "--json")).expect(0);
    assertThat(r.json()).containsEntry("command", "jail prepare").containsEntry("ok", true)
        .containsEntry("chroot", root.toString()).containsEntry("kernel", "vmlinux").containsEntry("initrd", "initrd")
        .containsEntry("drives", List.of("rootfs"));

    // Files: hard links to the sources, a copy of the binary, owners.
    assertThat(Files.isSameFile(root.resolve("vmlinux"), kernel)).isTrue();
    assertThat(Files.isSameFile(root.resolve("initrd"), initrd)).isTrue();
    assertThat(Files.isSameFile(root.resolve("rootfs"), rootfs)).isTrue();
    assertThat(uid(kernel)).as("a readable kernel keeps its owner").isZero();
    assertThat(uid(rootfs)).as("a private drive is given to the VM").isEqualTo(4242);
    Path fc = root.resolve("firecracker");
    assertThat(Files.isSameFile(fc, firecracker)).isFalse();
    assertThat(Files.readString(fc)).isEqualTo("#!/bin/sh\n");
    assertThat(uid(fc)).isEqualTo(4242);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fc))).isEqualTo("rwxr-xr-x");
    assertThat(uid(root.getParent())).as("vm dir").isEqualTo(4242);

    // Mounts: the self-bind, and each host library directory bound read-only (or its symlink copied).
    assertThat(Kernel.mountLine(root)).as("self-bind").isNotNull();
    for (String lib : LIBRARY_DIRS) {
      Path host = Path.of(lib);
      Path inside = Path.of(root + lib);
      if (Files.isSymbolicLink(host)) {
        assertThat(Files.readSymbolicLink(inside)).isEqualTo(Files.readSymbolicLink(host));
      } else if (Files.isDirectory(host)) {
        String line = Kernel.mountLine(inside);
        assertThat(line).as("bind of %s", lib).isNotNull();
        assertThat(line.split(" ")[5]).as("mount options of %s", inside).startsWith("ro");
      }
    }
    assertThat(Kernel.mountsUnder(scratch.path("jail"))).isNotEmpty();

    Jar.Run c = Jar.run("jail", "cleanup", "--chroot", root.toString(), "--json").expect(0);
    assertThat(c.json()).isEqualTo(Map.of("command", "jail cleanup", "ok", true, "chroot", root.toString()));
    assertThat(Jar.exists(root)).isFalse();
    assertThat(Kernel.mountsUnder(scratch.path("jail"))).isEmpty();
    assertThat(Files.readString(kernel)).isEqualTo("kernel image");
    assertThat(nlink(kernel)).isEqualTo(1);
    assertThat(nlink(rootfs)).isEqualTo(1);
    assertThat(Files.readString(firecracker)).isEqualTo("#!/bin/sh\n");
    for (String lib : LIBRARY_DIRS) {
      if (Files.isDirectory(Path.of(lib), LinkOption.NOFOLLOW_LINKS)) {
        assertThat(Files.list(Path.of(lib)).findAny()).as("host %s untouched", lib).isPresent();
      }
    }

    // A chroot that is gone is done.
    Jar.run("jail", "cleanup", "--chroot", root.toString()).expect(0);
  }

  @Test
  void vsockNeedsTheHostDevice() throws Exception {
    Path root = chroot("vm-vsock");
    if (Files.exists(Path.of("/dev/vhost-vsock"))) {
      Jar.run(prepareArgs(root, "--vsock")).expect(0);
      assertThat(Files.getAttribute(root.resolve("dev/vhost-vsock"), "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(4242);
    } else {
      Jar.Run r = Jar.run(prepareArgs(root, "--vsock", "--json")).expect(1);
      assertThat(r.error()).containsEntry("kind", "host-call").containsEntry("errno", "ENOENT")
          .containsEntry("path", "/dev/vhost-vsock");
      assertThat(r.err()).contains("fcproc: stage vhost-vsock: stat /dev/vhost-vsock", "ENOENT");
    }
    Jar.run("jail", "cleanup", "--chroot", root.toString()).expect(0);
    assertThat(Jar.exists(root)).isFalse();
    assertThat(Kernel.mountsUnder(scratch.path("jail"))).isEmpty();
  }

  @Test
  void prepareRefusesASymlinkedKernel() throws Exception {
    Path link = Files.createSymbolicLink(scratch.path("images/evil"), Path.of("/etc/shadow"));
    Path root = chroot("vm-evil");
    String[] args = prepareArgs(root, "--json");
    args[args.length - 2] = link.toString(); // --kernel <link>
    Jar.Run r = Jar.run(args).expect(3);
    assertThat(r.error()).containsEntry("kind", "refused").containsEntry("path", link.toString());
    assertThat(Kernel.mountsUnder(scratch.path("jail"))).isEmpty();
    Jar.run("jail", "cleanup", "--chroot", root.toString()).expect(0);
  }

  @Test
  void prepareChecksItsInput() {
    Jar.run(prepareArgs(scratch.path("vm1"))).expect(2); // too short: not <base>/<fc>/<vm>/<root>
    Jar.run("jail", "prepare", "--chroot", "jail/firecracker/vm1/root", "--uid", "1", "--gid", "1",
        "--firecracker", firecracker.toString(), "--kernel", kernel.toString()).expect(2);
    Jar.run(prepareArgs(chroot("vm1"), "--drive", "dev=" + rootfs)).expect(2); // reserved name
    Jar.run("jail", "cleanup", "--chroot", "relative/root").expect(2);
    assertThat(Jar.exists(scratch.path("jail"))).isFalse();
  }

  /** {@code command -v sudo}: whether sudo is installed here. */
  private static boolean sudoInstalled() throws IOException, InterruptedException {
    return Jar.sh("sh", "-c", "command -v sudo").startsWith("exit 0\n");
  }

  /**
   * {@code --mode sudo} as root: core takes sudo mode's path, with the jar itself as the
   * privileged helper — {@code sudo -n <java> -jar fcproc.jar --mode root --json jail prepare ...}
   * — which root may run wherever sudo is installed (.ci/install-deps installs it; without sudo,
   * the failure --mode sudo gives is checked by {@link #sudoModeWithoutSudoFailsNamingTheHelper}).
   */
  @Test
  void sudoModeStagesAndCleansUpThroughItselfAsTheHelper() throws Exception {
    // As root this never skips: .ci/install-deps installs sudo (a missing sudo is a failure here).
    assertThat(sudoInstalled()).as("sudo is installed (bash .ci/install-deps installs it as root)").isTrue();
    Path root = chroot("vm-sudo");
    Jar.Run r = Jar.run(prepareArgs(root, "--mode", "sudo", "--json", "-v")).expect(0);
    assertThat(r.json()).containsEntry("ok", true).containsEntry("chroot", root.toString());
    assertThat(r.err()).contains("privileged helper", "--mode root --json");
    assertThat(Files.isSameFile(root.resolve("vmlinux"), kernel)).isTrue();
    assertThat(Kernel.mountLine(root)).as("self-bind").isNotNull();
    Jar.run("--mode", "sudo", "jail", "cleanup", "--chroot", root.toString()).expect(0);
    assertThat(Jar.exists(root)).isFalse();
    assertThat(Kernel.mountsUnder(scratch.path("jail"))).isEmpty();
  }

  /**
   * Without sudo, {@code --mode sudo} fails naming the helper command it could not run, and touches
   * nothing. sudo is installed here (CI installs it), so it is hidden from this one run instead of
   * the test being skipped: the jar runs with a {@code PATH} on which there is no {@code sudo}.
   */
  @Test
  void sudoModeWithoutSudoFailsNamingTheHelper() throws Exception {
    Map<String, String> noSudo = Map.of("PATH", scratch.path("empty-path").toString());
    Files.createDirectories(scratch.path("empty-path"));
    Jar.Run r = Jar.run(noSudo, prepareArgs(chroot("vm1"), "--mode", "sudo", "--json")).expect(1);
    assertThat((String) r.error().get("message"))
        .contains("privileged helper `sudo -n ", " -jar ", "--mode root --json jail prepare --chroot=" + chroot("vm1"));
    assertThat(Jar.exists(scratch.path("jail"))).isFalse();
    Jar.run(noSudo, "--mode", "sudo", "jail", "cleanup", "--chroot", chroot("vm1").toString()).expect(1);
  }

  /** Only the jailer's layout is ever cleaned up: "/", or a home directory, is invalid input. */
  @Test
  void cleanupRefusesWhatIsNotAJailerChroot() throws Exception {
    Path home = Files.createDirectories(scratch.path("home/victim/.ssh"));
    Files.writeString(home.resolve("authorized_keys"), "ssh-ed25519 AAAA victim");
    for (Path p : List.of(Path.of("/"), scratch.path("home/victim"), home)) {
      Jar.Run r = Jar.run("jail", "cleanup", "--chroot", p.toString(), "--json").expect(2);
      assertThat(r.error()).containsEntry("kind", "invalid-input").containsEntry("field", "chroot root");
      assertThat((String) r.error().get("message")).contains("is not a jailer chroot");
    }
    assertThat(Files.readString(home.resolve("authorized_keys"))).isEqualTo("ssh-ed25519 AAAA victim");
  }

  /**
   * A mount in the per-VM directory but outside the chroot (the chroot may have been renamed away
   * with its mounts): refused, naming it; nothing is detached or deleted.
   */
  @Test
  void cleanupRefusesAMountBesideTheChroot() throws Exception {
    Path root = Files.createDirectories(chroot("vm5"));
    Files.writeString(root.resolve("file"), "chroot data");
    Path extra = Files.createDirectories(root.getParent().resolve("extra"));
    Path elsewhere = Files.createDirectories(scratch.path("elsewhere"));
    Files.writeString(elsewhere.resolve("keep"), "elsewhere data");
    assertThat(Jar.sh("mount", "--bind", elsewhere.toString(), extra.toString())).startsWith("exit 0");
    try {
      assertThat(Kernel.mountLine(extra)).isNotNull();
      Jar.Run r = refused(root, "mounts outside the chroot");
      assertThat((String) r.error().get("reason")).contains(extra.toString());
      assertThat(Kernel.mountLine(extra)).as("the bind is left as it was").isNotNull();
      assertThat(Files.readString(root.resolve("file"))).isEqualTo("chroot data");
      assertThat(Files.readString(extra.resolve("keep"))).isEqualTo("elsewhere data");
    } finally {
      assertThat(Jar.sh("umount", extra.toString())).startsWith("exit 0");
    }
    assertThat(Kernel.mountLine(extra)).isNull();
    Jar.run("jail", "cleanup", "--chroot", root.toString()).expect(0);
    assertThat(Files.readString(elsewhere.resolve("keep"))).isEqualTo("elsewhere data");
  }

  @Test
  void cleanupRefusesASymlinkChroot() throws Exception {
    Path victim = Files.createDirectories(scratch.path("victim"));
    Path secret = Files.writeString(victim.resolve("secret"), "host data");
    Path root = chroot("vm2");
    Files.createDirectories(root.getParent());
    Files.createSymbolicLink(root, victim);
    refused(root, "path is a symlink");
    assertThat(Files.readString(secret)).isEqualTo("host data");
    assertThat(Files.isSymbolicLink(root)).isTrue();
  }

  @Test
  void cleanupRefusesARegularFile() throws Exception {
    Path root = chroot("vm3");
    Files.createDirectories(root.getParent());
    Files.writeString(root, "not a chroot");
    refused(root, "not a directory");
    assertThat(Files.readString(root)).isEqualTo("not a chroot");
  }

  @Test
  void cleanupRefusesAnIntermediateSymlink() throws Exception {
    Path victim = Files.createDirectories(scratch.path("victim/root"));
    Path secret = Files.writeString(victim.resolve("secret"), "host data");
    Files.createDirectories(scratch.path("jail/firecracker"));
    Files.createSymbolicLink(scratch.path("jail/firecracker/vm4"), scratch.path("victim"));
    Path root = chroot("vm4");
    Jar.Run r = refused(root, "resolves elsewhere");
    assertThat((String) r.error().get("reason")).contains(scratch.path("jail/firecracker/vm4").toString());
    assertThat(Files.readString(secret)).isEqualTo("host data");
  }

  private Jar.Run refused(Path root, String reason) {
    Jar.Run r = Jar.run("jail", "cleanup", "--chroot", root.toString(), "--json").expect(3);
    assertThat(r.json()).containsEntry("command", "jail cleanup").containsEntry("ok", false).containsEntry("exit", 3L);
    assertThat(r.error()).containsEntry("kind", "refused").containsEntry("path", root.toString()).containsKey("message");
    assertThat((String) r.error().get("reason")).contains(reason);
    assertThat(r.err()).startsWith("fcproc: refusing to clean up \"" + root + "\"");
    return r;
  }
}
