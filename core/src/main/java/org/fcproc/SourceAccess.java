package org.fcproc;

/**
 * With whose authority staging opens the files a caller names as sources — the kernel, the
 * initrd, the drives and the firecracker binary.
 *
 * <p>In root mode the caller is root, and root's own open is the right check. The privileged
 * helper serves a caller who is not: it must grant that caller nothing the caller could not do
 * alone, so it opens each source with the caller's file-system identity and lets the kernel's
 * permission check decide ({@link CallerSourceAccess}). The open is the check — never a check of
 * the path followed by an open as root.
 */
sealed interface SourceAccess permits SourceAccess.Root, CallerSourceAccess {
  /** Root opens the sources itself: root mode, where the caller is root. */
  SourceAccess ROOT = new Root();

  /** Root mode's access. */
  final class Root implements SourceAccess {
    private Root() {}

    @Override
    public String toString() {
      return "root";
    }
  }
}
