package org.fcproc.linux.cli;

/** {@code --uid N --gid N}: both or neither. Neither means the caller's (the seed's variants
 *  without {@code Owned}/{@code For}). */
record Owner(int uid, int gid) {
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
