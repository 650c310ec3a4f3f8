package org.fcproc.sim;

import java.util.List;
import java.util.Objects;

/**
 * A host call about to run, as a before-call hook or a fault predicate sees it.
 *
 * @param index the call's number on this host, from 1, in the order calls start
 * @param actorUid the effective uid of the view that made it
 * @param call the {@link org.fcproc.host.HostOps} method, e.g. {@code openAt}, or
 *     {@code close}, {@code write}, {@code read} for handles and connections
 * @param paths the paths involved: absolute paths as given, and for {@code *At} calls the
 *     handle's path joined with the name
 */
public record SimCall(long index, int actorUid, String call, List<String> paths) {
  public SimCall {
    Objects.requireNonNull(call, "call");
    paths = List.copyOf(paths);
  }

  /** Whether any path of the call is {@code path} or lies under it. */
  public boolean touches(String path) {
    String dir = path.endsWith("/") ? path : path + "/";
    for (String p : paths) {
      if (p.equals(path) || p.startsWith(dir)) {
        return true;
      }
    }
    return false;
  }
}
