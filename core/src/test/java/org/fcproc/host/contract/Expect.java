package org.fcproc.host.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.function.Consumer;
import org.fcproc.host.Errno;
import org.fcproc.host.HostException;

/**
 * The one way the contract suites say "this call must fail with that errno": a
 * {@link HostException} carrying it, nothing else. Whatever an unexpectedly successful call
 * returned is handed to the suite first, so that it can close it, and the test fails.
 */
final class Expect {
  /** A call that is expected to fail. */
  @FunctionalInterface
  interface Call {
    Object call() throws Exception;
  }

  private Expect() {}

  static void errno(Errno expected, Call call, Consumer<Object> unexpectedResult) {
    Object result;
    try {
      result = call.call();
    } catch (HostException e) {
      assertThat(e.errno()).as("errno of: %s", e.getMessage()).isEqualTo(expected);
      return;
    } catch (Exception e) {
      throw new AssertionError("expected HostException " + expected + " but got " + e, e);
    }
    unexpectedResult.accept(result);
    fail("expected " + expected + " but the call succeeded" + (result == null ? "" : ": " + result));
  }
}
