package org.fcproc.host;

import java.util.List;

/**
 * A user's file-system identity: what the kernel checks a path against (fsuid, fsgid and the
 * supplementary groups — {@code credentials(7)}). The privileged helper opens the files a sudo
 * caller names with the caller's identity, so the kernel's own permission check decides what the
 * caller may use, not a check fcproc would make of the path beforehand.
 *
 * @param uid the file-system uid
 * @param gid the file-system gid
 * @param groups the supplementary groups (the gid need not be repeated)
 */
public record FsIdentity(int uid, int gid, List<Integer> groups) {
  /** {@code NGROUPS_MAX} on Linux. */
  public static final int MAX_GROUPS = 65536;

  public FsIdentity {
    if (uid < 0 || gid < 0) {
      throw new IllegalArgumentException("uid and gid must not be negative: " + uid + ":" + gid);
    }
    groups = List.copyOf(groups);
    if (groups.size() > MAX_GROUPS) {
      throw new IllegalArgumentException("more than " + MAX_GROUPS + " groups");
    }
    for (int g : groups) {
      if (g < 0) {
        throw new IllegalArgumentException("a negative group: " + g);
      }
    }
  }

  /** Whether {@code gid} is this identity's gid or one of its groups. */
  public boolean inGroup(int gid) {
    return this.gid == gid || groups.contains(gid);
  }

  @Override
  public String toString() {
    return uid + ":" + gid + (groups.isEmpty() ? "" : " groups " + groups);
  }
}
