package org.fcproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The jailer's command line: what it says, and that every rule refuses with the field named. */
class JailerCommandTest {
  static final String JAILER = "/usr/local/bin/jailer";
  static final String CHROOT = "/srv/jailer/firecracker/vm1/root";

  static ChrootSpec spec(String chroot, String firecracker) {
    return new ChrootSpec(chroot, 1000, 1001, firecracker, "/srv/images/vmlinux", "vmlinux", "", "",
        List.of(new ChrootDriveSpec("rootfs.ext4", "/srv/images/vm1.ext4")), true);
  }

  static JailerCommand.Builder typical() {
    return JailerCommand.builder(JAILER, spec(CHROOT, "/usr/local/bin/firecracker"));
  }

  @Test
  void theArgvOfATypicalVm() {
    JailerCommand c = typical()
        .parentCgroup("fcproc")
        .cgroup("memory.max", "536870912")
        .cgroup("cpu.weight", "100")
        .netns("/var/run/netns/vm1")
        .resourceLimit("no-file", 4096)
        .resourceLimit("fsize", 1073741824L)
        .newPidNs(true)
        .daemonize(true)
        .apiSock("/run/firecracker.socket")
        .configFile("vm_config.json")
        .build();
    assertThat(c.argv()).containsExactly(
        "/usr/local/bin/jailer",
        "--id", "vm1",
        "--exec-file", "/usr/local/bin/firecracker",
        "--uid", "1000",
        "--gid", "1001",
        "--chroot-base-dir", "/srv/jailer",
        "--cgroup-version", "2",
        "--parent-cgroup", "fcproc",
        "--cgroup", "memory.max=536870912",
        "--cgroup", "cpu.weight=100",
        "--netns", "/var/run/netns/vm1",
        "--resource-limit", "no-file=4096",
        "--resource-limit", "fsize=1073741824",
        "--new-pid-ns",
        "--daemonize",
        "--",
        "--api-sock", "/run/firecracker.socket",
        "--config-file", "vm_config.json");
  }

  @Test
  void theMinimalArgvNamesTheChrootBaseAndNoCgroupVersion() {
    assertThat(typical().build().argv()).containsExactly(
        JAILER, "--id", "vm1", "--exec-file", "/usr/local/bin/firecracker", "--uid", "1000", "--gid", "1001",
        "--chroot-base-dir", "/srv/jailer");
  }

  @Test
  void theChrootTheJailerComputesIsTheStagedOne() {
    for (String chroot : List.of(CHROOT, "/var/lib/fc jail/firecracker/551e7604-e35c-42b3-b825-416853441234/root",
        "/a/fc-v1/" + "A".repeat(64) + "/root")) {
      String exec = NoFollowPaths.leaf(NoFollowPaths.parent(NoFollowPaths.parent(chroot)));
      ChrootSpec spec = spec(chroot, "/opt/bin/" + exec);
      JailerCommand c = JailerCommand.builder(JAILER, spec).build();
      List<String> argv = c.argv();
      // The jailer's own computation from its arguments: base, exec file's name, id, "root".
      String base = argv.get(argv.indexOf("--chroot-base-dir") + 1);
      String execFile = argv.get(argv.indexOf("--exec-file") + 1);
      String id = argv.get(argv.indexOf("--id") + 1);
      String jailers = base + "/" + execFile.substring(execFile.lastIndexOf('/') + 1) + "/" + id + "/root";
      assertThat(jailers).as(chroot).isEqualTo(spec.chrootRoot());
      assertThat(c.jailPath()).isEqualTo(spec.jailPath());
      assertThat(argv.get(argv.indexOf("--uid") + 1)).isEqualTo("1000");
    }
  }

  @Test
  void fromAJailPathTheExecFileMustCarryTheExecName() {
    JailPath jail = JailPath.parse("chroot", CHROOT);
    JailerCommand c = JailerCommand.builder(JAILER, jail, "/opt/fc/firecracker").uid(0).gid(0).build();
    assertThat(c.jailPath()).isEqualTo(jail);
    refused("exec file", () -> JailerCommand.builder(JAILER, jail, "/opt/fc/firecracker-v1.7"));
    refused("uid", () -> JailerCommand.builder(JAILER, jail, "/opt/fc/firecracker").gid(1).build());
    refused("gid", () -> JailerCommand.builder(JAILER, jail, "/opt/fc/firecracker").uid(1).build());
  }

  @Test
  void everyRuleIsRefusedNamingTheField() {
    refused("jailer", () -> JailerCommand.builder(null, spec(CHROOT, "/usr/local/bin/firecracker")).build());
    refusedRecord("jailer", "bin/jailer", "vm1", "/usr/bin/firecracker", 0, 0, "/srv/jailer");
    refusedRecord("jailer", "/usr/bin/../jailer", "vm1", "/usr/bin/firecracker", 0, 0, "/srv/jailer");
    refusedRecord("exec file", JAILER, "vm1", "firecracker", 0, 0, "/srv/jailer");
    refusedRecord("exec file", JAILER, "vm1", "/usr/bin/firecracker/", 0, 0, "/srv/jailer");
    refusedRecord("jail base", JAILER, "vm1", "/usr/bin/firecracker", 0, 0, "/");
    refusedRecord("jail base", JAILER, "vm1", "/usr/bin/firecracker", 0, 0, "srv/jailer");
    refusedRecord("jail base", JAILER, "vm1", "/usr/bin/firecracker", 0, 0, "/srv//jailer");
    refusedRecord("id", JAILER, "", "/usr/bin/firecracker", 0, 0, "/srv/jailer");
    refusedRecord("id", JAILER, "vm_1", "/usr/bin/firecracker", 0, 0, "/srv/jailer");
    refusedRecord("id", JAILER, "a".repeat(65), "/usr/bin/firecracker", 0, 0, "/srv/jailer");
    refusedRecord("id", JAILER, "--help", "/usr/bin/firecracker", 0, 0, "/srv/jailer");
    refusedRecord("id", JAILER, "-vm1", "/usr/bin/firecracker", 0, 0, "/srv/jailer");
    refusedRecord("uid", JAILER, "vm1", "/usr/bin/firecracker", -1, 0, "/srv/jailer");
    refusedRecord("gid", JAILER, "vm1", "/usr/bin/firecracker", 0, -1, "/srv/jailer");

    for (String bad : List.of("/fcproc", "-fcproc", "--daemonize", "a//b", "a/../b", "./a", "a/", "a b", "a\nb")) {
      refused("parent cgroup", () -> typical().parentCgroup(bad).build());
    }
    for (String[] bad : List.of(
        new String[] {"memory", "1"}, new String[] {"../memory.max", "1"}, new String[] {"/memory.max", "1"},
        new String[] {"memory.", "1"}, new String[] {".max", "1"}, new String[] {"Memory.max", "1"},
        new String[] {"memory..max", "1"}, new String[] {"-memory.max", "1"},
        new String[] {"memory.max", ""}, new String[] {"memory.max", "1 2"}, new String[] {"memory.max", "a=b"},
        new String[] {"memory.max", "-1"}, new String[] {"memory.max", "1\n"}, new String[] {"memory.max", "\t"})) {
      refused("cgroup", () -> typical().cgroup(bad[0], bad[1]));
    }
    refused("cgroup", () -> typical().cgroup("memory.max", "1").cgroup("memory.max", "2").build());
    refused("cgroup", () -> JailerCommand.Cgroup.parse("memory.max"));
    refused("cgroup", () -> JailerCommand.Cgroup.parse("memory.max=1=2"));
    assertThat(JailerCommand.Cgroup.parse("cpuset.cpus=0-3")).isEqualTo(new JailerCommand.Cgroup("cpuset.cpus", "0-3"));

    for (String bad : List.of("/run/netns", "/run/netns/", "/run/netns/a/b", "/etc/netns/vm1", "/proc/1/ns/net",
        "run/netns/vm1", "/run/netns/../vm1", "/run/netns/-vm1", "/var/run/netns/--x")) {
      refused("netns", () -> typical().netns(bad).build());
    }

    refused("resource limit", () -> typical().resourceLimit("nofile", 1));
    refused("resource limit", () -> typical().resourceLimit("fsize", -1));
    refused("resource limit", () -> typical().resourceLimit("fsize", 1).resourceLimit("fsize", 2).build());
    for (String bad : List.of("fsize", "fsize=", "fsize=-1", "fsize=1k", "fsize= 1", "fsize=99999999999999999999", "cpu=1")) {
      refused("resource limit", () -> JailerCommand.ResourceLimit.parse(bad));
    }
    assertThat(JailerCommand.ResourceLimit.parse("no-file=0")).isEqualTo(new JailerCommand.ResourceLimit("no-file", 0));

    refused("api sock", () -> typical().apiSock("run/firecracker.socket"));
    refused("api sock", () -> typical().apiSock("/" + "s".repeat(107)));
    refused("config file", () -> typical().configFile("--x"));
    refused("config file", () -> typical().configFile("a/b.json"));
    refused("config file", () -> typical().configFile("/a/../b.json"));
    refused("firecracker argument", () -> typical().firecrackerArgs("--level", "").build());
    refused("firecracker argument", () -> typical().firecrackerArgs("a\0b").build());
  }

  private static void refusedRecord(String field, String jailer, String id, String exec, int uid, int gid, String base) {
    refused(field, () -> new JailerCommand(jailer, id, exec, uid, gid, base, "", List.of(), "", List.of(), false, false,
        List.of()));
  }

  private static void refused(String field, Runnable r) {
    assertThatThrownBy(r::run)
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(field + ": ")
        .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo(field));
  }
}
