package org.fcproc.bench;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.fcproc.host.Errno;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;

/**
 * A {@link HostOps} that is {@code delegate} in every call but the directory watch
 * ({@code watch()}, docs/DESIGN.md#readiness-and-identity), which answers ENOSYS as a host without inotify does: fcproc then
 * falls back to polling at the caller's cadence. That is how the bench measures fcproc's poll
 * next to its watch on the same kernel. A proxy, so that the bench compiles whether or not the
 * SPI has {@code watch()} yet.
 */
final class NoWatchHost {
  private NoWatchHost() {}

  /** Whether the SPI offers a directory watch at all (the socket watch exists in core). */
  static boolean spiHasWatch() {
    try {
      HostOps.class.getMethod("watch");
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  static HostOps wrap(HostOps delegate) {
    InvocationHandler h = (proxy, method, args) -> {
      if (method.getName().equals("watch") && method.getParameterCount() == 0) {
        throw new HostException(Errno.ENOSYS, "inotify_init1", "", "bench: watch disabled to measure the poll");
      }
      try {
        return method.invoke(delegate, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (HostOps) Proxy.newProxyInstance(HostOps.class.getClassLoader(), new Class<?>[] {HostOps.class}, h);
  }
}
