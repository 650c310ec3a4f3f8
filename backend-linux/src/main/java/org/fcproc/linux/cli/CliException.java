package org.fcproc.linux.cli;

/** A failure the command line itself detects (not core): it carries its exit code and kind. */
final class CliException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int exit;
  private final String kind;

  CliException(int exit, String kind, String message) {
    super(message);
    this.exit = exit;
    this.kind = kind;
  }

  static CliException usage(String message) {
    return new CliException(ExitCodes.USAGE, "usage", message);
  }

  int exit() {
    return exit;
  }

  String kind() {
    return kind;
  }
}
