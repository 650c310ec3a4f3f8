package org.fcproc;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The checks every argument passes before anything on the host is touched (docs/DESIGN.md#design-rules). Each
 * failure is an {@link InvalidInputException} naming the argument and the rule.
 *
 * <p>Paths must be absolute and clean: no empty, {@code .} or {@code ..} component and no
 * trailing slash, so that the path core acts on is the path the caller wrote. A newline or a
 * space inside a path is allowed (catalogue J12, C8: the kernel allows them and mountinfo escapes
 * them); a NUL never is, since no syscall can carry it. Single names (a file name inside the
 * chroot, an interface name) may hold neither NUL nor newline.
 */
final class Inputs {
  /** {@code sizeof(sun_path) - 1}: the NUL terminator needs the last byte. */
  static final int MAX_SOCKET_PATH_BYTES = 107;

  /** {@code IFNAMSIZ - 1}. */
  static final int MAX_INTERFACE_NAME_BYTES = 15;

  private Inputs() {}

  static String absolutePath(String field, String path) {
    if (path == null || path.isEmpty()) {
      throw new InvalidInputException(field, "path is empty");
    }
    if (path.indexOf('\0') >= 0) {
      throw new InvalidInputException(field, "path contains a NUL byte");
    }
    if (path.charAt(0) != '/') {
      throw new InvalidInputException(field, "path " + RefusedException.quote(path) + " is not absolute");
    }
    requireRepresentable(field, "path", path);
    if (path.length() > 1) {
      if (path.endsWith("/")) {
        throw new InvalidInputException(field, "path " + RefusedException.quote(path) + " ends with '/'");
      }
      for (String component : path.substring(1).split("/", -1)) {
        if (component.isEmpty() || component.equals(".") || component.equals("..")) {
          throw new InvalidInputException(
              field, "path " + RefusedException.quote(path) + " has an empty, '.' or '..' component");
        }
      }
    }
    return path;
  }

  static String socketPath(String field, String path) {
    absolutePath(field, path);
    int bytes = path.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_SOCKET_PATH_BYTES) {
      throw new InvalidInputException(
          field, "socket path is " + bytes + " bytes; sun_path holds at most " + MAX_SOCKET_PATH_BYTES);
    }
    return path;
  }

  /** One path component: a file name inside the chroot. */
  static String name(String field, String name) {
    if (name == null || name.isEmpty()) {
      throw new InvalidInputException(field, "name is empty");
    }
    if (name.equals(".") || name.equals("..")) {
      throw new InvalidInputException(field, "name may not be '" + name + "'");
    }
    if (name.indexOf('/') >= 0) {
      throw new InvalidInputException(field, "name " + RefusedException.quote(name) + " contains '/'");
    }
    if (name.indexOf('\0') >= 0 || name.indexOf('\n') >= 0) {
      throw new InvalidInputException(field, "name contains a NUL or a newline");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > 255) {
      throw new InvalidInputException(field, "name is longer than 255 bytes");
    }
    requireRepresentable(field, "name", name);
    return name;
  }

  /**
   * Refuses text that cannot name a file exactly. The JVM decodes a command line's bytes with the
   * locale's charset and puts U+FFFD (or, in a non-UTF-8 locale, a lossy character) for bytes it
   * cannot decode; acting on such a string would act on another path than the one the caller
   * wrote. So a U+FFFD or an unpaired surrogate is refused instead of silently turned into another
   * path. (The command line also refuses any non-ASCII argument when the locale does not decode
   * file names as UTF-8.)
   */
  static void requireRepresentable(String field, String what, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean bad = c == '\uFFFD'
          || (Character.isHighSurrogate(c) && (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))))
          || (Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1))));
      if (bad) {
        throw new InvalidInputException(field, what + " " + RefusedException.quote(text)
            + " holds bytes that are not valid UTF-8 (shown as U+FFFD), so it cannot be named exactly");
      }
    }
  }

  /**
   * The kernel's {@code dev_valid_name} — 1 to 15 bytes, no '/', ':' or white space — and no
   * leading {@code -}: such a name reaches {@code ip} as an option ({@code ip link del -x} ...).
   */
  static String interfaceName(String field, String name) {
    if (name == null || name.isEmpty()) {
      throw new InvalidInputException(field, "interface name is empty");
    }
    if (name.startsWith("-")) {
      throw new InvalidInputException(field, "interface name " + RefusedException.quote(name)
          + " begins with '-' (a command would take it for an option)");
    }
    requireRepresentable(field, "interface name", name);
    if (name.equals(".") || name.equals("..")) {
      throw new InvalidInputException(field, "interface name may not be '" + name + "'");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_INTERFACE_NAME_BYTES) {
      throw new InvalidInputException(
          field, "interface name " + RefusedException.quote(name) + " is longer than " + MAX_INTERFACE_NAME_BYTES + " bytes");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || c == ':' || Character.isWhitespace(c) || c == '\0' || c < 0x20) {
        throw new InvalidInputException(
            field, "interface name " + RefusedException.quote(name) + " contains '/', ':', white space or a control character");
      }
    }
    return name;
  }

  static int id(String field, int id) {
    if (id < 0) {
      throw new InvalidInputException(field, "id is negative: " + id);
    }
    return id;
  }

  static int pid(String field, int pid) {
    if (pid <= 0) {
      throw new InvalidInputException(
          field, "pid must be positive (0 and negative pids name process groups): " + pid);
    }
    return pid;
  }

  static Duration positive(String field, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new InvalidInputException(field, "duration must be positive: " + d);
    }
    return d;
  }

  static String ipv4(String field, String ip) {
    if (ip == null || ip.isEmpty()) {
      throw new InvalidInputException(field, "IPv4 address is empty");
    }
    String[] parts = ip.split("\\.", -1);
    if (parts.length != 4) {
      throw new InvalidInputException(field, "not a dotted-quad IPv4 address: " + RefusedException.quote(ip));
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255
          || (p.length() > 1 && p.charAt(0) == '0')) {
        throw new InvalidInputException(field, "not a dotted-quad IPv4 address: " + RefusedException.quote(ip));
      }
    }
    return ip;
  }

  static String prefixLength(String field, String cidr) {
    if (cidr == null || cidr.isEmpty() || cidr.length() > 2 || !cidr.chars().allMatch(Character::isDigit)
        || Integer.parseInt(cidr) > 32) {
      throw new InvalidInputException(field, "prefix length must be 0 to 32: " + RefusedException.quote(String.valueOf(cidr)));
    }
    return cidr;
  }
}
