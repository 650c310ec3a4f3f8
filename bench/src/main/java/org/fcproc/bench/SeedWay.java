package org.fcproc.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import org.fcproc.ChrootDriveSpec;
import org.fcproc.ChrootSpec;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.OpenHow;
import org.fcproc.host.UmountFlag;
import org.fcproc.linux.LinuxHost;

/**
 * The baseline: the seed's (the Go package fcproc ports) {@code PrepareJailerChroot},
 * {@code CleanupJailerChroot} and {@code ensureSocketAccessFor} as root, transcribed step by step.
 * Every command the seed runs through its {@code Runner} is run here through
 * {@link ProcessBuilder} with the same argv, in the same order; what the seed does in-process
 * ({@code os.Lstat}, {@code os.Stat}, {@code filepath.EvalSymlinks}, {@code os.Readlink}, and as
 * root {@code unix.Unmount(MNT_DETACH|UMOUNT_NOFOLLOW)}, the socket's {@code O_PATH} open, fstat,
 * chmod and fchownat) is done in-process here too.
 */
public final class SeedWay {
  private static final List<String> LIBRARY_DIRS = List.of("/usr/lib", "/usr/lib64", "/lib", "/lib64");
  private static final File DEV_NULL = new File("/dev/null");

  private final LinuxHost host;
  /** Commands run so far (for the report: how many processes one VM costs). */
  private long commands;

  public SeedWay(LinuxHost host) {
    this.host = host;
  }

  public long commands() {
    return commands;
  }

  /** The seed's {@code Runner.Run}: the command's combined output; a non-zero exit is an error. */
  private String run(String... argv) throws IOException {
    commands++;
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    int code;
    try {
      code = p.waitFor();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", argv), e);
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (code != 0) {
      throw new IOException(String.join(" ", argv) + ": exit " + code + ": " + text.strip());
    }
    return text;
  }

  private static String parent(String p) {
    return p.substring(0, p.lastIndexOf('/'));
  }

  private static String base(String p) {
    return p.substring(p.lastIndexOf('/') + 1);
  }

  private void chown(String target, int uid, int gid) throws IOException {
    run("chown", uid + ":" + gid, target);
  }

  /** {@code PrepareJailerChroot}, root mode (the seed's {@code m.sudo} runs the command directly). */
  public void prepare(ChrootSpec s) throws IOException {
    String root = s.chrootRoot();
    int uid = s.uid();
    int gid = s.gid();
    run("mkdir", "-p", root);
    run("chmod", "0700", root);
    chown(root, uid, gid);
    String vmDir = parent(root);
    chown(vmDir, uid, gid);
    String fcBaseDir = parent(vmDir);
    run("chmod", "0711", fcBaseDir);
    String jailBaseDir = parent(fcBaseDir);
    run("chmod", "0711", jailBaseDir);
    linkInto(root, s.kernelHostPath(), s.kernelName(), uid, gid);
    if (!s.initrdHostPath().isBlank()) {
      linkInto(root, s.initrdHostPath(), s.initrdName(), uid, gid);
    }
    for (ChrootDriveSpec d : s.drives()) {
      FileStat st = stat(d.hostPath()); // os.Stat
      if (st.is(FileType.BLOCK_DEVICE) || st.is(FileType.CHAR_DEVICE)) {
        String target = root + "/" + d.chrootName();
        run("mknod", "-m", "0660", target, "b", Integer.toString(st.rdev().major()), Integer.toString(st.rdev().minor()));
        chown(target, uid, gid);
      } else {
        linkInto(root, d.hostPath(), d.chrootName(), uid, gid);
      }
    }
    if (s.wantVsock()) {
      String devDir = root + "/dev";
      run("mkdir", "-p", devDir);
      chown(devDir, uid, gid);
      FileStat st = stat("/dev/vhost-vsock");
      String target = root + "/dev/vhost-vsock";
      run("mknod", "-m", "0660", target, "c", Integer.toString(st.rdev().major()), Integer.toString(st.rdev().minor()));
      chown(target, uid, gid);
    }
    String chrootFc = root + "/" + base(s.firecrackerHostPath());
    run("cp", "-f", s.firecrackerHostPath(), chrootFc);
    run("chmod", "0755", chrootFc);
    chown(chrootFc, uid, gid);
    run("mount", "--bind", root, root);
    run("mount", "-o", "remount,bind,suid", root, root);
    run("mount", "--make-private", root);
    run("install", "-d", "-m", "0755", root + "/usr");
    for (String libDir : LIBRARY_DIRS) {
      BasicFileAttributes info;
      try {
        info = Files.readAttributes(Path.of(libDir), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS); // os.Lstat
      } catch (IOException e) {
        continue;
      }
      String target = root + libDir;
      if (info.isSymbolicLink()) {
        String link = Files.readSymbolicLink(Path.of(libDir)).toString(); // os.Readlink
        run("ln", "-sfn", link, target);
        continue;
      }
      if (!info.isDirectory()) {
        continue;
      }
      run("mkdir", "-p", target);
      run("mount", "--bind", libDir, target);
      run("mount", "-o", "remount,bind,ro", target);
    }
  }

  private void linkInto(String root, String source, String name, int uid, int gid) throws IOException {
    String target = root + "/" + name;
    run("ln", "-f", source, target);
    chown(target, uid, gid);
  }

  private FileStat stat(String path) throws IOException {
    return host.stat(path);
  }

  /** {@code CleanupJailerChroot}, root mode. */
  public void cleanup(String chrootRoot) throws IOException {
    if (chrootRoot.isBlank()) {
      return;
    }
    BasicFileAttributes info;
    try {
      info = Files.readAttributes(Path.of(chrootRoot), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (java.nio.file.NoSuchFileException e) {
      return;
    }
    if (info.isSymbolicLink()) {
      throw new IOException("refusing to clean up \"" + chrootRoot + "\": path is a symlink");
    }
    if (!info.isDirectory()) {
      throw new IOException("refusing to clean up \"" + chrootRoot + "\": not a directory");
    }
    String resolved = Path.of(chrootRoot).toRealPath().toString(); // filepath.EvalSymlinks
    if (!resolved.equals(Path.of(chrootRoot).normalize().toString())) {
      throw new IOException("refusing to clean up \"" + chrootRoot + "\": resolves to \"" + resolved + "\" via symlink");
    }
    List<String> mounts = mountsUnder(chrootRoot);
    mounts.sort(Comparator.comparingLong((String m) -> m.chars().filter(c -> c == '/').count()).reversed());
    for (String mt : mounts) {
      try {
        host.umount2(mt, EnumSet.of(UmountFlag.DETACH, UmountFlag.NOFOLLOW)); // unix.Unmount as root
      } catch (HostException e) {
        if (!e.is(Errno.ENOENT) && !e.is(Errno.EINVAL)) {
          throw new IOException("detach \"" + mt + "\": " + e.getMessage(), e);
        }
      }
    }
    List<String> remaining = mountsUnder(chrootRoot);
    if (!remaining.isEmpty()) {
      throw new IOException("refusing to rm -rf \"" + chrootRoot + "\": still has " + remaining.size() + " mount(s): " + remaining);
    }
    run("rm", "-rf", "--", chrootRoot);
  }

  /** {@code mountsUnder}: findmnt's text, one target a line. */
  private List<String> mountsUnder(String chrootRoot) throws IOException {
    String out = run("findmnt", "--output", "TARGET", "--list", "--noheadings");
    List<String> mounts = new ArrayList<>();
    String prefix = chrootRoot + "/";
    for (String line : out.split("\n", -1)) {
      String t = line.strip();
      if (t.equals(chrootRoot) || t.startsWith(prefix)) {
        mounts.add(t);
      }
    }
    return mounts;
  }

  /**
   * {@code ensureSocketAccessFor} as root: {@code pollPath} ({@code os.Stat} every
   * {@code interval}), then {@code chownChmodNoFollow}: {@code O_PATH|O_NOFOLLOW}, fstat must say
   * socket, chmod 0600, {@code fchownat(AT_EMPTY_PATH)}. (The seed's chmod goes through
   * {@code /proc/self/fd/N}; the SPI's handle chmod is {@code fchmodat2} on this kernel — the same
   * inode, one syscall either way.)
   */
  public void ensureSocketAccessFor(String path, int uid, int gid, Duration timeout, Duration interval)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        host.stat(path);
        break;
      } catch (HostException e) {
        if (!e.is(Errno.ENOENT)) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("firecracker socket not ready: " + path);
      }
      Thread.sleep(interval.toMillis());
    }
    try (Handle h = host.open(path, OpenHow.pathNoFollow())) {
      FileStat st = host.fstat(h);
      if (!st.is(FileType.SOCKET)) {
        throw new IOException(path + " is not a unix socket");
      }
      host.fchmod(h, 0600);
      host.fchown(h, uid, gid);
    }
  }

  /** The seed's {@code CreateTapOwned}: {@code ip link show}, (del), {@code ip tuntap add},
   *  master, up, bridge up — five processes when no TAP of that name exists. */
  public void createTapOwned(String tap, String bridge, int uid, int gid) throws IOException {
    boolean exists;
    try {
      run("ip", "link", "show", tap);
      exists = true;
    } catch (IOException e) {
      exists = false;
    }
    if (exists) {
      try {
        run("ip", "link", "del", tap);
      } catch (IOException ignored) {
        // as in the seed: the error is dropped
      }
    }
    run("ip", "tuntap", "add", "dev", tap, "mode", "tap", "user", Integer.toString(uid), "group", Integer.toString(gid));
    run("ip", "link", "set", tap, "master", bridge);
    run("ip", "link", "set", tap, "up");
    run("ip", "link", "set", bridge, "up");
  }
}
