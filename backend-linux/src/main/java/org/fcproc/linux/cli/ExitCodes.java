package org.fcproc.linux.cli;

/** The command line's exit codes, as {@code --help} and the README document them. */
final class ExitCodes {
  /** The command did what it was asked. */
  static final int DONE = 0;
  /** It failed; the message names the step, the host call and its errno. */
  static final int FAILED = 1;
  /** Usage: a bad option, argument, duration or config file, or input core refused before
   *  touching anything ({@code InvalidInputException}). */
  static final int USAGE = 2;
  /** Refused for safety: a guard tripped ({@code RefusedException}); it names the path and the
   *  reason, and the host is no worse than before. */
  static final int REFUSED = 3;

  private ExitCodes() {}
}
