package org.fcproc.sim;

import org.fcproc.host.Errno;
import org.fcproc.host.HostException;

/**
 * The call being served: its name and path for error messages, and whose permissions apply.
 * Every failure the simulator reports is made here, so each names the call and the path as
 * {@link HostException} requires.
 */
record Op(String call, String path, Access access) {
  HostException fail(Errno errno) {
    return new HostException(errno, call, path);
  }

  HostException fail(Errno errno, String detail) {
    return new HostException(errno, call, path, detail);
  }
}
