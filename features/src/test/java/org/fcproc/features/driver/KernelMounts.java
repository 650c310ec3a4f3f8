package org.fcproc.features.driver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code /proc/self/mountinfo}, parsed: escapes decoded, never split a path on white space. */
final class KernelMounts {
  private KernelMounts() {}

  /**
   * One line of mountinfo.
   *
   * @param dev {@code major:minor} of the filesystem
   * @param root the mount's root within its filesystem
   * @param options the per-mount options (field 6)
   * @param optional the optional fields ({@code shared:N}, {@code master:N}, ...), space-joined
   */
  record Entry(int id, int parentId, String dev, String root, String mountPoint, String options, String optional,
      String fstype, String source) {
    boolean readOnly() {
      return List.of(options.split(",")).contains("ro");
    }

    /** Private propagation: neither shared nor a slave. */
    boolean isPrivate() {
      return !optional.contains("shared:") && !optional.contains("master:");
    }

    String propagation() {
      if (optional.contains("shared:")) {
        return optional.contains("master:") ? "shared+slave" : "shared";
      }
      if (optional.contains("master:")) {
        return "slave";
      }
      return optional.contains("unbindable") ? "unbindable" : "private";
    }
  }

  static List<Entry> read() {
    try {
      return parse(Files.readString(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Entry> parse(String text) {
    List<Entry> out = new ArrayList<>();
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
        throw new IllegalStateException("unreadable mountinfo line: " + line);
      }
      StringBuilder optional = new StringBuilder();
      for (int i = 6; i < dash; i++) {
        optional.append(optional.length() == 0 ? "" : " ").append(f[i]);
      }
      out.add(new Entry(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2], unescape(f[3]), unescape(f[4]), f[5],
          optional.toString(), unescape(f[dash + 1]), unescape(f[dash + 2])));
    }
    return out;
  }

  /** The kernel writes space, tab, newline and backslash as {@code \040 \011 \012 \134}. */
  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    byte[] raw = s.getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '\\' && i + 3 < raw.length && isOctal(raw, i + 1)) {
        out.write(((raw[i + 1] - '0') << 6) | ((raw[i + 2] - '0') << 3) | (raw[i + 3] - '0'));
        i += 3;
      } else {
        out.write(raw[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean isOctal(byte[] b, int at) {
    for (int i = at; i < at + 3; i++) {
      if (b[i] < '0' || b[i] > '7') {
        return false;
      }
    }
    return true;
  }

  /**
   * The host path whose tree a mount shows, as the simulator reports a mount's source: the
   * mount's root translated through the earliest mount of the same filesystem whose root
   * contains it ({@code /lib} of the overlay mounted at {@code /usr} is {@code /usr/lib});
   * the mount's root itself when no such mount is visible.
   */
  static String hostPathOf(Entry m, List<Entry> all) {
    Entry best = null;
    for (Entry o : all) {
      if (!o.dev().equals(m.dev()) || !within(m.root(), o.root())) {
        continue;
      }
      if (best == null || o.root().length() < best.root().length()
          || (o.root().length() == best.root().length() && o.id() < best.id())) {
        best = o;
      }
    }
    if (best == null) {
      return m.root();
    }
    String rest = m.root().substring(best.root().length());
    if (best.mountPoint().equals("/")) {
      return rest.isEmpty() ? "/" : (rest.startsWith("/") ? rest : "/" + rest);
    }
    if (rest.isEmpty()) {
      return best.mountPoint();
    }
    return best.mountPoint() + (rest.startsWith("/") ? rest : "/" + rest);
  }

  static boolean within(String path, String area) {
    return area.equals("/") || path.equals(area) || path.startsWith(area + "/");
  }
}
