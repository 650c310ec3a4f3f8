package org.fcproc.linux.sudo;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What one command run as the caller gave: its exit code, stdout and stderr, and with
 * {@code --json} the one JSON object on stdout.
 *
 * <p>{@link #refusedNaming} is the check every attack ends with: exit 2 (invalid) or 3 (refused)
 * — never 0, and not 1 (a failure says nothing about whether a guard held) — and a JSON answer
 * with {@code ok:false} whose {@code error} names what was refused.
 */
record Outcome(List<String> argv, int exit, String out, String err) {
  private static final Method PARSE = miniJson();

  String describe() {
    return "`" + String.join(" ", argv) + "`\n  exit " + exit + "\n  stdout: " + out.strip() + "\n  stderr: " + err.strip();
  }

  Outcome expect(int code) {
    assertThat(exit).as("exit code of %s", describe()).isEqualTo(code);
    return this;
  }

  /** The one JSON object on stdout. */
  Map<String, Object> json() {
    assertThat(out.strip().lines().count()).as("exactly one line on stdout from %s", describe()).isEqualTo(1);
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) PARSE.invoke(null, out);
      return m;
    } catch (InvocationTargetException e) {
      throw new AssertionError("stdout is not one JSON object: " + describe(), e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> error() {
    Object e = json().get("error");
    assertThat(e).as("the \"error\" object of %s", describe()).isInstanceOf(Map.class);
    return (Map<String, Object>) e;
  }

  /**
   * Refused (exit 2 or 3, {@code ok:false}), the error naming {@code path}: as its
   * {@code error.path}, or in its {@code error.message}. {@code alsoAccepted} are other words
   * that count as naming it (e.g. the uid refused), for refusals whose subject is not a path.
   */
  Outcome refusedNaming(String path, String... alsoAccepted) {
    assertThat(exit).as("an attack must be refused (exit 2 invalid or 3 refused, never 0 done or 1 failed): %s", describe())
        .isIn(2, 3);
    Map<String, Object> j = json();
    assertThat(j).as("JSON of %s", describe()).containsEntry("ok", false);
    Map<String, Object> e = error();
    String message = String.valueOf(e.get("message"));
    boolean named = path.equals(e.get("path")) || message.contains(path)
        || Arrays.stream(alsoAccepted).anyMatch(message::contains);
    assertThat(named).as("the error names %s%s: %s", path,
        alsoAccepted.length == 0 ? "" : " (or " + String.join(", ", alsoAccepted) + ")", e).isTrue();
    return this;
  }

  /** Exit 2 or 3 and {@code ok:false}, for attacks on the helper's own command line (no path to name). */
  Outcome rejected() {
    assertThat(exit).as("must be rejected (exit 2 or 3): %s", describe()).isIn(2, 3);
    assertThat(json()).as("JSON of %s", describe()).containsEntry("ok", false);
    return this;
  }

  /**
   * {@code org.fcproc.linux.cli.MiniJson.object}, the command-line tests' strict JSON reader:
   * package-private there, reused as it is through reflection (one reader for every jar test).
   */
  private static Method miniJson() {
    try {
      Method m = Class.forName("org.fcproc.linux.cli.MiniJson").getDeclaredMethod("object", String.class);
      m.setAccessible(true);
      return m;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot reach org.fcproc.linux.cli.MiniJson", e);
    }
  }
}
