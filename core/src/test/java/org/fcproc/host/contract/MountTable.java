package org.fcproc.host.contract;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A minimal reader of {@code /proc/self/mountinfo} for the contract suite (core has its own):
 * fields split on single spaces, the {@code \ooo} octal escapes decoded.
 */
final class MountTable {
  private MountTable() {}

  /** One line of mountinfo. {@code optional} holds fields such as {@code shared:3}. */
  record Entry(
      long id,
      long parentId,
      String root,
      String mountPoint,
      String rawMountPoint,
      List<String> mountOptions,
      List<String> optional,
      String fstype,
      String source) {}

  static List<Entry> parse(String text) {
    List<Entry> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split(" ");
      int dash = Arrays.asList(f).indexOf("-");
      if (dash < 6 || f.length < dash + 3) {
        throw new IllegalArgumentException("bad mountinfo line: " + line);
      }
      out.add(new Entry(
          Long.parseLong(f[0]),
          Long.parseLong(f[1]),
          unescape(f[3]),
          unescape(f[4]),
          f[4],
          List.of(f[5].split(",")),
          List.of(Arrays.copyOfRange(f, 6, dash)),
          unescape(f[dash + 1]),
          unescape(f[dash + 2])));
    }
    return out;
  }

  /** The topmost (last listed) mount at {@code mountPoint}. */
  static Optional<Entry> at(String text, String mountPoint) {
    Entry found = null;
    for (Entry e : parse(text)) {
      if (e.mountPoint().equals(mountPoint)) {
        found = e;
      }
    }
    return Optional.ofNullable(found);
  }

  static String unescape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && isOctal(s, i + 1)) {
        sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '7') {
        return false;
      }
    }
    return true;
  }
}
