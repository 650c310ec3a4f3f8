package org.fcproc.host;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@code struct open_how}: flags, the mode for a created file, and the resolve restrictions.
 * Plain {@code open(2)}/{@code openat(2)} are the case with no resolve flags.
 */
public record OpenHow(Set<OpenFlag> flags, int mode, Set<Resolve> resolve) {
  public OpenHow {
    flags = Collections.unmodifiableSet(flags.isEmpty() ? EnumSet.noneOf(OpenFlag.class) : EnumSet.copyOf(flags));
    resolve = Collections.unmodifiableSet(resolve.isEmpty() ? EnumSet.noneOf(Resolve.class) : EnumSet.copyOf(resolve));
    if ((mode & ~07777) != 0) {
      throw new IllegalArgumentException("open mode has bits outside 07777: 0" + Integer.toOctalString(mode));
    }
    if (flags.contains(OpenFlag.PATH) && (flags.contains(OpenFlag.WRITE) || flags.contains(OpenFlag.CREATE))) {
      throw new IllegalArgumentException("O_PATH cannot be combined with O_WRONLY or O_CREAT");
    }
    if (flags.contains(OpenFlag.EXCLUSIVE) && !flags.contains(OpenFlag.CREATE)) {
      throw new IllegalArgumentException("O_EXCL without O_CREAT");
    }
  }

  /** {@code O_PATH|O_NOFOLLOW}: a handle to whatever is at the name, a symlink included. */
  public static OpenHow pathNoFollow() {
    return new OpenHow(EnumSet.of(OpenFlag.PATH, OpenFlag.NOFOLLOW), 0, EnumSet.noneOf(Resolve.class));
  }

  /** {@code O_PATH|O_DIRECTORY|O_NOFOLLOW}: a directory handle, never through a final symlink. */
  public static OpenHow directoryNoFollow() {
    return new OpenHow(EnumSet.of(OpenFlag.PATH, OpenFlag.DIRECTORY, OpenFlag.NOFOLLOW), 0, EnumSet.noneOf(Resolve.class));
  }

  /** {@code O_RDONLY|O_NOFOLLOW|O_NONBLOCK}: read contents; ELOOP on a final symlink; a FIFO
   *  does not block. */
  public static OpenHow readNoFollow() {
    return new OpenHow(EnumSet.of(OpenFlag.READ, OpenFlag.NOFOLLOW, OpenFlag.NONBLOCK), 0, EnumSet.noneOf(Resolve.class));
  }

  /** {@code O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW}: a new regular file, never an existing name. */
  public static OpenHow createExclusive(int mode) {
    return new OpenHow(
        EnumSet.of(OpenFlag.WRITE, OpenFlag.CREATE, OpenFlag.EXCLUSIVE, OpenFlag.NOFOLLOW), mode, EnumSet.noneOf(Resolve.class));
  }

  /** The same flags with these resolve restrictions. */
  public OpenHow resolving(Resolve first, Resolve... rest) {
    return new OpenHow(flags, mode, EnumSet.of(first, rest));
  }

  public boolean has(OpenFlag f) {
    return flags.contains(f);
  }

  public boolean has(Resolve r) {
    return resolve.contains(r);
  }
}
