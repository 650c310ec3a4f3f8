package org.fcproc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;

/**
 * The mount table, parsed from {@code /proc/self/mountinfo} (docs/DESIGN.md#mounts-from-mountinfo) rather than from
 * {@code findmnt} text. The kernel escapes space, tab, newline and backslash in the root and
 * mount-point fields as {@code \040 \011 \012 \134} ({@code show_mountinfo} →
 * {@code seq_path_root} with {@code " \t\n\\"}), so a line is split on single spaces and each
 * field decoded; a mount path is never split on white space (catalogue C8, J12).
 */
final class MountTable {

  /**
   * One line of mountinfo.
   *
   * @param tags the optional fields between the options and the {@code -}: {@code shared:N},
   *     {@code master:N}, {@code propagate_from:N}, {@code unbindable}
   */
  record Entry(
      int id, int parentId, String root, String mountPoint, String options, List<String> tags, String fstype, String source) {

    /** In a peer group: a mount made on it is copied to every peer ({@code shared:N}). */
    boolean isShared() {
      return tags.stream().anyMatch(t -> t.startsWith("shared:"));
    }
  }

  private final List<Entry> entries;

  private MountTable(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  static MountTable read(HostOps host) throws FcprocException {
    try {
      return parse(host.mountInfo());
    } catch (HostException e) {
      throw new FcprocException("read /proc/self/mountinfo", e);
    }
  }

  static MountTable parse(String text) throws FcprocException {
    List<Entry> entries = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split(" ");
      int dash = -1;
      for (int i = 6; i < f.length; i++) {
        if (f[i].equals("-")) {
          dash = i;
          break;
        }
      }
      if (dash < 0 || f.length < dash + 3) {
        throw new FcprocException("malformed mountinfo line: " + line);
      }
      try {
        entries.add(new Entry(
            Integer.parseInt(f[0]),
            Integer.parseInt(f[1]),
            decode(f[3]),
            decode(f[4]),
            f[5],
            List.of(f).subList(6, dash),
            f[dash + 1],
            decode(f[dash + 2])));
      } catch (NumberFormatException e) {
        throw new FcprocException("malformed mountinfo line: " + line);
      }
    }
    return new MountTable(entries);
  }

  /** Undoes the kernel's octal escapes ({@code \ooo}). */
  static String decode(String field) {
    if (field.indexOf('\\') < 0) {
      return field;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(field.length());
    byte[] raw = field.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '\\' && isOctal(raw, i + 1)) {
        out.write(((raw[i + 1] - '0') << 6) | ((raw[i + 2] - '0') << 3) | (raw[i + 3] - '0'));
        i += 3;
      } else {
        out.write(raw[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean isOctal(byte[] raw, int from) {
    if (from + 2 >= raw.length) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (raw[i] < '0' || raw[i] > '7') {
        return false;
      }
    }
    return true;
  }

  List<Entry> entries() {
    return entries;
  }

  /** The entry with this mount id, if the mount is attached. */
  java.util.Optional<Entry> byId(long id) {
    return entries.stream().filter(e -> e.id() == id).findFirst();
  }

  /** Mounts at {@code root} or below it, deepest first (children before parents; among equal
   *  depth, the newer mount first, since it sits on top). */
  List<Entry> atOrUnder(String root) {
    String prefix = root.equals("/") ? "/" : root + "/";
    List<Entry> found = new ArrayList<>();
    for (Entry e : entries) {
      if (e.mountPoint().equals(root) || e.mountPoint().startsWith(prefix)) {
        found.add(e);
      }
    }
    found.sort(Comparator.comparingInt((Entry e) -> depth(e.mountPoint())).reversed()
        .thenComparing(Comparator.comparingInt(Entry::id).reversed()));
    return found;
  }

  private static int depth(String path) {
    int n = 0;
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '/') {
        n++;
      }
    }
    return n;
  }
}
