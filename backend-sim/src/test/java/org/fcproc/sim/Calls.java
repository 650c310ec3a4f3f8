package org.fcproc.sim;

import org.fcproc.host.Errno;
import org.fcproc.host.HostException;

/** Test helper: the errno a host call fails with. */
final class Calls {
  private Calls() {}

  interface ThrowingCall {
    void run() throws Exception;
  }

  static Errno errno(ThrowingCall c) {
    try {
      c.run();
    } catch (HostException e) {
      return e.errno();
    } catch (Exception e) {
      throw new AssertionError("not a HostException", e);
    }
    throw new AssertionError("the call succeeded");
  }
}
