package org.fcproc.host;

import java.time.Duration;
import java.util.Optional;

/**
 * An inotify instance (inotify(7)), made by {@link HostOps#watch()}: directories are added by
 * handle, and {@link #next} waits in host time for what happens in them. It is a wake-up, not a
 * source of truth: the caller looks again (lstat, openat) when told something changed, and on
 * {@link WatchEvent.Kind#OVERFLOW} looks again at everything.
 *
 * <p>Kernel facts (checked on 6.18; {@code WatchContract} holds both backends to them):
 *
 * <ul>
 *   <li>A watch is on an <em>inode</em>: {@link #add} watches the directory the handle pins
 *       ({@code inotify_add_watch(fd, "/proc/self/fd/N", ...)} follows the magic link to it),
 *       never what a path names later. After the directory is renamed it still reports (and
 *       reports {@link WatchEvent.Kind#MOVE_SELF}); a new directory made at the old path is not
 *       watched. Events made through any mount of that inode (a bind mount) are reported.
 *   <li>A socket made by {@code bind(2)} raises {@code IN_CREATE} in its directory, as
 *       {@code mknod(S_IFSOCK)} does; {@code rename} and {@code RENAME_EXCHANGE} into the
 *       directory raise {@code IN_MOVED_TO}.
 *   <li>Adding the same inode twice gives the same watch descriptor. Watch descriptors count from
 *       1 in each instance.
 *   <li>{@code IN_DONT_FOLLOW} must not be used: it makes the kernel watch the magic link in
 *       {@code /proc} itself ({@code IN_ONLYDIR} then gives ENOTDIR).
 *   <li>A removed directory reports {@code IN_DELETE_SELF} and {@code IN_IGNORED} only once no
 *       descriptor holds it (an open handle keeps the dentry, so the events wait for its close).
 * </ul>
 *
 * <p>One thread uses a watch at a time. {@link #close()} is idempotent; after it every call gives
 * EBADF.
 */
public interface DirectoryWatch extends AutoCloseable {

  /**
   * {@code inotify_add_watch(fd, "/proc/self/fd/N", IN_CREATE|IN_MOVED_TO|IN_MOVE_SELF|
   * IN_DELETE_SELF|IN_ONLYDIR)}: watches the directory inode {@code dir} pins. The handle may be
   * {@code O_PATH} and may be closed afterwards; the watch holds the inode.
   *
   * @return the watch descriptor the events for this directory carry
   * @throws HostException EBADF for a closed handle or a closed watch; ENOTDIR when the handle is
   *     not a directory (a symlink handle included); EACCES without read permission on the
   *     directory; ENOSPC past {@code fs.inotify.max_user_watches}
   */
  int add(Handle dir) throws HostException;

  /**
   * The next event: at once when one is queued, else waiting at most {@code timeout} of host
   * time ({@code poll(2)} then {@code read(2)} on Linux; on the simulator the virtual clock
   * advances, firing what is scheduled, until an event is queued or the timeout has passed).
   *
   * @return the event, or empty when nothing happened within {@code timeout}
   * @throws HostException EBADF once closed
   */
  Optional<WatchEvent> next(Duration timeout) throws HostException;

  /** {@code close(2)} of the inotify descriptor: every watch of it goes. Idempotent. */
  @Override
  void close();
}
