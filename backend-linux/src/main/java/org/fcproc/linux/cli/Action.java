package org.fcproc.linux.cli;

/** A leaf subcommand: does its work through the session and says what it did. */
interface Action {
  Result run(Session session) throws Exception;
}
