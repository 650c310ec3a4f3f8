package org.fcproc.features.driver;

/**
 * A mount as a scenario checks it.
 *
 * @param id the mount id
 * @param mountPoint where it is mounted
 * @param source for a bind mount, the host path whose tree it shows (the mount's root within
 *     its filesystem); {@code /} for a whole filesystem
 * @param readOnly mounted {@code ro}
 * @param isPrivate propagation is private
 */
public record MountState(int id, String mountPoint, String source, boolean readOnly, boolean isPrivate) {}
