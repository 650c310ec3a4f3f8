package org.fcproc.linux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code fcproc jail command} in-process: the jailer's argv, printed; bad input is exit 2 naming the field. */
class JailCommandTest {
  static final String[] TYPICAL = {
    "jail", "command", "--jailer", "/usr/local/bin/jailer", "--chroot", "/srv/jailer/firecracker/vm1/root",
    "--firecracker", "/usr/local/bin/firecracker", "--uid", "1000", "--gid", "1000",
    "--parent-cgroup", "fcproc", "--cgroup", "memory.max=536870912", "--netns", "/run/netns/vm1",
    "--resource-limit", "no-file=4096", "--new-pid-ns", "--daemonize",
    "--", "--api-sock", "/run/firecracker.socket", "--config-file", "vm.json",
  };

  static final List<String> TYPICAL_ARGV = List.of(
      "/usr/local/bin/jailer", "--id", "vm1", "--exec-file", "/usr/local/bin/firecracker", "--uid", "1000",
      "--gid", "1000", "--chroot-base-dir", "/srv/jailer", "--cgroup-version", "2", "--parent-cgroup", "fcproc",
      "--cgroup", "memory.max=536870912", "--netns", "/run/netns/vm1", "--resource-limit", "no-file=4096",
      "--new-pid-ns", "--daemonize", "--", "--api-sock", "/run/firecracker.socket", "--config-file", "vm.json");

  @Test
  void printsTheArgvAsOneLine() {
    MainTest.Run r = MainTest.run(TYPICAL);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(String.join(" ", TYPICAL_ARGV) + System.lineSeparator());
  }

  @Test
  void printsTheArgvAsOneJsonArray() {
    List<String> args = new ArrayList<>(List.of("--json"));
    args.addAll(List.of(TYPICAL));
    Map<String, Object> j = MainTest.run(args.toArray(new String[0])).json();
    assertThat(j).containsEntry("command", "jail command").containsEntry("ok", true)
        .containsEntry("chroot", "/srv/jailer/firecracker/vm1/root")
        .containsEntry("argv", new ArrayList<Object>(TYPICAL_ARGV));
  }

  @Test
  void aJailBaseThatNeedsQuotingStaysOneShellWord() {
    MainTest.Run r = MainTest.run("jail", "command", "--jailer", "/usr/bin/jailer",
        "--chroot", "/srv/it's a\njail/firecracker/vm1/root", "--firecracker", "/usr/bin/firecracker",
        "--uid", "0", "--gid", "0");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().strip().lines()).hasSize(1);
    assertThat(r.out()).contains("--chroot-base-dir $'/srv/it\\'s a\\njail'");
    assertThat(JailCommands.Jail.Argv.shellQuote("a b'c")).isEqualTo("'a b'\\''c'");
    assertThat(JailCommands.Jail.Argv.shellQuote("")).isEqualTo("''");
  }

  @Test
  void badInputIsExit2NamingTheField() {
    Map<String, String> bad = Map.of(
        "exec file", "--firecracker=/usr/local/bin/firecracker-v1",
        "netns", "--netns=/proc/1/ns/net",
        "cgroup", "--cgroup=memory.max=1 2",
        "resource limit", "--resource-limit=nproc=1",
        "parent cgroup", "--parent-cgroup=/sys/fs/cgroup",
        "uid", "--uid=-1",
        "chroot", "--chroot=/home/alice");
    bad.forEach((field, option) -> {
      List<String> args = new ArrayList<>(List.of("--json", "jail", "command", "--jailer", "/usr/local/bin/jailer",
          "--chroot", "/srv/jailer/firecracker/vm1/root", "--firecracker", "/usr/local/bin/firecracker",
          "--uid", "1000", "--gid", "1000"));
      MainTest.Run r = MainTest.run(replaceOption(args, option));
      assertThat(r.exit()).as(option + ": " + r.err()).isEqualTo(2);
      Map<String, Object> j = r.json();
      @SuppressWarnings("unchecked")
      Map<String, Object> error = (Map<String, Object>) j.get("error");
      assertThat(error).as(option).containsEntry("kind", "invalid-input").containsEntry("field", field);
      assertThat(r.err()).as(option).contains("fcproc: " + field + ": ");
    });
  }

  /** {@code args} without the option {@code option} sets (if given as two words), then {@code option}. */
  private static String[] replaceOption(List<String> args, String option) {
    String name = option.substring(0, option.indexOf('='));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals(name)) {
        i++;
      } else if (!args.get(i).equals(option)) {
        out.add(args.get(i));
      }
    }
    out.add(option);
    return out.toArray(new String[0]);
  }
}
