package org.fcproc.host;

import java.util.Objects;

/**
 * One event of a {@link DirectoryWatch}: a {@code struct inotify_event} (inotify(7)).
 *
 * @param wd the watch descriptor {@link DirectoryWatch#add} returned for the directory the event
 *     is about; -1 for {@link Kind#OVERFLOW}
 * @param kind what happened
 * @param name the entry's name in the watched directory, for {@link Kind#CREATE} and
 *     {@link Kind#MOVED_TO}; empty for the others
 */
public record WatchEvent(int wd, Kind kind, String name) {
  /** The inotify(7) event bits fcproc asks for or always gets. */
  public enum Kind {
    /** {@code IN_CREATE}: an entry was created in the directory — {@code open(O_CREAT)},
     *  {@code mkdir}, {@code mknod}, {@code symlink}, {@code link}, and {@code bind(2)} of a unix
     *  socket, which makes its socket inode at that name. */
    CREATE,
    /** {@code IN_MOVED_TO}: an entry was renamed into the directory (from it or from another
     *  one), {@code RENAME_EXCHANGE} included. */
    MOVED_TO,
    /** {@code IN_MOVE_SELF}: the watched directory itself was renamed. The watch stays on it, at
     *  its new name: a new directory at the old path is not watched. */
    MOVE_SELF,
    /** {@code IN_DELETE_SELF}: the watched directory was removed (sent once its last name is gone
     *  and no descriptor holds it); {@link #IGNORED} follows. */
    DELETE_SELF,
    /** {@code IN_UNMOUNT}: the filesystem holding the directory was unmounted; {@link #IGNORED}
     *  follows. */
    UNMOUNT,
    /** {@code IN_IGNORED}: the watch is gone (the directory was removed or unmounted); no more
     *  events come for this {@code wd}. */
    IGNORED,
    /** {@code IN_Q_OVERFLOW}: events were lost ({@code fs.inotify.max_queued_events}); look
     *  again at everything. */
    OVERFLOW
  }

  public WatchEvent {
    Objects.requireNonNull(kind, "kind");
    name = name == null ? "" : name;
  }

  /** An entry appeared under {@code name}: {@link Kind#CREATE} or {@link Kind#MOVED_TO}. */
  public boolean isEntry() {
    return kind == Kind.CREATE || kind == Kind.MOVED_TO;
  }

  /** The watched directory itself moved or went: {@link Kind#MOVE_SELF}, {@link Kind#DELETE_SELF},
   *  {@link Kind#UNMOUNT} or {@link Kind#IGNORED}. */
  public boolean isAboutDirectory() {
    return kind == Kind.MOVE_SELF || kind == Kind.DELETE_SELF || kind == Kind.UNMOUNT || kind == Kind.IGNORED;
  }
}
