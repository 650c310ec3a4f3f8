package org.fcproc.features.driver;

import java.util.List;

/**
 * The visible state of a host at one moment — every path with its inode's type, mode, owner,
 * link count, content and link text, and the mount table — which compares to another state as a
 * list of differences. That list is what "unchanged" means in a scenario (docs/DESIGN.md#jail-invariant: no inode
 * outside the VM's area changed, nothing mounted outside it).
 */
public interface HostState {

  /**
   * Differences, one line each, in path order: {@code + path: ...} (appeared), {@code - path: ...}
   * (gone), {@code ~ path: before => after} (changed), then {@code + mount ...} and
   * {@code - mount ...}.
   */
  List<String> diff(HostState after);

  /** The path a diff line is about, or empty for a mount line. */
  static String pathOf(String diffLine) {
    if (diffLine.startsWith("+ mount ") || diffLine.startsWith("- mount ")) {
      return "";
    }
    return diffLine.substring(2, diffLine.indexOf(": "));
  }

  /** Whether {@code path} is {@code area} or lies beneath it. */
  static boolean within(String path, String area) {
    return path.equals(area) || path.startsWith(area.endsWith("/") ? area : area + "/");
  }
}
