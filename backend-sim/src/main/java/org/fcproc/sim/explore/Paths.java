package org.fcproc.sim.explore;

/** Path prefix tests on clean absolute paths: by component, so {@code /a/vm1} is not under
 *  {@code /a/vm} and a newline in a name is just a character. */
final class Paths {
  private Paths() {}

  static boolean atOrUnder(String path, String base) {
    if (base.equals("/")) {
      return path.startsWith("/");
    }
    return path.equals(base) || (path.startsWith(base) && path.charAt(base.length()) == '/');
  }
}
