package org.fcproc;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.OpenFlag;
import org.fcproc.host.OpenHow;
import org.fcproc.host.Resolve;

/**
 * What the privileged helper may do for a sudo caller: the root-owned policy at
 * {@value #PATH}. The caller of the helper is not trusted — sudoers' {@code *} lets it pass any
 * argument — so everything the helper does for it must lie within this file, which only root can
 * change.
 *
 * <pre>
 * jail_base    = /srv/jailer/firecracker   # staging, cleanup, sweep only of &lt;jail_base&gt;/&lt;id&gt;/root (repeatable)
 * socket_dir   = /run/fcproc               # socket hand-off beneath these, or beneath a chroot of a jail_base (repeatable)
 * vm_ids       = 100000-165535             # uids/gids a caller may give a VM besides its own (repeatable, optional)
 * tap_prefix   = fc-                       # TAP names a caller may create (optional: none, no TAP)
 * bridge_name  = fcbr0                     # the one bridge the helper sets up (optional: none, no bridge)
 * bridge_ip    = 172.16.0.1
 * cidr         = 24
 * audit_socket = /dev/log                  # where audit lines go (syslog datagrams; default /dev/log)
 * </pre>
 *
 * One {@code key = value} a line, {@code #} starts a comment, blank lines are ignored; an unknown
 * key, a repeated single-valued key or a bad value is an error naming the line. A
 * {@code jail_base} is the jailer's {@code <chroot base>/<exec name>}, as the sweep's base.
 *
 * <p>The file is trusted only if root alone can have written it: it and every directory above it
 * must be owned by root and writable by neither group nor others, and none may be a symlink
 * ({@link #load}). Otherwise every privileged command refuses.
 */
public record HelperPolicy(
    List<String> jailBases,
    List<String> socketDirs,
    List<IdRange> vmIds,
    String tapPrefix,
    String bridgeName,
    String bridgeIp,
    String cidr,
    String auditSocket) {

  /** The policy's fixed place: never an option, so a caller cannot name another. */
  public static final String PATH = "/etc/fcproc/helper.conf";
  /** Where audit lines go when the policy names no {@code audit_socket}: syslog's socket. */
  public static final String DEFAULT_AUDIT_SOCKET = "/dev/log";
  private static final int MAX_BYTES = 64 * 1024;

  /** An inclusive range of ids. */
  public record IdRange(int first, int last) {
    public IdRange {
      if (first < 0 || last < first) {
        throw new IllegalArgumentException("not a range of ids: " + first + "-" + last);
      }
    }

    boolean contains(int id) {
      return id >= first && id <= last;
    }

    @Override
    public String toString() {
      return first == last ? Integer.toString(first) : first + "-" + last;
    }
  }

  public HelperPolicy {
    jailBases = List.copyOf(jailBases);
    socketDirs = List.copyOf(socketDirs);
    vmIds = List.copyOf(vmIds);
    tapPrefix = tapPrefix == null ? "" : tapPrefix;
    bridgeName = bridgeName == null ? "" : bridgeName;
    bridgeIp = bridgeIp == null ? "" : bridgeIp;
    cidr = cidr == null ? "" : cidr;
    auditSocket = auditSocket == null || auditSocket.isEmpty() ? DEFAULT_AUDIT_SOCKET : auditSocket;
  }

  /** A bad policy file: the message names the file, the line and the rule. */
  public static final class BadPolicyException extends Exception {
    private static final long serialVersionUID = 1L;

    BadPolicyException(String message) {
      super(message);
    }
  }

  /**
   * Reads and checks {@code path} on {@code host}, without following a symlink anywhere on it.
   *
   * @throws RefusedException when the file or a directory above it could have been written by
   *     someone other than root (or is missing, or is not what it should be)
   * @throws BadPolicyException when its text is not a valid policy
   */
  public static HelperPolicy load(HostOps host, String path) throws FcprocException, BadPolicyException {
    Inputs.absolutePath("policy file", path);
    String op = "trust the helper policy";
    List<String> components = new ArrayList<>();
    for (String c : path.substring(1).split("/")) {
      components.add(c);
    }
    Handle dir = null;
    try {
      dir = host.open("/", OpenHow.directoryNoFollow());
      checkRootOwned(host, dir, "/", op, path, true);
      StringBuilder sofar = new StringBuilder();
      for (int i = 0; i < components.size() - 1; i++) {
        sofar.append('/').append(components.get(i));
        Handle next;
        try {
          next = host.openAt(dir, components.get(i), OpenHow.directoryNoFollow().resolving(Resolve.NO_SYMLINKS));
        } catch (HostException e) {
          throw refusal(op, path, sofar + ": " + e.errno() + " (" + e.call() + ")");
        }
        dir.close();
        dir = next;
        checkRootOwned(host, dir, sofar.toString(), op, path, true);
      }
      OpenHow read = new OpenHow(EnumSet.of(OpenFlag.READ, OpenFlag.NOFOLLOW, OpenFlag.NONBLOCK), 0,
          EnumSet.of(Resolve.NO_SYMLINKS));
      String text;
      try (Handle file = host.openAt(dir, components.get(components.size() - 1), read)) {
        checkRootOwned(host, file, path, op, path, false);
        byte[] bytes = host.read(file, MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
          throw new BadPolicyException(path + ": larger than " + MAX_BYTES + " bytes");
        }
        text = decode(path, bytes);
      } catch (HostException e) {
        throw refusal(op, path, path + ": " + e.errno() + " (" + e.call() + ")");
      }
      return parse(path, text);
    } catch (HostException e) {
      throw refusal(op, path, "/: " + e.errno() + " (" + e.call() + ")");
    } finally {
      if (dir != null) {
        dir.close();
      }
    }
  }

  private static RefusedException refusal(String op, String path, String why) {
    return new RefusedException(op, path, why + "; every privileged command refuses until root fixes it");
  }

  private static void checkRootOwned(HostOps host, Handle h, String where, String op, String path, boolean directory)
      throws FcprocException {
    FileStat st;
    try {
      st = host.fstat(h);
    } catch (HostException e) {
      throw refusal(op, path, where + ": fstat: " + e.errno());
    }
    if (directory ? !st.is(FileType.DIRECTORY) : !st.is(FileType.REGULAR)) {
      throw refusal(op, path, where + " is a " + SocketHandoff.describe(st.type()));
    }
    if (st.uid() != 0) {
      throw refusal(op, path, where + " is owned by uid " + st.uid() + ", not root");
    }
    if ((st.mode() & 022) != 0) {
      String who = (st.mode() & 022) == 022 ? "its group and others" : (st.mode() & 020) != 0 ? "its group" : "others";
      throw refusal(op, path, where + " is writable by " + who + " (mode " + st.octalMode() + ")");
    }
  }

  private static String decode(String path, byte[] bytes) throws BadPolicyException {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new BadPolicyException(path + ": not UTF-8 text");
    }
  }

  /** Parses a policy's text; {@code source} names it in errors. */
  public static HelperPolicy parse(String source, String text) throws BadPolicyException {
    Map<String, List<String>> values = new LinkedHashMap<>();
    List<String> repeatable = List.of("jail_base", "socket_dir", "vm_ids");
    List<String> known = List.of("jail_base", "socket_dir", "vm_ids", "tap_prefix", "bridge_name", "bridge_ip", "cidr",
        "audit_socket");
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      line = line.strip();
      if (line.isEmpty()) {
        continue;
      }
      String where = source + ":" + (i + 1) + ": ";
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new BadPolicyException(where + "expected key = value");
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      if (!known.contains(key)) {
        throw new BadPolicyException(where + "unknown key \"" + key + "\" (known: " + String.join(", ", known) + ")");
      }
      if (value.isEmpty()) {
        throw new BadPolicyException(where + key + " has no value");
      }
      if (values.containsKey(key) && !repeatable.contains(key)) {
        throw new BadPolicyException(where + key + " is given twice");
      }
      try {
        check(key, value);
      } catch (IllegalArgumentException e) { // InvalidInputException included
        throw new BadPolicyException(where + e.getMessage());
      }
      values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    List<IdRange> ids = new ArrayList<>();
    for (String r : values.getOrDefault("vm_ids", List.of())) {
      ids.add(range(r));
    }
    if (values.containsKey("bridge_name") != values.containsKey("bridge_ip")
        || values.containsKey("bridge_name") != values.containsKey("cidr")) {
      throw new BadPolicyException(source + ": bridge_name, bridge_ip and cidr go together");
    }
    return new HelperPolicy(values.getOrDefault("jail_base", List.of()), values.getOrDefault("socket_dir", List.of()),
        ids, single(values, "tap_prefix"), single(values, "bridge_name"), single(values, "bridge_ip"),
        single(values, "cidr"), single(values, "audit_socket"));
  }

  private static String single(Map<String, List<String>> values, String key) {
    List<String> v = values.get(key);
    return v == null ? "" : v.get(0);
  }

  private static void check(String key, String value) {
    switch (key) {
      case "jail_base" -> {
        Inputs.absolutePath(key, value);
        if (NoFollowPaths.parent(value).equals("/")) {
          throw new InvalidInputException(key, "must be <jail base>/<exec name> under a jail base other than /");
        }
        Inputs.name(key, NoFollowPaths.leaf(value));
      }
      case "socket_dir", "audit_socket" -> {
        Inputs.absolutePath(key, value);
        if (value.equals("/")) {
          throw new InvalidInputException(key, "may not be /");
        }
      }
      case "vm_ids" -> range(value);
      case "tap_prefix" -> {
        if (value.length() >= Inputs.MAX_INTERFACE_NAME_BYTES) {
          throw new InvalidInputException(key, "must leave room for a name: under " + Inputs.MAX_INTERFACE_NAME_BYTES + " bytes");
        }
        Inputs.interfaceName(key, value);
      }
      case "bridge_name" -> Inputs.interfaceName(key, value);
      case "bridge_ip" -> Inputs.ipv4(key, value);
      case "cidr" -> Inputs.prefixLength(key, value);
      default -> throw new IllegalStateException(key);
    }
  }

  private static IdRange range(String value) {
    String[] parts = value.split("-", -1);
    try {
      if (parts.length == 1) {
        int id = Integer.parseInt(parts[0].strip());
        return new IdRange(id, id);
      }
      if (parts.length == 2) {
        return new IdRange(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("vm_ids: not an id or a range FIRST-LAST: \"" + value + "\"");
  }

  /** Whether a chroot's {@code <jail base>/<exec name>} is one of the policy's. */
  boolean coversJail(JailPath jail) {
    return jailBases.contains(jail.execDir());
  }

  /** The jail base of the policy a socket path lies beneath the chroot of, or a socket dir it lies beneath. */
  Optional<String> coverForSocket(String socketPath) {
    for (String dir : socketDirs) {
      if (socketPath.startsWith(dir + "/")) {
        return Optional.of(dir);
      }
    }
    return JailPath.enclosing(NoFollowPaths.parent(socketPath)).filter(this::coversJail).map(JailPath::chrootRoot);
  }

  boolean allowsVmId(int id) {
    return vmIds.stream().anyMatch(r -> r.contains(id));
  }

  /** The policy as {@code fcproc policy check} prints it. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("jail_base", jailBases);
    m.put("socket_dir", socketDirs);
    m.put("vm_ids", vmIds.stream().map(IdRange::toString).toList());
    m.put("tap_prefix", tapPrefix);
    m.put("bridge_name", bridgeName);
    m.put("bridge_ip", bridgeIp);
    m.put("cidr", cidr);
    m.put("audit_socket", auditSocket);
    return m;
  }
}
