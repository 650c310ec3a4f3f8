package org.fcproc.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.fcproc.host.Errno;
import org.fcproc.host.HostException;
import org.fcproc.host.LinkInfo;

/**
 * The network links of the host, by name. A new host has only {@code lo}, up, with
 * {@code 127.0.0.1/8}. Deleting a bridge releases its ports ({@code br_dev_delete}).
 */
final class NetLinks {
  private static final class Link {
    final int index;
    final String name;
    final LinkInfo.Kind kind;
    boolean up;
    String master = "";
    OptionalInt owner = OptionalInt.empty();
    OptionalInt group = OptionalInt.empty();
    /** A TAP some process has open (a queue attached): it carries. */
    boolean attached;
    final List<String> addresses = new ArrayList<>();

    Link(int index, String name, LinkInfo.Kind kind) {
      this.index = index;
      this.name = name;
      this.kind = kind;
    }

    LinkInfo info() {
      return new LinkInfo(name, kind, up, master, owner, group, addresses);
    }
  }

  private final TreeMap<String, Link> links = new TreeMap<>();
  private int nextIndex = 1;

  NetLinks() {
    Link lo = add("lo", LinkInfo.Kind.OTHER);
    lo.up = true;
    lo.addresses.add("127.0.0.1/8");
  }

  private Link add(String name, LinkInfo.Kind kind) {
    Link l = new Link(nextIndex++, name, kind);
    links.put(name, l);
    return l;
  }

  boolean exists(String name) {
    return links.containsKey(name);
  }

  void create(String name, LinkInfo.Kind kind) {
    if (exists(name)) {
      throw new IllegalStateException("link " + name + " exists");
    }
    add(name, kind);
  }

  void createTap(String name, int owner, int group) {
    Link l = add(name, LinkInfo.Kind.TAP);
    l.owner = OptionalInt.of(owner);
    l.group = OptionalInt.of(group);
  }

  void delete(String name) {
    links.remove(name);
    for (Link l : links.values()) {
      if (l.master.equals(name)) {
        l.master = "";
      }
    }
  }

  void setUp(String name, boolean up) {
    links.get(name).up = up;
  }

  void setMaster(String name, String master) {
    links.get(name).master = master;
  }

  /** False when the address was there already. */
  boolean addAddress(String name, String cidr) {
    Link l = links.get(name);
    if (l.addresses.contains(cidr)) {
      return false;
    }
    l.addresses.add(cidr);
    return true;
  }

  Optional<LinkInfo> get(String name) {
    Link l = links.get(name);
    return l == null ? Optional.empty() : Optional.of(l.info());
  }

  List<LinkInfo> all() {
    List<LinkInfo> out = new ArrayList<>();
    for (Link l : links.values()) {
      out.add(l.info());
    }
    return out;
  }

  /** One line in the shape of {@code ip link show}. */
  String describe(String name) {
    Link l = links.get(name);
    String flags = l.name.equals("lo") ? "LOOPBACK," : "BROADCAST,MULTICAST,";
    flags += l.up ? "UP,LOWER_UP" : "";
    if (flags.endsWith(",")) {
      flags = flags.substring(0, flags.length() - 1);
    }
    StringBuilder sb = new StringBuilder()
        .append(l.index).append(": ").append(l.name).append(": <").append(flags).append("> mtu 1500");
    if (!l.master.isEmpty()) {
      sb.append(" master ").append(l.master);
    }
    sb.append(" state ").append(l.up ? "UP" : "DOWN");
    if (l.kind == LinkInfo.Kind.BRIDGE) {
      sb.append(" bridge");
    } else if (l.kind == LinkInfo.Kind.TAP) {
      sb.append(" tun");
    }
    return sb.append('\n').toString();
  }

  // ---------------------------------------------------------------- the TAP calls of HostOps (appended)

  // The order of the checks is the kernel's as LinuxHost meets it: a name looked up before the
  // capability is checked gives ENODEV/EEXIST to anyone.

  /** {@link org.fcproc.host.HostOps#createTap}: EEXIST when the name is taken. */
  void createTap(Op op, String name, int uid, int gid) throws HostException {
    requireName(op, name);
    if (uid < 0 || gid < 0) {
      throw op.fail(Errno.EINVAL, "negative id " + uid + ":" + gid);
    }
    if (exists(name)) {
      throw op.fail(Errno.EEXIST, "a link of that name exists");
    }
    requireRoot(op);
    createTap(name, uid, gid);
  }

  /**
   * {@link org.fcproc.host.HostOps#deleteLink}: TAPs only, as the tun driver deletes them. Like
   * {@code tun_not_capable}, the TAP's owner (uid and gid both matching where set) may delete it
   * without {@code CAP_NET_ADMIN}.
   */
  void deleteTap(Op op, String name) throws HostException {
    requireName(op, name);
    Link l = links.get(name);
    if (l == null) {
      throw op.fail(Errno.ENODEV, "no such link");
    }
    if (l.kind != LinkInfo.Kind.TAP) {
      throw op.fail(Errno.EOPNOTSUPP, "not a TAP: only TAPs are deleted this way");
    }
    if (l.attached) {
      throw op.fail(Errno.EBUSY, "a process has the TAP open");
    }
    boolean ownerOk = l.owner.isEmpty() || l.owner.getAsInt() < 0 || l.owner.getAsInt() == op.access().uid();
    boolean groupOk = l.group.isEmpty() || l.group.getAsInt() < 0 || l.group.getAsInt() == op.access().gid();
    if (!(ownerOk && groupOk)) {
      requireRoot(op);
    }
    delete(name);
  }

  /** {@link org.fcproc.host.HostOps#setLinkMaster}: {@code br_add_if}'s checks, in its order. */
  void setMaster(Op op, String name, String bridge) throws HostException {
    requireName(op, name);
    requireName(op, bridge);
    Link l = links.get(name);
    if (l == null) {
      throw op.fail(Errno.ENODEV, "no such link");
    }
    requireRoot(op);
    Link br = links.get(bridge);
    if (br == null) {
      throw op.fail(Errno.ENODEV, "no such bridge");
    }
    if (br.kind != LinkInfo.Kind.BRIDGE) {
      throw op.fail(Errno.EOPNOTSUPP, bridge + " is not a bridge");
    }
    if (l.kind == LinkInfo.Kind.BRIDGE) {
      throw op.fail(Errno.ELOOP, "a bridge cannot be a port");
    }
    if (!l.master.isEmpty()) {
      throw op.fail(Errno.EBUSY, "already a port of " + l.master);
    }
    l.master = bridge;
  }

  /** {@link org.fcproc.host.HostOps#setLinkUp}. */
  void setUp(Op op, String name) throws HostException {
    requireName(op, name);
    Link l = links.get(name);
    if (l == null) {
      throw op.fail(Errno.ENODEV, "no such link");
    }
    requireRoot(op);
    l.up = true;
  }

  private static void requireRoot(Op op) throws HostException {
    if (!op.access().privileged()) {
      throw op.fail(Errno.EPERM, "CAP_NET_ADMIN needed");
    }
  }

  private static void requireName(Op op, String name) throws HostException {
    if (name == null || name.isEmpty() || name.length() >= 16 || name.equals(".") || name.equals("..")
        || name.chars().anyMatch(c -> c <= ' ' || c == '/' || c == ':' || c > '~')) {
      throw op.fail(Errno.EINVAL, "not a valid interface name");
    }
  }

  // ---------------------------------------------------------------- links for the sweep (appended)

  /** {@link org.fcproc.host.HostOps#linkNames}: every name, in index order as the kernel lists them. */
  List<String> names() {
    List<Link> all = new ArrayList<>(links.values());
    all.sort((a, b) -> Integer.compare(a.index, b.index));
    List<String> out = new ArrayList<>();
    for (Link l : all) {
      out.add(l.name);
    }
    return out;
  }

  /** {@link org.fcproc.host.HostOps#tapInUse}: ENODEV, EINVAL for a non-TAP, else the flag. */
  boolean tapInUse(Op op, String name) throws HostException {
    requireName(op, name);
    Link l = links.get(name);
    if (l == null) {
      throw op.fail(Errno.ENODEV, "no such link");
    }
    if (l.kind != LinkInfo.Kind.TAP) {
      throw op.fail(Errno.EINVAL, "not a TAP");
    }
    return l.attached;
  }

  /** The fixture: a process opens (true) or closes (false) the TAP. */
  void setAttached(String name, boolean attached) {
    Link l = links.get(name);
    if (l == null || l.kind != LinkInfo.Kind.TAP) {
      throw new IllegalStateException("no TAP " + name);
    }
    l.attached = attached;
  }
}
