package org.fcproc.host;

/**
 * The {@code open(2)} flags fcproc uses. {@code O_CLOEXEC} is implied on every open: no backend
 * may leak a descriptor into a child process.
 */
public enum OpenFlag {
  /** {@code O_PATH}: a handle to the inode itself; no read or write. */
  PATH,
  /** {@code O_NOFOLLOW}: a symlink at the last component is not followed. With PATH the
   *  handle is to the link itself; without PATH the open fails with ELOOP. */
  NOFOLLOW,
  /** {@code O_DIRECTORY}: ENOTDIR unless the inode is a directory. */
  DIRECTORY,
  /** {@code O_RDONLY}. */
  READ,
  /** {@code O_WRONLY}. */
  WRITE,
  /** {@code O_CREAT}. */
  CREATE,
  /** {@code O_EXCL}: with CREATE, EEXIST when the name exists, even as a dangling symlink. */
  EXCLUSIVE,
  /** {@code O_NONBLOCK}: opening a FIFO does not wait for a peer. */
  NONBLOCK
}
