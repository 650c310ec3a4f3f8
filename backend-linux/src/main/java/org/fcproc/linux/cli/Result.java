package org.fcproc.linux.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a command did: fields for {@code --json} and one line of text for people. */
final class Result {
  private final Map<String, Object> fields = new LinkedHashMap<>();
  private final String text;
  private int exit = ExitCodes.DONE;
  private String problem = "";

  Result(String text) {
    this.text = text;
  }

  Result put(String key, Object value) {
    fields.put(key, value);
    return this;
  }

  Map<String, Object> fields() {
    return fields;
  }

  String text() {
    return text;
  }

  /**
   * A result that still ends with a non-zero exit code (the sweep: a report, with something
   * refused or failed in it). {@code problem} goes to stderr as {@code fcproc: <problem>}; with
   * {@code --json} the object carries {@code "ok":false} and {@code "exit"} besides the fields.
   */
  Result exit(int code, String problem) {
    this.exit = code;
    this.problem = problem;
    return this;
  }

  int exit() {
    return exit;
  }

  String problem() {
    return problem;
  }
}
