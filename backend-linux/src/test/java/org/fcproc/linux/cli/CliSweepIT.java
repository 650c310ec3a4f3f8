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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code fcproc sweep} on a tmpfs inside the test JVM's throwaway mount namespace: a chroot staged
 * by {@code jail prepare} and never started is an orphan; {@code --dry-run} lists it and changes
 * nothing, the sweep reclaims it (mounts detached, directory gone), and a second sweep finds
 * nothing. A VM a live process names, and a socket with a listener, are left alone.
 */
class CliSweepIT {
  private Kernel.Scratch scratch;
  private Path kernel;
  private Path firecracker;
  private Path base;
  private Path runtime;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    scratch = new Kernel.Scratch();
    Path images = Files.createDirectories(scratch.path("images"));
    kernel = file(images.resolve("vmlinux"), "kernel image", "rw-r--r--");
    firecracker = file(Files.createDirectories(scratch.path("bin")).resolve("firecracker"), "#!/bin/sh\n", "rwxr-xr-x");
    base = scratch.path("jail/firecracker");
    runtime = Files.createDirectories(scratch.path("run"));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    if (scratch != null) {
      scratch.close();
    }
  }

  private static Path file(Path p, String content, String mode) throws IOException {
    Files.writeString(p, content);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    return p;
  }

  private Path stage(String vm) {
    Path root = base.resolve(vm).resolve("root");
    Jar.run("jail", "prepare", "--chroot", root.toString(), "--uid", "4242", "--gid", "4242",
        "--firecracker", firecracker.toString(), "--kernel", kernel.toString()).expect(0);
    return root;
  }

  private Jar.Run sweep(int exit, String... extra) {
    List<String> a = new ArrayList<>(List.of("sweep", "--json", "--firecracker-base", base.toString(),
        "--runtime-dir", runtime.toString()));
    a.addAll(List.of(extra));
    return Jar.run(a.toArray(String[]::new)).expect(exit);
  }

  /** A unix socket at {@code path}; listening while the returned channel is open. */
  private ServerSocketChannel socket(Path path) throws IOException {
    ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    ch.bind(UnixDomainSocketAddress.of(path));
    return ch;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> json, String key) {
    return (List<Map<String, Object>>) json.get(key);
  }

  private static List<Object> paths(Map<String, Object> json, String key) {
    return list(json, key).stream().map(m -> m.get("path")).toList();
  }

  @Test
  void dryRunThenSweepThenNothing() throws Exception {
    Path root = stage("vm1");
    List<String> mounts = Kernel.mountsUnder(scratch.path("jail"));
    assertThat(mounts).contains(root.toString());
    Path stale = runtime.resolve("vm1.sock");
    socket(stale).close(); // bound, then nobody listens
    Path live = runtime.resolve("live.sock");
    toClose.add(socket(live));

    Map<String, Object> dry = sweep(0, "--dry-run").json();
    assertThat(dry).containsEntry("command", "sweep").containsEntry("ok", true).containsEntry("dry_run", true)
        .containsEntry("firecracker_base", base.toString()).containsEntry("runtime_dir", runtime.toString());
    assertThat(paths(dry, "reclaimed")).contains(base.resolve("vm1").toString(), root.toString(), stale.toString());
    assertThat(list(dry, "reclaimed")).anySatisfy(i -> assertThat(i).containsEntry("kind", "vm")
        .containsEntry("path", base.resolve("vm1").toString()));
    assertThat(list(dry, "reclaimed")).allSatisfy(i -> assertThat((String) i.get("reason")).startsWith("would be"));
    assertThat(paths(dry, "alive")).containsExactly(live.toString());
    assertThat(list(dry, "refused")).isEmpty();
    assertThat(list(dry, "failed")).isEmpty();
    // nothing changed
    assertThat(Kernel.mountsUnder(scratch.path("jail"))).isEqualTo(mounts);
    assertThat(Files.exists(root.resolve("firecracker"))).isTrue();
    assertThat(Files.exists(stale, LinkOption.NOFOLLOW_LINKS)).isTrue();

    Map<String, Object> real = sweep(0).json();
    assertThat(real).containsEntry("ok", true).containsEntry("dry_run", false);
    assertThat(paths(real, "reclaimed")).containsExactlyInAnyOrderElementsOf(paths(dry, "reclaimed"));
    assertThat(Kernel.mountsUnder(scratch.path("jail"))).isEmpty();
    assertThat(Jar.exists(base.resolve("vm1"))).isFalse();
    assertThat(Files.exists(stale, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.exists(live, LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(Files.readString(kernel)).isEqualTo("kernel image");
    assertThat(Files.getAttribute(kernel, "unix:nlink")).isEqualTo(1);
    assertThat(Files.isDirectory(base)).isTrue();

    Map<String, Object> again = sweep(0).json();
    assertThat(list(again, "reclaimed")).isEmpty();
    assertThat(list(again, "refused")).isEmpty();
    assertThat(paths(again, "alive")).containsExactly(live.toString());
  }

  @Test
  void aVmALiveProcessNamesIsLeftAlone() throws Exception {
    Path root = stage("vm2");
    Process p = new ProcessBuilder("/bin/sh", "-c", "sleep 60; exit 0", root.toString()).start();
    try {
      Map<String, Object> r = sweep(0).json();
      assertThat(list(r, "alive")).singleElement().satisfies(i -> {
        assertThat(i).containsEntry("kind", "vm").containsEntry("path", base.resolve("vm2").toString());
        assertThat((String) i.get("reason")).contains("pid " + p.pid());
      });
      assertThat(list(r, "reclaimed")).isEmpty();
      assertThat(Kernel.mountLine(root)).isNotNull();
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    Map<String, Object> after = sweep(0).json();
    assertThat(paths(after, "reclaimed")).contains(base.resolve("vm2").toString());
    assertThat(Kernel.mountsUnder(scratch.path("jail"))).isEmpty();
  }

  @Test
  void somethingNotAVmIsRefusedWithExit3() throws Exception {
    Path victim = Files.createDirectories(scratch.path("victim"));
    Files.writeString(victim.resolve("secret"), "host data");
    Files.createDirectories(base);
    Files.createSymbolicLink(base.resolve("evil"), victim);
    Jar.Run r = sweep(3);
    assertThat(r.json()).containsEntry("ok", false).containsEntry("exit", 3L);
    assertThat(list(r.json(), "refused")).singleElement().satisfies(i ->
        assertThat(i).containsEntry("path", base.resolve("evil").toString()));
    assertThat(r.err()).contains("fcproc: sweep: a guard refused 1 item(s)");
    assertThat(Files.readString(victim.resolve("secret"))).isEqualTo("host data");
    assertThat(Files.isSymbolicLink(base.resolve("evil"))).isTrue();
  }
}
