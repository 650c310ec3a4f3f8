package org.fcproc.host;

/**
 * An open file descriptor: it pins its inode, so after a rename or an overmount every call made
 * through it still reaches the inode it was opened on (docs/DESIGN.md#design-rules). Acting through handles,
 * never re-resolving a path after a check, is how core keeps the jail invariant.
 *
 * <p>Closing is idempotent. {@link #path()} is only for messages: it is the path the handle
 * was opened by, which may no longer name the inode.
 */
public interface Handle extends AutoCloseable {
  /** The path this handle was opened by, for messages only. */
  String path();

  @Override
  void close();
}
