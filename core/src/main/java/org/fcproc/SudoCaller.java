package org.fcproc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fcproc.host.FsIdentity;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.OpenHow;

/**
 * The user a root process runs for under {@code sudo}: {@code SUDO_UID} and {@code SUDO_GID},
 * which sudo(8) sets itself (the caller cannot choose them), and the supplementary groups the
 * user database gives that user ({@code /etc/passwd} for the name, {@code /etc/group} for the
 * memberships). A caller of uid 0 is root, not a caller to confine.
 *
 * @param uid the caller's uid
 * @param gid the caller's primary gid
 * @param groups the caller's supplementary groups (may be empty when the database has none)
 */
public record SudoCaller(int uid, int gid, List<Integer> groups) {
  public SudoCaller {
    groups = List.copyOf(groups);
  }

  /** The caller's file-system identity, for {@link HostOps#openAs}. */
  public FsIdentity identity() {
    return new FsIdentity(uid, gid, groups);
  }

  /**
   * The sudo caller of this process, if it runs under sudo for a user other than root.
   *
   * @throws InvalidInputException when {@code SUDO_UID}/{@code SUDO_GID} are not ids
   */
  public static Optional<SudoCaller> of(HostOps host) {
    Optional<String> uidText = host.getenv("SUDO_UID");
    if (uidText.isEmpty()) {
      return Optional.empty();
    }
    int uid = parse("SUDO_UID", uidText.get());
    int gid = parse("SUDO_GID", host.getenv("SUDO_GID").orElse(""));
    if (uid == 0) {
      return Optional.empty();
    }
    return Optional.of(new SudoCaller(uid, gid, groupsOf(host, uid)));
  }

  private static int parse(String name, String text) {
    try {
      int id = Integer.parseInt(text);
      if (id >= 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new InvalidInputException(name, "not an id: " + RefusedException.quote(text));
  }

  /**
   * The groups {@code /etc/group} lists the user of {@code uid} in (its name from
   * {@code /etc/passwd}). Unreadable or missing files give no groups: fewer rights, never more.
   */
  static List<Integer> groupsOf(HostOps host, int uid) {
    String name = null;
    for (String line : lines(host, "/etc/passwd")) {
      String[] f = line.split(":", -1);
      if (f.length >= 3 && f[2].equals(Integer.toString(uid))) {
        name = f[0];
        break;
      }
    }
    List<Integer> groups = new ArrayList<>();
    if (name == null) {
      return groups;
    }
    for (String line : lines(host, "/etc/group")) {
      String[] f = line.split(":", -1);
      if (f.length >= 4 && List.of(f[3].split(",")).contains(name)) {
        try {
          groups.add(Integer.parseInt(f[2]));
        } catch (NumberFormatException e) {
          // a malformed line grants nothing
        }
      }
    }
    return groups;
  }

  private static List<String> lines(HostOps host, String path) {
    try (Handle h = host.open(path, CallerSourceAccess.READ)) {
      return List.of(new String(host.read(h, 4 * 1024 * 1024), StandardCharsets.UTF_8).split("\n"));
    } catch (HostException e) {
      return List.of();
    }
  }
}
