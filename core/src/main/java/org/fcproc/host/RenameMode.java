package org.fcproc.host;

/** The flags of {@code renameat2(2)}. */
public enum RenameMode {
  /** Plain rename: replaces the target. */
  REPLACE,
  /** {@code RENAME_NOREPLACE}: EEXIST when the target exists. */
  NOREPLACE,
  /** {@code RENAME_EXCHANGE}: swap the two names atomically; both must exist. */
  EXCHANGE
}
