package org.fcproc.sim.explore;

import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.host.HostOps;

/**
 * The operation under test. It is given the fresh host's own view, which acts as root (as fcproc
 * does in production, docs/DESIGN.md#threat-model), and may throw: a refusal or a host error is an outcome the
 * checker judges, not a failure of the exploration.
 */
@FunctionalInterface
public interface ExploredOperation {
  void run(HostOps root) throws Exception;

  /** An operation of {@link Fcproc}, built afresh on each run's host with {@code config}. */
  static ExploredOperation fcproc(Config config, FcprocAction action) {
    java.util.Objects.requireNonNull(config, "config");
    java.util.Objects.requireNonNull(action, "action");
    return host -> action.run(Fcproc.create(host, config));
  }

  /** What to do with the {@link Fcproc} of one run. */
  @FunctionalInterface
  interface FcprocAction {
    void run(Fcproc fcproc) throws Exception;
  }
}
