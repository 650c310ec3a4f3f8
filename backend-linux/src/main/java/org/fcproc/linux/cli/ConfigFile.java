package org.fcproc.linux.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fcproc.Config;

/**
 * The seed's {@code Config} as a file for {@code --config FILE}: one {@code key = value} a line,
 * blank lines and lines starting with {@code #} ignored, whitespace around key and value
 * trimmed. The keys are the seed's field names:
 *
 * <pre>
 * # /etc/fcproc.conf
 * firecracker_bin = /usr/bin/firecracker
 * bridge_name     = fcbr0
 * bridge_ip       = 172.16.0.1
 * cidr            = 24
 * runtime_dir     = /run/fcproc
 * </pre>
 *
 * A key left out keeps its default ({@link #DEFAULTS}); an unknown key, a repeated key or a line
 * without {@code =} is an error naming the file and line. Command-line options override the
 * file.
 */
final class ConfigFile {
  static final String FIRECRACKER_BIN = "firecracker_bin";
  static final String BRIDGE_NAME = "bridge_name";
  static final String BRIDGE_IP = "bridge_ip";
  static final String CIDR = "cidr";
  static final String RUNTIME_DIR = "runtime_dir";
  static final List<String> KEYS = List.of(FIRECRACKER_BIN, BRIDGE_NAME, BRIDGE_IP, CIDR, RUNTIME_DIR);

  /** The command line's defaults; the seed hard-codes none. */
  static final Config DEFAULTS = new Config("firecracker", "fcbr0", "172.16.0.1", "24", "/run/fcproc");

  /** A bad config file: a usage error (exit 2). */
  static final class BadConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    BadConfigException(String message) {
      super(message);
    }
  }

  private ConfigFile() {}

  static Config read(Path file, Config base) throws BadConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BadConfigException("config file " + file + ": cannot read it: " + e);
    }
    return parse(text, file.toString(), base);
  }

  static Config parse(String text, String source, Config base) throws BadConfigException {
    Map<String, String> values = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = "config file " + source + " line " + (i + 1);
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new BadConfigException(where + ": expected key = value, got \"" + line + "\"");
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      if (!KEYS.contains(key)) {
        throw new BadConfigException(where + ": unknown key \"" + key + "\" (known: " + String.join(", ", KEYS) + ")");
      }
      if (values.put(key, value) != null) {
        throw new BadConfigException(where + ": key \"" + key + "\" given twice");
      }
    }
    return new Config(
        values.getOrDefault(FIRECRACKER_BIN, base.firecrackerBin()),
        values.getOrDefault(BRIDGE_NAME, base.bridgeName()),
        values.getOrDefault(BRIDGE_IP, base.bridgeIp()),
        values.getOrDefault(CIDR, base.cidr()),
        values.getOrDefault(RUNTIME_DIR, base.runtimeDir()));
  }
}
