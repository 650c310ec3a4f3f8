package org.fcproc.linux.cli;

/** {@code --mode}: how privileged steps are taken. */
enum Mode {
  /** root when the effective uid is 0, sudo otherwise (the seed's rule). */
  auto,
  /** direct syscalls; an error (exit 1) when not root. */
  root,
  /** privileged commands through {@code sudo -n}; also as root. */
  sudo
}
