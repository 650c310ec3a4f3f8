package org.fcproc.linux.sudo;

import java.util.List;

/** The links of the test JVM's own network namespace, as {@code ip} shows them. */
final class Network {
  private Network() {}

  /** Every link's name ({@code ip -o link show}; a {@code name@parent} is cut at the {@code @}). */
  static List<String> links() {
    return Root.must("ip", "-o", "link", "show").lines()
        .map(l -> l.split(": ", 3)[1])
        .map(n -> n.contains("@") ? n.substring(0, n.indexOf('@')) : n)
        .toList();
  }

  /** {@code ip -d link show NAME}, or null when there is no such link. */
  static String link(String name) {
    Root.Result r = Root.run("ip", "-d", "link", "show", "dev", name);
    return r.ok() ? r.output() : null;
  }

  /**
   * Every link with its details and addresses: what a refused network command must leave as it
   * was. A bridge's running timers ({@code gc_timer 117.47}, ...) tick by themselves and are left
   * out.
   */
  static String state() {
    return (Root.must("ip", "-d", "link", "show") + Root.must("ip", "addr", "show"))
        .replaceAll("\\b\\w+_timer\\s+[0-9.]+", "");
  }
}
