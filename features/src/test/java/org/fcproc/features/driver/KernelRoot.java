package org.fcproc.features.driver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.fcproc.host.FileStat;
import org.fcproc.host.HostException;
import org.fcproc.host.UmountFlag;
import org.fcproc.linux.LinuxHost;

/**
 * The private root filesystem the kernel scenarios run in, as built by the Surefire wrapper
 * {@code features/src/test/kernel-root/bin/java} (+ {@code enter-root}): a tmpfs as {@code /},
 * inside throwaway mount, network and pid namespaces, chrooted into. This class says whether
 * this JVM really is in such a root ({@link #whyNot()}: nothing may be touched otherwise), and
 * puts the root back to its pristine state between scenarios ({@link #reset}).
 *
 * <p>The wrapper's own area is {@code /.fcproc-root}: the marker file, the real {@code /usr}
 * bound read-only ({@code lower-usr}, the lower layer of every {@code /usr} overlay), the
 * overlays' upper layers, and pristine copies of {@code /etc} and {@code /dev}. It is not
 * scenario state and is never walked.
 */
final class KernelRoot {
  static final Path AREA = Path.of("/.fcproc-root");
  static final Path LOWER_USR = AREA.resolve("lower-usr");

  /** Top-level names of the root that a reset keeps. */
  private static final Set<String> KEPT = Set.of("bin", "sbin", "lib", "lib64", "usr", "proc", "sys", ".fcproc-root");

  private static int overlays;
  private static Set<Integer> baseMountIds;
  private static String overlayDev;

  private KernelRoot() {}

  /** Why this JVM is not in a private kernel root (and so must not touch anything), or empty. */
  static Optional<String> whyNot() {
    String unavailable = System.getenv("FCPROC_KERNEL_ROOT_UNAVAILABLE");
    if (unavailable != null) {
      return Optional.of(unavailable);
    }
    String token = System.getenv("FCPROC_KERNEL_ROOT");
    if (token == null || token.isEmpty()) {
      return Optional.of("not started by the kernel-root wrapper (FCPROC_KERNEL_ROOT unset)");
    }
    if (!System.getProperty("os.name", "").equals("Linux")) {
      return Optional.of("not Linux");
    }
    try {
      String marker = Files.readString(AREA.resolve("marker"), StandardCharsets.UTF_8).strip();
      if (!marker.equals(token)) {
        return Optional.of("/.fcproc-root/marker says " + marker + ", not " + token);
      }
      for (String ns : new String[] {"mnt", "net", "pid"}) {
        String self = Files.readSymbolicLink(Path.of("/proc/self/ns/" + ns)).toString();
        String outer = System.getenv("FCPROC_OUTER_" + ns.toUpperCase(Locale.ROOT) + "_NS");
        if (outer == null || outer.isEmpty()) {
          return Optional.of("the wrapper did not record the machine's " + ns + " namespace");
        }
        if (self.equals(outer)) {
          return Optional.of("still in the machine's " + ns + " namespace (" + self + "): refusing to touch it");
        }
      }
      String inner = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString();
      if (!inner.equals(System.getenv("FCPROC_INNER_MNT_NS"))) {
        return Optional.of("not in the mount namespace the wrapper built the root in");
      }
    } catch (IOException e) {
      return Optional.of("cannot check the root: " + e);
    }
    KernelMounts.Entry slash = KernelMounts.read().stream().filter(m -> m.mountPoint().equals("/"))
        .min(Comparator.comparingInt(KernelMounts.Entry::id)).orElse(null);
    if (slash == null || !slash.fstype().equals("tmpfs") || !slash.source().equals("fcproc-root")) {
      return Optional.of("/ is not the wrapper's tmpfs: " + slash);
    }
    Optional<String> cause = LinuxHost.unavailabilityCause();
    if (cause.isPresent()) {
      return Optional.of("linux backend unavailable: " + cause.get());
    }
    if (!LinuxHost.create().credentials().isRoot()) {
      return Optional.of("not root");
    }
    return Optional.empty();
  }

  /** The mount points the wrapper made (besides {@code /usr}): never detached, never walked into. */
  static List<String> baseMountPoints() {
    String env = System.getenv().getOrDefault("FCPROC_KERNEL_ROOT_BASE_MOUNTS", "/ /proc /sys");
    List<String> out = new ArrayList<>();
    for (String p : env.trim().split(" +")) {
      if (!p.equals("/usr")) {
        out.add(p);
      }
    }
    return out;
  }

  /** The device ({@code major:minor}) of the current {@code /usr} overlay. */
  static synchronized String overlayDev() {
    return overlayDev;
  }

  /** The upper layer of the current {@code /usr} overlay: what the scenario changed in /usr. */
  static synchronized Path overlayUpper() {
    return AREA.resolve("usr-" + overlays).resolve("upper");
  }

  /**
   * Puts the root back as the wrapper built it: every mount the last scenario made detached, a
   * fresh {@code /usr} overlay, every network link but {@code lo} deleted, and every scenario
   * tree ({@code /etc}, {@code /dev}, {@code /srv}, {@code /run}, {@code /var}, {@code /tmp},
   * {@code /root}, ...) removed — never crossing a mount — and {@code /etc}, {@code /dev},
   * {@code /tmp} restored from the pristine copies. Processes and timers of the last scenario
   * are stopped by the caller first.
   */
  static synchronized void reset(LinuxHost host) {
    Optional<String> why = whyNot();
    if (why.isPresent()) {
      throw new IllegalStateException("refusing to reset: not in the private kernel root: " + why.get());
    }
    List<KernelMounts.Entry> mounts = KernelMounts.read();
    if (baseMountIds == null) {
      baseMountIds = new HashSet<>();
      for (String p : baseMountPoints()) {
        mounts.stream().filter(m -> m.mountPoint().equals(p)).min(Comparator.comparingInt(KernelMounts.Entry::id))
            .ifPresent(m -> baseMountIds.add(m.id()));
      }
    }
    // 1. detach every mount that is not the wrapper's base, deepest first (the /usr overlay too:
    //    no program can be run from here until step 2).
    List<KernelMounts.Entry> extra = new ArrayList<>();
    for (KernelMounts.Entry m : mounts) {
      if (!baseMountIds.contains(m.id())) {
        extra.add(m);
      }
    }
    extra.sort(Comparator.comparingInt((KernelMounts.Entry m) -> depth(m.mountPoint())).reversed()
        .thenComparing(Comparator.comparingInt(KernelMounts.Entry::id).reversed()));
    for (KernelMounts.Entry m : extra) {
      try {
        host.umount2(m.mountPoint(), EnumSet.of(UmountFlag.DETACH, UmountFlag.NOFOLLOW));
      } catch (HostException e) {
        if (!e.is(org.fcproc.host.Errno.EINVAL) && !e.is(org.fcproc.host.Errno.ENOENT)) {
          throw new IllegalStateException("reset: detaching " + m.mountPoint(), e);
        }
      }
    }
    List<KernelMounts.Entry> left = KernelMounts.read();
    for (KernelMounts.Entry m : left) {
      if (!baseMountIds.contains(m.id())) {
        throw new IllegalStateException("reset: the mount at " + m.mountPoint() + " is still there");
      }
    }
    // the base mounts private again (a scenario may have made / shared or a slave)
    for (KernelMounts.Entry m : left) {
      if (!m.isPrivate()) {
        try (org.fcproc.host.Handle h = host.open(m.mountPoint(), org.fcproc.host.OpenHow.directoryNoFollow())) {
          host.setPropagation(h, org.fcproc.host.Propagation.PRIVATE);
        } catch (HostException e) {
          throw new IllegalStateException("reset: making " + m.mountPoint() + " private", e);
        }
      }
    }
    // 2. a fresh /usr overlay on the real /usr (read-only lower layer)
    overlays++;
    Path layer = AREA.resolve("usr-" + overlays);
    try {
      Files.createDirectories(layer.resolve("upper"));
      Files.createDirectories(layer.resolve("work"));
      if (!Files.isDirectory(Path.of("/usr"), LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalStateException("reset: /usr is not a directory of the root");
      }
      host.mount("fcproc-usr", "/usr", "overlay", Set.of(),
          "lowerdir=" + LOWER_USR + ",upperdir=" + layer.resolve("upper") + ",workdir=" + layer.resolve("work"));
    } catch (IOException e) {
      throw new IllegalStateException("reset: mounting a fresh /usr overlay", e);
    }
    overlayDev = KernelMounts.read().stream().filter(m -> m.mountPoint().equals("/usr"))
        .max(Comparator.comparingInt(KernelMounts.Entry::id)).map(KernelMounts.Entry::dev).orElseThrow();
    // 3. network links: only lo stays
    for (String link : links()) {
      if (!link.equals("lo") && links().contains(link)) { // deleting a veth deletes its peer too
        run("ip", "link", "delete", link);
      }
    }
    // 4. files: remove every scenario tree, never crossing a mount and never into the base mounts
    try {
      long rootMount = host.lstat("/").mountId();
      Set<String> keepAncestors = new LinkedHashSet<>();
      for (String p : baseMountPoints()) {
        for (Path a = Path.of(p); a != null; a = a.getParent()) {
          keepAncestors.add(a.toString());
        }
      }
      try (DirectoryStream<Path> top = Files.newDirectoryStream(Path.of("/"))) {
        for (Path p : top) {
          if (!KEPT.contains(p.getFileName().toString())) {
            removeTree(host, p, rootMount, keepAncestors);
          }
        }
      }
      for (String l : List.of("bin", "sbin", "lib", "lib64")) {
        Path link = Path.of("/", l);
        Path wanted = Path.of("usr", l);
        if (!Files.isSymbolicLink(link) || !Files.readSymbolicLink(link).equals(wanted)) {
          if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            removeTree(host, link, rootMount, keepAncestors);
          }
          Files.createSymbolicLink(link, wanted);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("reset: removing the last scenario's files", e);
    }
    // 5. what the JVM and the tools need back
    run("cp", "-a", AREA.resolve("etc") + "/.", "/etc/");
    run("cp", "-a", AREA.resolve("dev") + "/.", "/dev/");
    run("mkdir", "-p", "/tmp", "/root");
    run("chmod", "1777", "/tmp");
    run("chmod", "0700", "/root");
  }

  private static int depth(String path) {
    return (int) path.chars().filter(c -> c == '/').count();
  }

  /** Removes {@code p} and everything under it on the root's own mount; keeps base mounts and their ancestors. */
  private static void removeTree(LinuxHost host, Path p, long rootMount, Set<String> keep) throws IOException, HostException {
    FileStat st;
    try {
      st = host.lstat(p.toString());
    } catch (HostException e) {
      if (e.is(org.fcproc.host.Errno.ENOENT)) {
        return;
      }
      throw e;
    }
    if (st.mountId() != rootMount) {
      if (keep.contains(p.toString())) {
        return; // a base mount point
      }
      throw new IllegalStateException("reset: " + p + " is on another mount (" + st.mountId() + ")");
    }
    if (st.type() == org.fcproc.host.FileType.DIRECTORY) {
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
        ds.forEach(children::add);
      }
      for (Path c : children) {
        removeTree(host, c, rootMount, keep);
      }
      if (keep.contains(p.toString())) {
        return;
      }
    }
    try {
      Files.delete(p);
    } catch (NoSuchFileException e) {
      // gone meanwhile
    }
  }

  /** The names of the network links in this namespace. */
  static List<String> links() {
    String out = run("ip", "-o", "link", "show");
    List<String> names = new ArrayList<>();
    for (String line : out.split("\n")) {
      int a = line.indexOf(": ");
      if (a < 0) {
        continue;
      }
      int b = line.indexOf(": ", a + 2);
      String name = line.substring(a + 2, b < 0 ? line.length() : b);
      int at = name.indexOf('@');
      names.add(at >= 0 ? name.substring(0, at) : name);
    }
    return names;
  }

  /** Runs a command to arrange or reset the root (not fcproc's: not recorded); its stdout. */
  static String run(String... argv) {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    try {
      Process p = pb.start();
      p.getOutputStream().close(); // no stdin (not /dev/null: a reset rebuilds /dev)
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("`" + String.join(" ", argv) + "` did not finish");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("`" + String.join(" ", argv) + "` exited " + p.exitValue() + ": " + out.strip());
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("running " + String.join(" ", argv), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + String.join(" ", argv), e);
    }
  }
}
