package org.fcproc.sim.explore;

import java.util.Map;
import java.util.TreeMap;
import org.fcproc.sim.MountView;
import org.fcproc.sim.SimHost;
import org.fcproc.sim.Snapshot;

/**
 * The host at one moment, as the checker compares it: the tree ({@link Snapshot}, path by path)
 * and the mount table by mount id, unescaped ({@link SimHost#mounts()}) — never parsed from
 * text, since a mount point may hold a space or a newline. Ids are never reused, so "the same
 * id" is "the same mount" across a run.
 */
record Observation(Snapshot tree, Map<Integer, MountView> mounts) {
  Observation {
    java.util.Objects.requireNonNull(tree, "tree");
    mounts = java.util.Collections.unmodifiableMap(new TreeMap<>(mounts));
  }

  static Observation of(SimHost host) {
    Map<Integer, MountView> byId = new TreeMap<>();
    for (MountView m : host.mounts()) {
      byId.put(m.id(), m);
    }
    return new Observation(host.snapshot(), byId);
  }
}
