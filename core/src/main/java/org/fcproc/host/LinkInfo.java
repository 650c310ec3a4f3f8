package org.fcproc.host;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A network link as {@code ip -details link show} describes it.
 *
 * @param name the interface name
 * @param kind what it is
 * @param up administratively up ({@code IFF_UP})
 * @param master the bridge it is enslaved to, empty when none
 * @param owner for a TAP, the uid allowed to attach to it
 * @param group for a TAP, the gid allowed to attach to it
 * @param addresses IPv4 addresses in {@code a.b.c.d/n} form
 */
public record LinkInfo(
    String name, Kind kind, boolean up, String master, OptionalInt owner, OptionalInt group, List<String> addresses) {

  /** The link kinds fcproc tells apart. */
  public enum Kind {
    BRIDGE,
    TAP,
    VETH,
    OTHER
  }

  public LinkInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(master, "master");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(group, "group");
    addresses = List.copyOf(addresses);
  }
}
