package org.fcproc.host;

/** The {@code RESOLVE_*} flags of {@code openat2(2)}'s {@code struct open_how}. */
public enum Resolve {
  /** {@code RESOLVE_BENEATH}: EXDEV when the walk would leave the starting directory
   *  ({@code ..} past it, an absolute path or absolute symlink). */
  BENEATH,
  /** {@code RESOLVE_IN_ROOT}: the starting directory is treated as {@code /}. */
  IN_ROOT,
  /** {@code RESOLVE_NO_SYMLINKS}: ELOOP on any symlink in the path. A final symlink is an
   *  error too, unless {@code O_PATH|O_NOFOLLOW} asks for the link itself, which is then opened. */
  NO_SYMLINKS,
  /** {@code RESOLVE_NO_MAGICLINKS}: ELOOP on {@code /proc/[pid]/fd}-style links. */
  NO_MAGICLINKS,
  /** {@code RESOLVE_NO_XDEV}: EXDEV when the walk crosses a mount, either way. */
  NO_XDEV
}
