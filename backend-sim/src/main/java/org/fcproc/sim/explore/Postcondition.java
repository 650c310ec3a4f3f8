package org.fcproc.sim.explore;

import org.fcproc.sim.SimHost;
import org.fcproc.sim.Snapshot;

/**
 * What must hold after the operation <em>succeeded</em>, checked the moment it returned (before
 * a move scheduled after its last call). Throw — an {@link AssertionError} or any exception —
 * with a message saying what does not hold; it becomes the violation's reason.
 *
 * <p>Write it about what the operation promises against the adversary, not about the
 * adversary's own directory: the VM's uid may legitimately rename or remove things in the
 * directories it owns right after the operation made them.
 */
@FunctionalInterface
public interface Postcondition {
  /** Always holds. */
  Postcondition NONE = (host, before) -> {};

  /**
   * @param host the run's host, as the operation left it
   * @param before the snapshot taken after setup, just before the operation began
   */
  void check(SimHost host, Snapshot before) throws Exception;
}
