package org.fcproc.linux.cli;

import org.fcproc.InvalidInputException;

/**
 * {@code --uid N --gid N}: both or neither. Neither means the caller's (the seed's variants
 * without {@code Owned}/{@code For}). A negative id is refused when the owner is made, before the
 * command touches anything: -1 is what {@code chown(2)} reads as "leave unchanged", so it never
 * names an owner, and refusing it first keeps a bad id from waiting out a socket timeout (exit 2).
 */
record Owner(int uid, int gid) {
  Owner {
    if (uid < 0 || gid < 0) {
      String field = uid < 0 ? "uid" : "gid";
      throw new InvalidInputException(field, (uid < 0 ? uid : gid)
          + " is negative; chown(2) reads -1 as \"leave unchanged\", never as an owner");
    }
  }

  /** The owner given, or null when neither option was; a usage error when only one was. */
  static Owner of(Integer uid, Integer gid) throws CliException {
    if (uid == null && gid == null) {
      return null;
    }
    if (uid == null || gid == null) {
      throw CliException.usage("--uid and --gid go together: give both, or neither for the caller's own");
    }
    return new Owner(uid, gid);
  }
}
