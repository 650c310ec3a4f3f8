/**
 * Exhaustive adversary exploration on the simulated host (docs/DESIGN.md#exhaustive-exploration).
 *
 * <p>{@link org.fcproc.sim.explore.Explorer} is the entry point. A
 * {@link org.fcproc.sim.explore.Target} says how to build a fresh host, which operation to run
 * as root, what the operation may change (the VM's area, the chroot for mounts, documented
 * extras), what must hold after a success, and which {@link org.fcproc.sim.explore.Move}s the
 * adversary may make. The explorer tries every move in every gap between two host calls, and
 * every call failing with each errno in turn — one fresh host per run — and checks each run
 * against the jail invariant (docs/DESIGN.md#jail-invariant). Each run is named by a
 * {@link org.fcproc.sim.explore.Schedule} whose text replays it exactly.
 *
 * <p><b>The rule of attribution.</b> The adversary's own move changes the host too, and the
 * checker must not blame the operation for it. So the host is observed four times: after setup
 * ({@code s0}), just before the move and just after it (inside the before-call hook), and at
 * the end ({@code s2}). The operation owns the changes from {@code s0} to "before the move" and
 * from "after the move" to {@code s2}; the adversary owns what changed across its move. Outside
 * the VM's area a path is a violation when the operation changed it in its first window, or
 * when in its second window it changed it to a state that is neither what the adversary left
 * nor what the host had at the start — putting a path back as it found it (removing a hard link
 * the adversary planted, so a host file's link count falls back) is allowed. Mounts are
 * compared by id (ids are never reused), with their unescaped mount points from
 * {@code SimHost.mounts()}: every mount the operation added, removed or changed must be at or
 * under the chroot. Inside the VM's area nothing is judged: the operation may change it, and
 * the adversary owns it. A host inode changed through a name inside the area (a hard link, a
 * bind mount) still shows at its own path outside, and is caught there.
 *
 * <p><b>Outcomes.</b> A run passes when the operation returned and the target's postcondition
 * holds, or when it threw a checked exception whose message names a path. A runtime exception
 * out of the operation is a crash; a run that exceeds the call budget did not finish. Both are
 * violations.
 *
 * <p>Nothing in this package changes the simulator: it uses the host's public choke-point hooks
 * ({@code beforeEachCall}, {@code failOnce}/{@code failWhen}, {@code nextCallIndex},
 * {@code journal}), its {@code as(uid, gid)} views and its fixture API.
 */
package org.fcproc.sim.explore;
