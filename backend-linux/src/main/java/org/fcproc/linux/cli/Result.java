package org.fcproc.linux.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a command did: fields for {@code --json} and one line of text for people. */
final class Result {
  private final Map<String, Object> fields = new LinkedHashMap<>();
  private final String text;

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
}
