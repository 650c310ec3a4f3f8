package org.fcproc.linux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code socket-dir ensure} and {@code socket chown} on the kernel, with every guard of the hand-off. */
class CliSocketIT {
  private Kernel.Scratch scratch;
  private final List<ServerSocketChannel> servers = new ArrayList<>();

  /** Where the VM's sockets are: in a jailer chroot, the only place (besides the runtime
   *  directory) fcproc hands a socket off. */
  private Path run;

  @BeforeEach
  void setUp() throws IOException {
    scratch = new Kernel.Scratch();
    run = java.nio.file.Files.createDirectories(scratch.path("jail/firecracker/vm1/root/run"));
  }

  @AfterEach
  void tearDown() throws IOException {
    for (ServerSocketChannel s : servers) {
      s.close();
    }
    if (scratch != null) {
      scratch.close();
    }
  }

  private Path socket(String name) throws IOException {
    Path p = run.resolve(name);
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    servers.add(s);
    s.bind(UnixDomainSocketAddress.of(p));
    return p;
  }

  private static int uid(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }

  private static int gid(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void socketDirEnsure() throws IOException {
    Path dir = scratch.path("run/fcproc");
    Jar.Run r = Jar.run("socket-dir", "ensure", "--runtime-dir", dir.toString(), "--json").expect(0);
    assertThat(r.json()).isEqualTo(Map.of("command", "socket-dir ensure", "ok", true, "runtime_dir", dir.toString(), "mode", "0711"));
    assertThat(mode(dir)).isEqualTo("rwx--x--x");

    // Set even if it existed; --mode root as root works; --mode sudo as root takes the helper's
    // path, but this step needs no privilege: the directory is made by this process, whose
    // effective uid is 0, so the seed's rule gives 0711 (0700 is for a caller that is not root).
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    Jar.run("--mode", "root", "socket-dir", "ensure", "--runtime-dir", dir.toString()).expect(0);
    assertThat(mode(dir)).isEqualTo("rwx--x--x");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThat(Jar.run("--mode", "sudo", "socket-dir", "ensure", "--runtime-dir", dir.toString()).expect(0).out())
        .contains("mode 0711");
    assertThat(mode(dir)).isEqualTo("rwx--x--x");

    // From a config file.
    Path other = scratch.path("run/other");
    Path conf = scratch.path("fcproc.conf");
    Files.writeString(conf, "runtime_dir = " + other + "\n");
    Jar.run("socket-dir", "ensure", "--config", conf.toString()).expect(0);
    assertThat(Files.isDirectory(other)).isTrue();
  }

  /**
   * As an unprivileged user (nobody, through {@code setpriv}): {@code --mode root} is an error,
   * and auto mode is sudo mode (0700; this step needs no sudo call).
   */
  @Test
  void notRoot() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv(1) not installed");
    List<String> nobody = List.of("/usr/bin/setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups");
    Path open = Files.createDirectories(scratch.path("nobody"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path dir = open.resolve("run");

    Jar.Run r = Jar.runWith(nobody, Map.of(), "--mode", "root", "--json", "socket-dir", "ensure", "--runtime-dir", dir.toString())
        .expect(1);
    assertThat(r.error()).containsEntry("kind", "mode");
    assertThat((String) r.error().get("message")).contains("--mode root: not running as root (effective uid 65534)");
    assertThat(Jar.exists(dir)).isFalse();

    Jar.Run auto = Jar.runWith(nobody, Map.of(), "--json", "socket-dir", "ensure", "--runtime-dir", dir.toString()).expect(0);
    assertThat(auto.json()).containsEntry("mode", "0700");
    assertThat(uid(dir)).isEqualTo(65534);
    assertThat(mode(dir)).isEqualTo("rwx------");
  }

  @Test
  void socketDirThroughASymlinkIsRefused() throws IOException {
    Path target = Files.createDirectories(scratch.path("elsewhere"));
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(scratch.path("run"), target);
    Jar.Run r = Jar.run("--json", "socket-dir", "ensure", "--runtime-dir", scratch.path("run").toString()).expect(3);
    assertThat(r.error()).containsEntry("kind", "refused").containsKeys("path", "reason", "message");
    assertThat(mode(target)).isEqualTo("rwxr-xr-x");
    Jar.run("socket-dir", "ensure", "--runtime-dir", "relative/dir").expect(2);
  }

  @Test
  void socketChownHandsTheSocketOver() throws IOException {
    Path api = socket("api.sock");
    Jar.Run r = Jar.run("socket", "chown", api.toString(), "--uid", "4242", "--gid", "4343", "--json").expect(0);
    assertThat(r.json()).containsEntry("command", "socket chown").containsEntry("ok", true)
        .containsEntry("paths", List.of(api.toString())).containsEntry("uid", 4242L).containsEntry("gid", 4343L);
    assertThat(uid(api)).isEqualTo(4242);
    assertThat(gid(api)).isEqualTo(4343);
    assertThat(mode(api)).isEqualTo("rw-------");

    // Without --uid/--gid: the caller's (root here).
    Jar.run("socket", "chown", api.toString()).expect(0);
    assertThat(uid(api)).isZero();
  }

  @Test
  void socketChownAsync() throws IOException {
    Path api = socket("api.sock");
    Path vsock = socket("vsock.sock");
    Jar.run("socket", "chown", api.toString(), vsock.toString(), "--uid", "4242", "--gid", "4242", "--async").expect(0);
    assertThat(uid(api)).isEqualTo(4242);
    assertThat(uid(vsock)).isEqualTo(4242);

    Jar.Run late = Jar.run("--json", "socket", "chown", api.toString(), run.resolve("never.sock").toString(),
        "--async", "--timeout", "300ms", "--uid", "1", "--gid", "1").expect(1);
    assertThat(late.error()).containsEntry("kind", "not-ready").containsEntry("path", run.resolve("never.sock").toString());
  }

  @Test
  void socketChownWaitsUntilTheTimeout() throws IOException {
    Path missing = run.resolve("missing.sock");
    long t0 = System.nanoTime();
    Jar.Run r = Jar.run("--json", "socket", "chown", missing.toString(), "--timeout", "500ms").expect(1);
    assertThat(r.error()).containsEntry("kind", "not-ready");
    assertThat((String) r.error().get("message")).contains("not ready", missing.toString());
    assertThat(System.nanoTime() - t0).isGreaterThan(500_000_000L);
  }

  @Test
  void socketChownRefusesASymlink() throws IOException {
    Path real = socket("real.sock");
    Path link = Files.createSymbolicLink(run.resolve("api.sock"), real);
    refused(link, "symlink");
    assertThat(uid(real)).isZero();
    assertThat(mode(real)).isNotEqualTo("rw-------");
  }

  @Test
  void socketChownRefusesARegularFile() throws IOException {
    Path file = Files.writeString(run.resolve("api.sock"), "secret");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    refused(file, "regular file");
    assertThat(uid(file)).isZero();
    assertThat(mode(file)).isEqualTo("rw-r--r--");
  }

  @Test
  void socketChownRefusesAFifo() throws Exception {
    Path fifo = run.resolve("api.sock");
    assertThat(Jar.sh("mkfifo", "-m", "0644", fifo.toString())).startsWith("exit 0");
    refused(fifo, "FIFO");
    assertThat(uid(fifo)).isZero();
    assertThat(mode(fifo)).isEqualTo("rw-r--r--");
  }

  @Test
  void socketChownRefusesASocketWithTwoHardLinks() throws IOException {
    Path other = socket("other.sock");
    Path link = Files.createLink(run.resolve("api.sock"), other);
    refused(link, "2 hard links");
    assertThat(uid(other)).isZero();
  }

  private void refused(Path path, String why) {
    for (String mode : new String[] {"sync", "async"}) {
      Jar.Run r = mode.equals("sync")
          ? Jar.run("--json", "socket", "chown", path.toString(), "--uid", "4242", "--gid", "4242")
          : Jar.run("--json", "socket", "chown", path.toString(), "--uid", "4242", "--gid", "4242", "--async");
      r.expect(3);
      assertThat(r.error()).containsEntry("kind", "refused").containsEntry("path", path.toString());
      assertThat((String) r.error().get("reason")).contains(why);
      assertThat(r.err()).startsWith("fcproc: refusing to hand off socket \"" + path + "\"");
    }
  }
}
