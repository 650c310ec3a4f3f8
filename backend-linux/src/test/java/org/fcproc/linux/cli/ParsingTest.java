package org.fcproc.linux.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.fcproc.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

/** The command line's own parsing: durations, --drive, the config file, the pgrep rewrite. */
class ParsingTest {

  @Test
  void durations() {
    assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationConverter.parse("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DurationConverter.parse("1500ms")).isEqualTo(Duration.ofMillis(1500));
    assertThat(DurationConverter.format(Duration.ofMillis(500))).isEqualTo("500ms");
    assertThat(DurationConverter.format(Duration.ofSeconds(10))).isEqualTo("10s");
    assertThat(DurationConverter.format(Duration.ofMinutes(2))).isEqualTo("2m");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "5h", "1.5s", "-1s", "0s", "0ms", " 5s", "5s ", "5 s", "PT5S", "5S", "ms", "10000000000s"})
  void badDurationsAreRefusedWithTheFormsThatWork(String bad) {
    assertThatThrownBy(() -> DurationConverter.parse(bad))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("'" + bad + "'");
  }

  @Test
  void drives() {
    assertThat(DriveArg.parse("rootfs=/var/lib/fcproc/vm1/rootfs.ext4"))
        .isEqualTo(new DriveArg("rootfs", "/var/lib/fcproc/vm1/rootfs.ext4"));
    assertThat(DriveArg.parse("data=/srv/a=b")).isEqualTo(new DriveArg("data", "/srv/a=b"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "rootfs", "=/srv/x", "rootfs=", "="})
  void badDrivesAreRefused(String bad) {
    assertThatThrownBy(() -> DriveArg.parse(bad))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("NAME=PATH");
  }

  @Test
  void configFileOverridesTheDefaultsKeyByKey() throws Exception {
    Config c = ConfigFile.parse(
        "# fcproc\n\nfirecracker_bin = /usr/local/bin/firecracker\n  bridge_name=br-vm  \ncidr = 16\r\n",
        "test.conf", ConfigFile.DEFAULTS);
    assertThat(c).isEqualTo(new Config("/usr/local/bin/firecracker", "br-vm", "172.16.0.1", "16", "/run/fcproc"));
    assertThat(ConfigFile.parse("", "empty", ConfigFile.DEFAULTS)).isEqualTo(ConfigFile.DEFAULTS);
    assertThat(ConfigFile.parse("runtime_dir = /run/x\nbridge_ip = 10.0.0.1", "f", ConfigFile.DEFAULTS))
        .isEqualTo(new Config("firecracker", "fcbr0", "10.0.0.1", "24", "/run/x"));
    assertThat(ConfigFile.parse("runtime_dir =", "f", ConfigFile.DEFAULTS).runtimeDir()).isEmpty();
  }

  @Test
  void badConfigFilesNameTheFileAndLine() {
    assertThatThrownBy(() -> ConfigFile.parse("cidr = 24\nbridge = fcbr0\n", "a.conf", ConfigFile.DEFAULTS))
        .hasMessageContaining("a.conf line 2")
        .hasMessageContaining("unknown key \"bridge\"");
    assertThatThrownBy(() -> ConfigFile.parse("cidr = 24\ncidr = 16\n", "a.conf", ConfigFile.DEFAULTS))
        .hasMessageContaining("a.conf line 2")
        .hasMessageContaining("given twice");
    assertThatThrownBy(() -> ConfigFile.parse("\n\nfcbr0\n", "a.conf", ConfigFile.DEFAULTS))
        .hasMessageContaining("a.conf line 3")
        .hasMessageContaining("key = value");
  }

  @Test
  void onlyPgrepNewestIsRewritten() {
    assertThat(CliHost.isNewestPgrep(List.of("pgrep", "-n", "-f", "/run/x\\.sock"))).isTrue();
    assertThat(CliHost.isNewestPgrep(List.of("pgrep", "-f", "/run/x"))).isFalse();
    assertThat(CliHost.isNewestPgrep(List.of("ip", "-n", "-f", "x"))).isFalse();
    assertThat(CliHost.isNewestPgrep(List.of())).isFalse();
  }

  @Test
  void jsonEscaping() {
    assertThat(JsonWriter.write("plain")).isEqualTo("\"plain\"");
    assertThat(JsonWriter.write("a\"b\\c/d")).isEqualTo("\"a\\\"b\\\\c/d\"");
    assertThat(JsonWriter.write("\b\f\n\r\t")).isEqualTo("\"\\b\\f\\n\\r\\t\"");
    assertThat(JsonWriter.write("\u0000\u0001\u001f\u007f")).isEqualTo("\"\\u0000\\u0001\\u001f\\u007f\"");
    assertThat(JsonWriter.write("é€")).isEqualTo("\"\\u00e9\\u20ac\"");
    assertThat(JsonWriter.write("\uD83D\uDE00")).isEqualTo("\"\\ud83d\\ude00\"");
    assertThat(JsonWriter.write("\u2028")).isEqualTo("\"\\u2028\"");
  }

  @Test
  void jsonValues() {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("command", "vm pid");
    m.put("ok", true);
    m.put("pid", 1234);
    m.put("big", 1L << 40);
    m.put("none", null);
    m.put("list", List.of("a", 1, false));
    m.put("nested", Map.of("k\n", "v"));
    m.put("empty", List.of());
    assertThat(JsonWriter.write(m)).isEqualTo(
        "{\"command\":\"vm pid\",\"ok\":true,\"pid\":1234,\"big\":1099511627776,\"none\":null,"
            + "\"list\":[\"a\",1,false],\"nested\":{\"k\\n\":\"v\"},\"empty\":[]}");
  }

  @Test
  void jsonRoundTripsEveryCharacter() {
    StringBuilder sb = new StringBuilder();
    for (char c = 0; c < 0x3000; c++) {
      sb.append(c);
    }
    sb.append("\uD83D\uDE00\\\"");
    String all = sb.toString();
    String json = JsonWriter.write(Map.of("s", all));
    assertThat(json.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).as("plain printable ASCII").isTrue();
    assertThat(MiniJson.object(json).get("s")).isEqualTo(all);
  }
}
