/**
 * The simulated host: {@link org.fcproc.sim.SimHost}, an in-memory, deterministic
 * implementation of {@link org.fcproc.host.HostOps} on which fcproc's attack scenarios run
 * without root.
 *
 * <p><b>Why the simulator owns the tree and Jimfs only holds bytes.</b> Regular-file contents
 * live in one Jimfs filesystem per host, one Jimfs file per inode, so hard links and the two
 * sides of a bind mount share bytes exactly as they share a {@code struct inode} on Linux. But
 * the names, the inodes and the walk are the simulator's own, because Jimfs cannot model what
 * fcproc defends against:
 * <ul>
 *   <li>Jimfs cannot open a file by inode: a handle must pin its inode across a rename, an
 *       unlink or an overmount of its name (docs/DESIGN.md#design-rules), and only an object graph of inodes gives
 *       that;
 *   <li>Jimfs has no mount layer: no bind mounts showing one inode at two paths, no mount ids,
 *       no EXDEV for {@code link(2)} across a mount edge of one filesystem, no EBUSY, no
 *       propagation, no {@code /proc/self/mountinfo};
 *   <li>Jimfs has no socket, FIFO or device inodes, and no device numbers;
 *   <li>Jimfs checks no per-uid permissions: no search permission, sticky bit,
 *       {@code fs.protected_symlinks} or {@code fs.protected_hardlinks}, all of which decide
 *       whether an attack works;
 *   <li>Jimfs resolves symlinks its own way; {@code openat2}'s RESOLVE_BENEATH, IN_ROOT,
 *       NO_SYMLINKS and NO_XDEV need a walk whose every step can be checked.
 * </ul>
 *
 * <p>Everything else — processes, network links, the fake Firecracker API, the virtual clock,
 * the journal and the before-call hooks through which an adversary acts between any two host
 * operations — is plain Java in this package. {@code MODEL.md} lists each kernel behaviour
 * modelled and what is left out.
 */
package org.fcproc.sim;
