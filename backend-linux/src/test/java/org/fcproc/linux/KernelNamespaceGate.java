package org.fcproc.linux;

/**
 * For kernel tests outside this package (the racing-adversary tests in
 * {@code org.fcproc.linux.race}): {@link KernelNamespace#assumeInside()}, which is
 * package-private. Skips (or, with {@code FCPROC_REQUIRE_KERNEL_TESTS}, fails) the calling test
 * unless it runs as root inside the wrapper's throwaway mount and network namespaces.
 */
public final class KernelNamespaceGate {
  private KernelNamespaceGate() {}

  /** Skips the calling test (class), printing why, unless kernel tests can run here. */
  public static void assumeInside() {
    KernelNamespace.assumeInside();
  }
}
