package org.fcproc.sim;

import org.fcproc.host.Credentials;
import org.fcproc.host.Handle;

/**
 * An open file description: it pins a {@link Location} (mount and inode), never a path, so a
 * rename, an unlink or an overmount of the name it was opened by cannot redirect it. While
 * open it keeps its mount busy for {@code umount2} without MNT_DETACH, and keeps an unlinked
 * inode's bytes alive.
 */
final class SimHandle implements Handle {
  final SimHost host;
  final Credentials opener;
  final Location loc;
  private final String path;
  /** Opened for reading; false for O_PATH. */
  final boolean readable;
  /** Opened for writing. */
  final boolean writable;
  /** The file offset, shared by reads and writes as in one open file description. */
  long position;
  boolean closed;

  SimHandle(SimHost host, Credentials opener, Location loc, String path, boolean readable, boolean writable) {
    this.host = host;
    this.opener = opener;
    this.loc = loc;
    this.path = path;
    this.readable = readable;
    this.writable = writable;
  }

  Inode inode() {
    return loc.inode();
  }

  @Override
  public String path() {
    return path;
  }

  /** Goes through the host's choke point like every other call; idempotent. */
  @Override
  public void close() {
    host.closeHandle(this);
  }

  @Override
  public String toString() {
    return "fd(" + path + ")";
  }
}
