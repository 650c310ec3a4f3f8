package org.fcproc.host;

/**
 * Who the calling process is: its real uid and gid (the seed's {@code os.Getuid/Getgid}, used
 * as default owners) and its effective uid (the seed's {@code os.Geteuid}, which decides
 * between direct syscalls and sudo).
 */
public record Credentials(int uid, int gid, int euid) {
  public Credentials {
    if (uid < 0 || gid < 0 || euid < 0) {
      throw new IllegalArgumentException("negative id in credentials " + uid + ":" + gid + " euid " + euid);
    }
  }

  public static Credentials root() {
    return new Credentials(0, 0, 0);
  }

  public boolean isRoot() {
    return euid == 0;
  }
}
