package org.fcproc.linux.sudo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;
import org.fcproc.linux.KernelNamespaceGate;

/**
 * A machine for sudo mode, built inside the test JVM's throwaway mount and network namespaces
 * (the {@code src/test/unshare/bin/java} wrapper's {@code unshare -m --propagation private -n}),
 * so that nothing it does reaches the real machine:
 *
 * <ul>
 *   <li>{@code /etc} is a copy on a tmpfs, bind-mounted over the real one, with two users that
 *       exist only here — {@link #DEV} (the caller, uid 4711) and {@link #OTHER} (a victim, 4712)
 *       — in {@code passwd}, {@code group} and {@code shadow}; {@code /etc/sudoers} holding
 *       exactly the one documented rule ({@link #sudoersRule()}), mode 0440 root; and the root
 *       helper's policy {@code /etc/fcproc/helper.conf};
 *   <li>{@code /run}, {@code /tmp}, {@code /opt}, {@code /srv} and {@code /home} are fresh tmpfs
 *       mounts: sudo's timestamps ({@code /run/sudo}), the JVMs' scratch files, the installed jar,
 *       the jail base and the victims' homes all live and die here;
 *   <li>the jar is installed root-owned ({@code /opt/fcproc-it/fcproc.jar}, 0644, in 0755
 *       directories), as a deployment must (whoever can replace it runs code as root), so the
 *       caller can run it and the sudoers rule can name it;
 *   <li>the helper's audit socket is a datagram socket bound by {@link AuditListener}.
 * </ul>
 *
 * <p>The real {@code sudo} runs: it is set-uid root, and the namespaces have no user namespace,
 * so it really switches to root, reads the replaced {@code /etc/sudoers} and checks the command
 * against the rule. Its syslog and the PAM modules' find no {@code /dev/log} on this machine,
 * and the Linux audit netlink is not reachable from a network namespace other than the
 * initial one.
 *
 * <p>As root without sudo (or setpriv, python3, ip) the tests fail, naming what is missing —
 * never skip; not root, they skip with the reason printed, as every kernel test does.
 */
final class SudoSandbox implements AutoCloseable {
  /** A user that exists only in the sandbox's {@code /etc}. */
  record User(String name, int uid, int gid) {
    Path home() {
      return Path.of("/home", name);
    }
  }

  static final User DEV = new User("fcdev", 4711, 4711);
  static final User OTHER = new User("fcother", 4712, 4712);

  static final Path INSTALL = Path.of("/opt/fcproc-it");
  static final Path JAR = INSTALL.resolve("fcproc.jar");
  static final Path CLASSES = INSTALL.resolve("classes");
  static final Path POLICY_DIR = Path.of("/etc/fcproc");
  static final Path POLICY = POLICY_DIR.resolve("helper.conf");
  static final Path JAIL_BASE = Path.of("/srv/jailer/firecracker");
  static final Path SOCKET_DIR = Path.of("/run/fcproc");
  static final Path AUDIT_SOCKET = Path.of("/run/fcproc-audit/log");

  /** The caller's own images, on the same tmpfs as the jail (hard links need one file system). */
  static final Path IMAGES = Path.of("/srv/images/fcdev");
  static final Path KERNEL = IMAGES.resolve("vmlinux");
  static final Path INITRD = IMAGES.resolve("initrd.img");
  static final Path ROOTFS = IMAGES.resolve("rootfs.ext4");
  static final Path FIRECRACKER = IMAGES.resolve("bin/firecracker");

  /** Root's files the caller cannot read (0600 root), and a block node it cannot open. */
  static final Path SECRET = Path.of("/srv/secret");
  static final Path SECRET_TOKEN = SECRET.resolve("token");
  static final Path SECRET_BLOCK = SECRET.resolve("blk");

  static final String POLICY_TEXT = """
      # fcproc root-helper policy of the sudo-mode end-to-end tests (a tmpfs in a throwaway namespace)
      jail_base    = /srv/jailer/firecracker
      socket_dir   = /run/fcproc
      vm_ids       = 100000-165535
      tap_prefix   = fc-
      bridge_name  = fcbr0
      bridge_ip    = 172.16.0.1
      cidr         = 24
      audit_socket = /run/fcproc-audit/log
      """;

  private static final Path ETC_COPY_PARENT = Path.of("/run/.fcproc-it");
  private static final Path ETC_COPY = ETC_COPY_PARENT.resolve("etc");

  /** The real path of this JVM's {@code java}: what {@code /proc/self/exe} of the caller's JVM shows. */
  final String java;
  final String sudo;
  final String python;
  private final Deque<String> mounts = new ArrayDeque<>();
  private AuditListener audit;

  private SudoSandbox(String java, String sudo, String python) {
    this.java = java;
    this.sudo = sudo;
    this.python = python;
  }

  /**
   * Builds the sandbox, or skips (not root, not in the wrapper's namespaces) or fails (root but
   * a tool is missing, or uid 4711/4712 is taken on this machine).
   */
  static SudoSandbox open() throws IOException {
    KernelNamespaceGate.assumeInside();
    List<String> missing = new ArrayList<>();
    for (String tool : List.of("sudo", "visudo", "setpriv", "ip", "mount", "umount", "mknod", "cp", "getent")) {
      if (!Root.has(tool)) {
        missing.add(tool);
      }
    }
    String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : Root.has("python3") ? "python3" : null;
    if (python == null) {
      missing.add("python3 (binds the datagram socket the helper's audit lines go to)");
    }
    if (!missing.isEmpty()) {
      throw new AssertionError("the sudo-mode end-to-end tests run the real sudo as a real unprivileged user and"
          + " never skip as root, but this machine lacks " + missing + " (.ci/install-deps installs sudo)");
    }
    String sudo = Root.must("sh", "-c", "command -v sudo").strip();
    String sudoMode = Root.must("stat", "-L", "-c", "%u %a", sudo).strip();
    if (!sudoMode.startsWith("0 4")) {
      throw new AssertionError(sudo + " is not set-uid root (owner and mode: " + sudoMode + "): sudo cannot work here");
    }
    for (User u : List.of(DEV, OTHER)) {
      for (String[] q : new String[][] {{"passwd", u.name()}, {"passwd", "" + u.uid()}, {"group", u.name()}, {"group", "" + u.gid()}}) {
        Root.Result r = Root.run("getent", q[0], q[1]);
        if (r.exit() != 2) {
          throw new AssertionError("the sandbox adds " + q[0] + " entry " + q[1] + ", but this machine already has one ("
              + r.output().strip() + "): pick another test uid in SudoSandbox");
        }
      }
    }
    Path jar = Path.of(System.getProperty("fcproc.jar", "target/fcproc.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError("no shaded jar at " + jar + " (mvn package builds it before the *IT tests)");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath().toString();
    SudoSandbox s = new SudoSandbox(java, sudo, python);
    try {
      s.build(jar);
    } catch (IOException | RuntimeException | Error e) {
      try {
        s.close();
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return s;
  }

  /** The one sudoers rule: the caller may run the jar in root mode with {@code --json}, nothing else. */
  String sudoersRule() {
    return DEV.name() + " ALL=(root) NOPASSWD: " + java + " -jar " + JAR + " --mode root --json *";
  }

  AuditListener audit() {
    return audit;
  }

  /**
   * The directories this test JVM still reads from while the sandbox stands: its own build (test
   * classes load lazily, from the module's target/), its JDK and the local Maven repository. A
   * tmpfs mounted over one of them would hide it from the rest of the run — and the build may live
   * anywhere, {@code /tmp} or {@code /home} included.
   */
  private static List<Path> inUse() {
    return List.of(Path.of("").toAbsolutePath().normalize(), Path.of(System.getProperty("java.home")).normalize(),
        Path.of(System.getProperty("user.home"), ".m2").normalize());
  }

  /**
   * Handles (O_PATH) on the directories in use, opened before anything is covered: after a tmpfs
   * covers one, it is bound back at its own path from its handle, which still reaches it
   * ({@code mount --bind /proc/self/fd/N}).
   */
  private final java.util.Map<Path, org.fcproc.host.Handle> kept = new java.util.LinkedHashMap<>();
  private final org.fcproc.host.HostOps kernel = org.fcproc.linux.LinuxHost.create();

  private void keepWhatIsInUse() throws IOException {
    for (Path p : inUse()) {
      if (Files.isDirectory(p)) {
        try {
          kept.put(p, kernel.open(p.toString(), org.fcproc.host.OpenHow.directoryNoFollow()));
        } catch (org.fcproc.host.HostException e) {
          throw new IOException("open " + p, e);
        }
      }
    }
  }

  /** A fresh tmpfs at {@code where}, with every directory in use beneath it bound back in place. */
  private void cover(String where, String options, boolean first) throws IOException {
    if (first) {
      tmpfs(where, options);
    } else {
      remount(where, options);
    }
    for (var e : kept.entrySet()) {
      if (e.getKey().startsWith(Path.of(where))) {
        Files.createDirectories(e.getKey());
        try (org.fcproc.host.Handle target = kernel.open(e.getKey().toString(), org.fcproc.host.OpenHow.directoryNoFollow())) {
          kernel.bindMount(e.getValue(), target, true);
        } catch (org.fcproc.host.HostException x) {
          throw new IOException("bind " + e.getKey() + " back under the tmpfs at " + where, x);
        }
      }
    }
  }

  private void build(Path jar) throws IOException {
    keepWhatIsInUse();
    cover("/run", "mode=0755,nosuid,nodev,size=64m", true);
    cover("/tmp", "mode=1777,nosuid,nodev,size=256m", true);
    cover("/opt", "mode=0755,nosuid,nodev,size=128m", true);
    cover("/srv", "mode=0755,size=64m", true);
    cover("/home", "mode=0755,nosuid,nodev,size=16m", true);

    // /etc: a copy with the two users, the one sudoers rule and the policy, bound over the real one.
    Root.dir(ETC_COPY_PARENT, 0, 0, "rwx------");
    Files.createDirectories(ETC_COPY);
    tmpfs(ETC_COPY.toString(), "mode=0755,size=64m");
    Root.must("cp", "-a", "/etc/.", ETC_COPY + "/");
    Root.own(ETC_COPY, 0, 0, "rwxr-xr-x");
    for (User u : List.of(DEV, OTHER)) {
      append(ETC_COPY.resolve("passwd"), u.name() + ":x:" + u.uid() + ":" + u.gid() + ":fcproc sudo-mode test user:" + u.home() + ":/bin/sh");
      append(ETC_COPY.resolve("group"), u.name() + ":x:" + u.gid() + ":");
      append(ETC_COPY.resolve("shadow"), u.name() + ":*:19000:0:99999:7:::");
    }
    Root.file(ETC_COPY.resolve("sudoers"), "# the one right the sudo-mode caller has (fcproc's documented rule)\n"
        + sudoersRule() + "\n", 0, 0, "r--r-----");
    Root.must("mount", "--bind", ETC_COPY.toString(), "/etc");
    mounts.push("/etc");
    Root.must("visudo", "-c", "-f", "/etc/sudoers");

    // The installed jar, and the fake firecracker's classes for the caller's own processes.
    Root.dir(INSTALL, 0, 0, "rwxr-xr-x");
    Files.copy(jar, JAR);
    Root.own(JAR, 0, 0, "rw-r--r--");
    Path fake = Path.of(org.fcproc.linux.cli.FakeFirecracker.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    Path pkg = Path.of("org/fcproc/linux/cli");
    Root.dir(CLASSES, 0, 0, "rwxr-xr-x");
    Path into = CLASSES;
    for (Path part : pkg) {
      into = Root.dir(into.resolve(part.toString()), 0, 0, "rwxr-xr-x");
    }
    try (Stream<Path> classes = Files.list(fake.resolve(pkg))) {
      for (Path c : classes.filter(p -> p.getFileName().toString().startsWith("FakeFirecracker")).toList()) {
        Path copy = into.resolve(c.getFileName().toString());
        Files.copy(c, copy);
        Root.own(copy, 0, 0, "rw-r--r--");
      }
    }

    Root.dir(AUDIT_SOCKET.getParent(), 0, 0, "rwxr-xr-x");
    audit = AuditListener.start(python, AUDIT_SOCKET);
    reset();
  }

  /**
   * Puts everything a test may change back as it was: fresh {@code /srv} and {@code /home}
   * (every mount a test left under them goes too), an empty socket directory, no links but
   * {@code lo}, the default policy with safe owners and modes, and the audit lines read so far
   * dropped.
   */
  void reset() throws IOException {
    cover("/srv", "mode=0755,size=64m", false);
    cover("/home", "mode=0755,nosuid,nodev,size=16m", false);
    Root.dir(SOCKET_DIR, 0, 0, "rwx--x--x");
    try (Stream<Path> left = Files.list(SOCKET_DIR)) {
      for (Path p : left.toList()) {
        Files.delete(p);
      }
    }
    for (String link : Network.links()) {
      if (!link.equals("lo")) {
        Root.must("ip", "link", "del", link);
      }
    }
    Root.dir(POLICY_DIR, 0, 0, "rwxr-xr-x");
    writePolicy(POLICY_TEXT);

    Root.dir(DEV.home(), DEV.uid(), DEV.gid(), "rwxr-xr-x");
    Path other = Root.dir(OTHER.home(), OTHER.uid(), OTHER.gid(), "rwx------");
    Root.dir(other.resolve(".ssh"), OTHER.uid(), OTHER.gid(), "rwx------");
    Root.file(other.resolve(".ssh/authorized_keys"), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIfcother fcother@victim\n",
        OTHER.uid(), OTHER.gid(), "rw-------");
    Root.file(other.resolve("notes.txt"), "fcother's own notes\n", OTHER.uid(), OTHER.gid(), "rw-r--r--");

    // The jail base as staging leaves it (root, 0711), so that nothing but an attack changes it.
    Root.dir(JAIL_BASE.getParent(), 0, 0, "rwx--x--x");
    Root.dir(JAIL_BASE, 0, 0, "rwx--x--x");
    Root.dir(IMAGES.getParent(), 0, 0, "rwxr-xr-x");
    Root.dir(IMAGES, DEV.uid(), DEV.gid(), "rwxr-xr-x");
    Root.file(KERNEL, "fcdev's kernel image\n", DEV.uid(), DEV.gid(), "rw-r--r--");
    Root.file(INITRD, "fcdev's initrd\n", DEV.uid(), DEV.gid(), "rw-r--r--");
    Root.file(ROOTFS, "fcdev's root file system\n", DEV.uid(), DEV.gid(), "rw-------");
    Root.dir(FIRECRACKER.getParent(), DEV.uid(), DEV.gid(), "rwxr-xr-x");
    Root.file(FIRECRACKER, "#!/bin/sh\n# fcdev's firecracker\n", DEV.uid(), DEV.gid(), "rwxr-xr-x");

    Root.dir(SECRET, 0, 0, "rwxr-xr-x");
    for (String name : List.of("vmlinux", "initrd.img", "rootfs.ext4", "firecracker")) {
      Root.file(SECRET.resolve(name), "root-only " + name + ": the caller must never read this\n", 0, 0, "rw-------");
    }
    Root.file(SECRET_TOKEN, "SECRET-TOKEN-7f3a9c-root-only\n", 0, 0, "rw-------");
    // A block device node only root may open (major 7 = loop; minor 250 is not set up here).
    Root.must("mknod", "-m", "0600", SECRET_BLOCK.toString(), "b", "7", "250");

    audit.takeUntilMark(); // lines of an earlier test are not this test's
  }

  void writePolicy(String text) throws IOException {
    Root.file(POLICY, text, 0, 0, "rw-r--r--");
  }

  /** A directory tree owned by {@link #OTHER}, with a file: what an attack must leave alone. */
  static Path victimTree(Path dir) throws IOException {
    Path d = dir;
    List<Path> chain = new ArrayList<>();
    while (!Root.exists(d)) {
      chain.add(0, d);
      d = d.getParent();
    }
    for (Path p : chain) {
      Root.dir(p, OTHER.uid(), OTHER.gid(), "rwxr-xr-x");
    }
    Root.file(dir.resolve("victim-data"), "fcother's data in " + dir + "\n", OTHER.uid(), OTHER.gid(), "rw-r--r--");
    return dir;
  }

  private void tmpfs(String where, String options) {
    Root.must("mount", "-t", "tmpfs", "-o", options, "fcproc-sudo-it", where);
    mounts.push(where);
  }

  private static void remount(String where, String options) {
    Root.must("umount", "-l", where); // with every mount under it
    Root.must("mount", "-t", "tmpfs", "-o", options, "fcproc-sudo-it", where);
  }

  private static void append(Path file, String line) throws IOException {
    Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  /** Stops the audit listener and detaches every mount made, newest first (and what is under each). */
  @Override
  public void close() throws IOException {
    List<String> problems = new ArrayList<>();
    if (audit != null) {
      audit.close();
      audit = null;
    }
    for (String m : Network.links()) {
      if (!m.equals("lo")) {
        Root.run("ip", "link", "del", m);
      }
    }
    while (!mounts.isEmpty()) {
      String m = mounts.pop();
      Root.Result r = Root.run("umount", "-l", m);
      if (!r.ok()) {
        problems.add(m + ": " + r.output().strip());
      }
    }
    kept.values().forEach(org.fcproc.host.Handle::close);
    kept.clear();
    if (!problems.isEmpty()) {
      throw new IOException("could not detach " + problems);
    }
  }
}
