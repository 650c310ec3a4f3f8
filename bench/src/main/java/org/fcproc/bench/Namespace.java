package org.fcproc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.fcproc.linux.LinuxHost;

/**
 * Whether this JVM may mount, mknod and make links: only as root, inside the throwaway mount and
 * network namespaces {@code bench/run} made (it records the namespaces it left in
 * {@code FCPROC_OUTER_MNT_NS} / {@code FCPROC_OUTER_NET_NS}), with its tmpfs work area in
 * {@code FCPROC_BENCH_WORK}. The same check as backend-linux's kernel tests.
 */
public final class Namespace {
  private Namespace() {}

  /** Why the kernel benchmarks cannot run here, or empty when they can. */
  public static Optional<String> whyNot() {
    if (!System.getProperty("os.name", "").equals("Linux")) {
      return Optional.of("not Linux");
    }
    Optional<String> cause = LinuxHost.unavailabilityCause();
    if (cause.isPresent()) {
      return Optional.of("linux backend unavailable: " + cause.get());
    }
    if (!LinuxHost.create().credentials().isRoot()) {
      return Optional.of("not root");
    }
    String unavailable = System.getenv("FCPROC_BENCH_NAMESPACE_UNAVAILABLE");
    if (unavailable != null) {
      return Optional.of("no throwaway namespace: " + unavailable);
    }
    if (System.getenv("FCPROC_BENCH_WORK") == null) {
      return Optional.of("not started by bench/run inside its namespace (FCPROC_BENCH_WORK unset)");
    }
    try {
      for (String ns : new String[] {"mnt", "net"}) {
        String self = Files.readSymbolicLink(Path.of("/proc/self/ns/" + ns)).toString();
        String outer = System.getenv("FCPROC_OUTER_" + ns.toUpperCase(Locale.ROOT) + "_NS");
        if (outer == null || outer.isEmpty()) {
          return Optional.of("bench/run did not record the outer " + ns + " namespace");
        }
        if (self.equals(outer)) {
          return Optional.of("still in the machine's " + ns + " namespace (" + self + "): refusing to touch it");
        }
      }
    } catch (IOException e) {
      return Optional.of("cannot read /proc/self/ns: " + e);
    }
    return Optional.empty();
  }

  /** The tmpfs work area, after checking that this JVM is inside the namespaces. */
  public static String work() {
    Optional<String> why = whyNot();
    if (why.isPresent()) {
      throw new IllegalStateException("kernel benchmarks cannot run: " + why.get());
    }
    return System.getenv("FCPROC_BENCH_WORK");
  }
}
