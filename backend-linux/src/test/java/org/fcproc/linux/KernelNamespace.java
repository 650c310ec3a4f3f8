package org.fcproc.linux;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether this test JVM may change mounts and links: only as root, on Linux, inside the
 * throwaway mount and network namespaces the Surefire wrapper ({@code src/test/unshare/bin/java})
 * made (it records the namespaces it left in {@code FCPROC_OUTER_MNT_NS}/{@code _NET_NS}). Tests call {@link #assumeInside()} and skip, saying why, otherwise.
 */
final class KernelNamespace {
  private KernelNamespace() {}

  /** Why kernel tests cannot run here, or empty when they can. */
  static Optional<String> whyNot() {
    if (!System.getProperty("os.name", "").equals("Linux")) {
      return Optional.of("not Linux (" + System.getProperty("os.name") + ")");
    }
    Optional<String> cause = LinuxHost.unavailabilityCause();
    if (cause.isPresent()) {
      return Optional.of("linux backend unavailable: " + cause.get());
    }
    if (!LinuxHost.create().credentials().isRoot()) {
      return Optional.of("not root: the kernel tests mount and mknod");
    }
    String unavailable = System.getenv("FCPROC_TEST_NAMESPACE_UNAVAILABLE");
    if (unavailable != null) {
      return Optional.of("no throwaway namespace: " + unavailable);
    }
    if (System.getenv("FCPROC_TEST_NAMESPACE") == null) {
      return Optional.of("not started by the unshare wrapper (FCPROC_TEST_NAMESPACE unset)");
    }
    try {
      for (String ns : new String[] {"mnt", "net"}) {
        String self = Files.readSymbolicLink(Path.of("/proc/self/ns/" + ns)).toString();
        String outer = System.getenv("FCPROC_OUTER_" + ns.toUpperCase(java.util.Locale.ROOT) + "_NS");
        if (outer == null || outer.isEmpty()) {
          return Optional.of("the wrapper did not record the outer " + ns + " namespace");
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

  /**
   * Skips the calling test (class) unless kernel tests can run. With the environment variable
   * {@code FCPROC_REQUIRE_KERNEL_TESTS} set (for a root CI job), it fails instead of skipping.
   */
  static void assumeInside() {
    Optional<String> why = whyNot();
    if (why.isPresent()) {
      if (System.getenv("FCPROC_REQUIRE_KERNEL_TESTS") != null) {
        throw new AssertionError("kernel tests required (FCPROC_REQUIRE_KERNEL_TESTS) but cannot run: " + why.get());
      }
      System.out.println("SKIPPING kernel tests: " + why.get());
    }
    assumeTrue(why.isEmpty(), () -> "kernel tests skipped: " + why.orElse(""));
  }
}
