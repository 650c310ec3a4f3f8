package org.fcproc.linux.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fcproc.ChrootDriveSpec;
import org.fcproc.ChrootSpec;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.FcprocException;
import org.fcproc.HelperPolicy;
import org.fcproc.InvalidInputException;
import org.fcproc.PrivilegedHelper;
import org.fcproc.RefusedException;
import org.fcproc.SweepReport;
import org.fcproc.SweepSpec;
import org.fcproc.host.CommandResult;
import org.fcproc.host.Credentials;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.HostOps;
import org.fcproc.sim.GuestBehaviour;
import org.fcproc.sim.JournalEntry;
import org.fcproc.sim.SimCommand;
import org.fcproc.sim.SimHost;
import org.fcproc.sim.Snapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sudo mode made as safe as root mode (docs/DESIGN.md#socket-hand-off-checks-and-sudo-mode, catalogue S11): a simulated host whose caller
 * is uid 1000, on which {@code /usr/local/bin/fcproc} is installed as a command whose process is
 * the real command line ({@link Main#run(HostOps, String[], PrintStream, PrintStream)}) acting
 * as root under {@code sudo}. Core, given that program as its {@link PrivilegedHelper}, runs each
 * privileged file operation as {@code sudo -n /usr/local/bin/fcproc --mode root --json ...}.
 */
class SudoHelperTest {
  static final String FCPROC = SudoSimHost.FCPROC;
  static final PrivilegedHelper HELPER = PrivilegedHelper.of(FCPROC);
  static final int USER = SudoSimHost.USER;
  static final String BASE = SudoSimHost.BASE;
  static final String CHROOT = SudoSimHost.CHROOT;
  static final String RUN = SudoSimHost.RUN;
  static final String API_SOCK = SudoSimHost.API_SOCK;
  static final String KERNEL = SudoSimHost.KERNEL;
  static final String ROOTFS = SudoSimHost.ROOTFS;
  static final String RUNTIME = SudoSimHost.RUNTIME;
  static final Config CONFIG = SudoSimHost.CONFIG;

  private SimHost host;
  /** Every argv the installed helper was run with. */
  private final List<List<String>> helperRuns = new ArrayList<>();

  @BeforeEach
  void setUp() {
    host = SudoSimHost.create(helperRuns::add);
  }

  private Fcproc fc() {
    return Fcproc.create(host, CONFIG, HELPER);
  }

  private static ChrootSpec spec(String vm) {
    return new ChrootSpec(BASE + "/" + vm + "/root", USER, USER, "/usr/bin/firecracker", KERNEL, "vmlinux", "", "",
        List.of(new ChrootDriveSpec("rootfs", ROOTFS)), true);
  }

  /** The per-VM run directory, the VM's uid's (the adversary of docs/DESIGN.md#threat-model owns it). */
  private void vmRunDir() {
    host.mkdirs(BASE + "/vm1", 0755, USER, USER);
    host.mkdirs(CHROOT, 0755, USER, USER);
    host.mkdirs(RUN, 0755, USER, USER);
  }

  private List<String> runsInJournal() {
    return host.journal().stream().filter(e -> e.call().equals("run")).map(JournalEntry::args).toList();
  }

  // ---------------------------------------------------------------- socket hand-off

  @Test
  void s11SymlinkAtTheSocketPathIsRefusedAndItsTargetUnchanged() {
    vmRunDir();
    host.symlink(API_SOCK, "/etc/shadow", USER, USER);
    Snapshot before = host.snapshot();

    assertThatThrownBy(() -> fc().ensureSocketAccessFor(API_SOCK, "api socket", USER, USER))
        .isInstanceOfSatisfying(RefusedException.class, e -> {
          assertThat(e.path()).isEqualTo(API_SOCK);
          assertThat(e.reason()).contains("not a unix socket", "symlink");
          assertThat(e.getMessage()).startsWith("refusing to hand off socket \"" + API_SOCK + "\"");
        });

    assertThat(host.snapshot().diff(before)).isEmpty();
    FileStat shadow = host.inspect("/etc/shadow").orElseThrow();
    assertThat(shadow.mode()).isEqualTo(0640);
    assertThat(shadow.uid()).isZero();
    assertThat(shadow.gid()).isEqualTo(42);
    // One privileged command, the helper; never the seed's sudo chmod/chown.
    assertThat(runsInJournal()).singleElement().asString()
        .startsWith("sudo -n " + FCPROC + " --mode root --json socket chown --uid=1000 --gid=1000 --timeout=5000ms -- ");
    assertThat(helperRuns).hasSize(1);
  }

  @Test
  void theNormalHandOffGivesTheSocketToTheUidWithMode0600() throws Exception {
    vmRunDir();
    host.socket(API_SOCK, 0, 0, 0755);
    fc().ensureSocketAccessFor(API_SOCK, "api socket", USER, USER);
    FileStat st = host.inspect(API_SOCK).orElseThrow();
    assertThat(st.type()).isEqualTo(FileType.SOCKET);
    assertThat(st.uid()).isEqualTo(USER);
    assertThat(st.gid()).isEqualTo(USER);
    assertThat(st.mode()).isEqualTo(0600);
    // The helper's own syscalls ran as root, as top-level calls of their own.
    assertThat(host.journal()).anySatisfy(e -> {
      assertThat(e.actorUid()).isZero();
      assertThat(e.call()).isEqualTo("fchown");
    });
  }

  @Test
  void ensureSocketAccessHandsTheSocketToTheCaller() throws Exception {
    vmRunDir();
    host.socket(API_SOCK, 0, 0, 0755);
    fc().ensureSocketAccess(API_SOCK, "api socket");
    assertThat(host.inspect(API_SOCK).orElseThrow().uid()).isEqualTo(USER);
  }

  @Test
  void sendCtrlAltDelHandsOffThroughTheHelperThenTalksThroughTheCheckedSocket() throws Exception {
    vmRunDir();
    int pid = host.spawnFirecracker(API_SOCK, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    fc().sendCtrlAltDel(API_SOCK);
    assertThat(host.apiRequests(pid)).singleElement().asString().contains("SendCtrlAltDel");
    assertThat(host.inspect(API_SOCK).orElseThrow().uid()).isEqualTo(USER);
  }

  @Test
  void s12AsyncHandOffOfThreePathsOneASymlink() throws Exception {
    vmRunDir();
    String a = RUN + "/a.sock";
    String b = RUN + "/b.sock";
    String evil = RUN + "/evil.sock";
    host.socket(a, 0, 0, 0755);
    host.socket(b, 0, 0, 0755);
    host.symlink(evil, "/etc/shadow", USER, USER);
    Snapshot shadowBefore = host.snapshot();

    assertThatThrownBy(() -> fc().ensureSocketAccessForAsync(List.of(a, "", evil, b), USER, USER).get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(RefusedException.class, e -> assertThat(e.path()).isEqualTo(evil));
    for (String s : List.of(a, b)) {
      FileStat st = host.inspect(s).orElseThrow();
      assertThat(st.uid()).as(s).isEqualTo(USER);
      assertThat(st.mode()).as(s).isEqualTo(0600);
    }
    assertThat(shadowBefore.diff(host.snapshot())).noneMatch(l -> l.startsWith("~ /etc/shadow:"));
  }

  /**
   * The race the seed's sudo mode loses: the adversary swaps the socket for a symlink to
   * {@code /etc/shadow} between the helper's check and its change. The helper changes the inode
   * it checked, through its handle; the target is untouched, and the caller's own look afterwards
   * sees the swap and refuses.
   */
  @Test
  void aSwapBetweenTheHelpersCheckAndItsChangeReachesOnlyTheCheckedInode() {
    vmRunDir();
    host.socket(API_SOCK, 0, 0, 0755);
    HostOps adversary = host.as(USER, USER);
    AtomicBoolean swapped = new AtomicBoolean();
    host.beforeEachCall(call -> {
      if (call.actorUid() == 0 && call.call().equals("fchmod") && swapped.compareAndSet(false, true)) {
        host.rename(API_SOCK, RUN + "/moved.sock");
        host.symlink(API_SOCK, "/etc/shadow", USER, USER);
      }
    });
    Snapshot before = host.snapshot();

    assertThatThrownBy(() -> fc().ensureSocketAccessFor(API_SOCK, "api socket", USER, USER))
        .isInstanceOfSatisfying(RefusedException.class, e -> assertThat(e.path()).isEqualTo(API_SOCK));

    assertThat(swapped).isTrue();
    FileStat moved = host.inspect(RUN + "/moved.sock").orElseThrow();
    assertThat(moved.uid()).as("the checked inode was handed off").isEqualTo(USER);
    assertThat(moved.mode()).isEqualTo(0600);
    assertThat(before.diff(host.snapshot())).noneMatch(l -> l.startsWith("~ /etc/shadow:"));
    FileStat shadow = host.inspect("/etc/shadow").orElseThrow();
    assertThat(shadow.mode()).isEqualTo(0640);
    assertThat(shadow.uid()).isZero();
    assertThat(adversary.credentials().uid()).isEqualTo(USER);
  }

  /**
   * The same adversary against sudo mode without a helper (the seed's {@code sudo chmod 600 PATH},
   * checked before and after): the swap lands between the check made as the caller and the
   * command run as root, {@code chmod(1)} follows the planted symlink, and {@code /etc/shadow}'s
   * mode changes. The after-check notices and refuses — too late. This is the race the helper
   * closes; it is kept only for callers that give no helper.
   */
  @Test
  void withoutAHelperTheSameSwapReachesTheTargetThroughSudoChmod() {
    vmRunDir();
    host.socket(API_SOCK, 0, 0, 0755);
    AtomicBoolean swapped = new AtomicBoolean();
    host.beforeEachCall(call -> {
      if (call.call().equals("run") && swapped.compareAndSet(false, true)) {
        host.rename(API_SOCK, RUN + "/moved.sock");
        host.symlink(API_SOCK, "/etc/shadow", USER, USER);
      }
    });
    assertThatThrownBy(() -> Fcproc.create(host, CONFIG).ensureSocketAccessFor(API_SOCK, "api socket", USER, USER))
        .isInstanceOfSatisfying(RefusedException.class, e -> assertThat(e.reason()).contains("replaced"));
    assertThat(host.inspect("/etc/shadow").orElseThrow().mode()).as("the seed-weak race (S11)").isEqualTo(0600);
  }

  // ---------------------------------------------------------------- staging, cleanup, sweep

  @Test
  void stagingThenCleanupInSudoModeWorkAndRestoreTheHost() throws Exception {
    Snapshot before = host.snapshot();
    fc().prepareJailerChroot(spec("vm1"));

    FileStat root = host.inspect(CHROOT).orElseThrow();
    assertThat(root.uid()).isEqualTo(USER);
    assertThat(root.mode()).isEqualTo(0700);
    assertThat(host.inspect(CHROOT + "/vmlinux").orElseThrow().sameInode(host.inspect(KERNEL).orElseThrow())).isTrue();
    assertThat(host.inspect(CHROOT + "/firecracker").orElseThrow().uid()).isEqualTo(USER);
    assertThat(host.inspect(CHROOT + "/dev/vhost-vsock").orElseThrow().type()).isEqualTo(FileType.CHAR_DEVICE);
    assertThat(host.mounts()).anySatisfy(m -> assertThat(m.mountPoint()).isEqualTo(CHROOT));
    assertThat(helperRuns).singleElement().satisfies(argv -> assertThat(argv).containsSubsequence(
        FCPROC, "--mode", "root", "--json", "jail", "prepare", "--chroot=" + CHROOT, "--uid=1000", "--gid=1000",
        "--firecracker=/usr/bin/firecracker", "--kernel=" + KERNEL, "--kernel-name=vmlinux",
        "--drive=rootfs=" + ROOTFS, "--vsock"));

    fc().cleanupJailerChroot(CHROOT);

    // Restored: only the per-VM directory staging made is left (cleanup removes the chroot, not
    // its parent), hence one more link on the firecracker base; no mount remains.
    assertThat(before.diff(host.snapshot())).satisfiesExactly(
        l -> assertThat(l).startsWith("~ " + BASE + ": ").contains("nlink=2", "=> DIRECTORY 0711 0:0 nlink=3"),
        l -> assertThat(l).startsWith("+ " + BASE + "/vm1: DIRECTORY 0755 1000:1000"));
    assertThat(host.inspect("/etc/shadow").orElseThrow().mode()).isEqualTo(0640);
  }

  @Test
  void theSweepRunsThroughTheHelperAndItsReportComesBack() throws Exception {
    fc().prepareJailerChroot(spec("vm2"));
    SweepReport dry = fc().sweep(new SweepSpec(BASE, true));
    assertThat(dry.dryRun()).isTrue();
    assertThat(dry.reclaimed()).anySatisfy(i -> assertThat(i.path()).isEqualTo(BASE + "/vm2"));
    assertThat(host.exists(BASE + "/vm2/root")).isTrue();

    SweepReport r = fc().sweep(new SweepSpec(BASE, false));
    assertThat(r.dryRun()).isFalse();
    assertThat(r.firecrackerBase()).isEqualTo(BASE);
    assertThat(r.runtimeDir()).isEqualTo(RUNTIME);
    assertThat(r.complete()).isTrue();
    assertThat(r.reclaimed()).anySatisfy(i -> {
      assertThat(i.kind()).isEqualTo(SweepReport.Kind.VM);
      assertThat(i.path()).isEqualTo(BASE + "/vm2");
    });
    assertThat(host.exists(BASE + "/vm2")).isFalse();
    assertThat(helperRuns.get(helperRuns.size() - 1))
        .containsSubsequence("sweep", "--firecracker-base=" + BASE, "--runtime-dir=" + RUNTIME);

    // A blank runtime directory stays blank (no socket is looked at), not the CLI's default.
    SweepReport none = Fcproc.create(host, new Config("", "", "", "", ""), HELPER).sweep(new SweepSpec(BASE, false));
    assertThat(none.runtimeDir()).isEmpty();
    assertThat(none.nothingToDo()).isTrue();
  }

  @Test
  void cleanupRefusalsComeBackWithPathAndReason() throws Exception {
    host.mkdirs(BASE + "/vm1", 0755, USER, USER);
    host.mkdirs("/srv/victim");
    host.writeFile("/srv/victim/secret", "host data", 0600, 0, 0);
    host.symlink(CHROOT, "/srv/victim", USER, USER);
    Snapshot before = host.snapshot();
    assertThatThrownBy(() -> fc().cleanupJailerChroot(CHROOT))
        .isInstanceOfSatisfying(RefusedException.class, e -> {
          assertThat(e.path()).isEqualTo(CHROOT);
          assertThat(e.reason()).isEqualTo("path is a symlink");
          assertThat(e.getMessage()).isEqualTo("refusing to clean up \"" + CHROOT + "\": path is a symlink");
        });
    assertThat(before.diff(host.snapshot())).isEmpty();
  }

  @Test
  void stagingRefusalsComeBackWithRootModesMessage() {
    host.symlink("/var/lib/fcproc/images/evil", "/etc/shadow");
    ChrootSpec evil = new ChrootSpec(CHROOT, USER, USER, "/usr/bin/firecracker", "/var/lib/fcproc/images/evil",
        "vmlinux", "", "", List.of(), false);
    assertThatThrownBy(() -> fc().prepareJailerChroot(evil))
        .isInstanceOfSatisfying(RefusedException.class, e -> {
          assertThat(e.path()).isEqualTo("/var/lib/fcproc/images/evil");
          assertThat(e.getMessage()).startsWith("refusing to link kernel ");
        });
    assertThat(host.inspect("/etc/shadow").orElseThrow().nlink()).isEqualTo(1);
  }

  @Test
  void withoutAHelperStagingStillRefusesClearly() {
    Snapshot before = host.snapshot();
    assertThatThrownBy(() -> Fcproc.create(host, CONFIG).prepareJailerChroot(spec("vm1")))
        .isInstanceOf(FcprocException.class)
        .isNotInstanceOf(RefusedException.class)
        .hasMessageContaining("needs root; give fcproc a privileged helper");
    assertThatThrownBy(() -> Fcproc.create(host, CONFIG).cleanupJailerChroot(CHROOT))
        .hasMessageContaining("needs root; give fcproc a privileged helper");
    assertThatThrownBy(() -> Fcproc.create(host, CONFIG).sweep(new SweepSpec(BASE, true)))
        .hasMessageContaining("give fcproc a privileged helper");
    assertThat(before.diff(host.snapshot())).isEmpty();
    assertThat(runsInJournal()).isEmpty();
  }

  // ---------------------------------------------------------------- answers of another helper

  private Fcproc withFake(SimCommand answer) {
    host.installCommand("/opt/fake/fcproc", answer);
    return Fcproc.create(host, CONFIG, PrivilegedHelper.of("/opt/fake/fcproc", "--extra"));
  }

  private static SimCommand answering(int exit, String stdout, String stderr) {
    return (argv, as) -> new CommandResult(argv, exit, stdout, stderr);
  }

  @Test
  void exit3IsARefusalWithTheHelpersPathAndReason() {
    Fcproc fc = withFake(answering(3,
        "{\"command\":\"jail cleanup\",\"ok\":false,\"exit\":3,\"error\":{\"kind\":\"refused\",\"operation\":\"frobnicate\",\"path\":\"/srv/x\","
            + "\"reason\":\"it \\\"moved\\\"\",\"message\":\"refusing to frobnicate \\\"/srv/x\\\": it \\\"moved\\\"\"}}\n",
        "fcproc: refusing to frobnicate \"/srv/x\": it \"moved\"\n"));
    assertThatThrownBy(() -> fc.cleanupJailerChroot(CHROOT))
        .isInstanceOfSatisfying(RefusedException.class, e -> {
          assertThat(e.operation()).isEqualTo("frobnicate");
          assertThat(e.path()).isEqualTo("/srv/x");
          assertThat(e.reason()).isEqualTo("it \"moved\"");
          assertThat(e.getMessage()).isEqualTo("refusing to frobnicate \"/srv/x\": it \"moved\"");
        });
    assertThat(runsInJournal()).singleElement().asString()
        .isEqualTo("sudo -n /opt/fake/fcproc --extra --mode root --json jail cleanup --chroot=" + CHROOT);
  }

  @Test
  void exit1IsAFailureNamingTheCommandAndTheHelpersMessage() {
    Fcproc fc = withFake(answering(1,
        "{\"command\":\"jail prepare\",\"ok\":false,\"exit\":1,\"error\":{\"kind\":\"host-call\",\"call\":\"mount\","
            + "\"errno\":\"EPERM\",\"message\":\"stage jailer chroot: mount: EPERM\"}}\n", "fcproc: stage jailer chroot: mount: EPERM\n"));
    assertThatThrownBy(() -> fc.prepareJailerChroot(spec("vm1")))
        .isInstanceOf(FcprocException.class)
        .isNotInstanceOf(RefusedException.class)
        .hasMessageContaining("sudo -n /opt/fake/fcproc --extra --mode root --json jail prepare")
        .hasMessageContaining("exited 1: stage jailer chroot: mount: EPERM");
  }

  @Test
  void sudoItselfFailingIsAFailureWithSudosWords() {
    Fcproc fc = withFake(answering(1, "", "sudo: a password is required\n"));
    assertThatThrownBy(() -> fc.cleanupJailerChroot(CHROOT))
        .isInstanceOf(FcprocException.class)
        .isNotInstanceOf(RefusedException.class)
        .hasMessageContaining("exited 1: sudo: a password is required");
  }

  @Test
  void exit2IsInvalidInputWithTheHelpersField() {
    Fcproc fc = withFake(answering(2,
        "{\"command\":\"jail cleanup\",\"ok\":false,\"exit\":2,\"error\":{\"kind\":\"invalid-input\",\"field\":\"chroot root\","
            + "\"message\":\"chroot root: path is empty\"}}", ""));
    assertThatThrownBy(() -> fc.cleanupJailerChroot(CHROOT))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo("chroot root");
          assertThat(e.getMessage()).isEqualTo("chroot root: path is empty");
        });
  }

  @Test
  void aMalformedAnswerIsNeverASuccess() {
    for (String[] answer : List.of(
        new String[] {"0", "garbage"},
        new String[] {"0", ""},
        new String[] {"0", "{\"ok\":false}"},
        new String[] {"0", "{\"ok\":true} {\"ok\":true}"},
        new String[] {"0", "{\"ok\":true,\"ok\":true}"},
        new String[] {"3", "{\"ok\":false,\"error\":{\"kind\":\"refused\"}}"},
        new String[] {"3", "{\"ok\":false,\"error\":{\"kind\":\"refused\",\"path\":\"/x\",\"reason\":\"r\"}}"},
        new String[] {"3", "not json"})) {
      Fcproc fc = withFake(answering(Integer.parseInt(answer[0]), answer[1], ""));
      assertThatThrownBy(() -> fc.cleanupJailerChroot(CHROOT)).as("%s %s", answer[0], answer[1])
          .isInstanceOf(FcprocException.class)
          .isNotInstanceOf(RefusedException.class)
          .hasMessageContaining("privileged helper /opt/fake/fcproc --extra: malformed answer");
    }
  }

  @Test
  void aMalformedSweepReportIsAFailure() {
    Fcproc fc = withFake(answering(0,
        "{\"command\":\"sweep\",\"ok\":true,\"dry_run\":false,\"firecracker_base\":\"/srv/jail/firecracker\","
            + "\"runtime_dir\":\"\",\"reclaimed\":[{\"kind\":\"spaceship\",\"path\":\"/x\",\"reason\":\"r\"}],"
            + "\"refused\":[],\"alive\":[],\"failed\":[]}", ""));
    assertThatThrownBy(() -> fc.sweep(new SweepSpec(BASE, false)))
        .isInstanceOf(FcprocException.class)
        .hasMessageContaining("malformed answer");
  }

  @Test
  void rootNeverUsesTheHelper() throws Exception {
    SimHost asRoot = SimHost.create();
    asRoot.installCommand(FCPROC, (argv, as) -> {
      throw new AssertionError("the helper ran as root");
    });
    asRoot.mkdirs("/srv/jail/firecracker/vm1/root");
    Fcproc.create(asRoot, CONFIG, HELPER).cleanupJailerChroot("/srv/jail/firecracker/vm1/root");
    assertThat(asRoot.exists("/srv/jail/firecracker/vm1/root")).isFalse();
  }

  @Test
  void theHelperIsValidated() {
    assertThatThrownBy(() -> PrivilegedHelper.of()).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> PrivilegedHelper.of("fcproc")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not absolute");
    assertThatThrownBy(() -> PrivilegedHelper.of("/usr/bin/java", "-jar", "a\0b")).isInstanceOf(InvalidInputException.class);
    assertThat(PrivilegedHelper.of("/usr/bin/java", "-jar", "/opt/fcproc/fcproc.jar").program()).isEqualTo("/usr/bin/java");
  }

  // ---------------------------------------------------------------- the command line in sudo mode

  private record Cli(int exit, String out, String err) {
    Map<String, Object> json() {
      return MiniJson.object(out);
    }
  }

  private Cli cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(host, HELPER, args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theCommandLineInSudoModeStagesAndCleansUpThroughTheHelper() {
    Cli p = cli("--mode", "sudo", "--json", "jail", "prepare", "--chroot", CHROOT, "--uid", "1000", "--gid", "1000",
        "--firecracker", "/usr/bin/firecracker", "--kernel", KERNEL, "--drive", "rootfs=" + ROOTFS);
    assertThat(p.exit()).as(p.err()).isZero();
    assertThat(p.json()).containsEntry("ok", true).containsEntry("chroot", CHROOT);
    assertThat(host.exists(CHROOT + "/vmlinux")).isTrue();

    Cli c = cli("--json", "jail", "cleanup", "--chroot", CHROOT); // auto, not root: sudo mode
    assertThat(c.exit()).as(c.err()).isZero();
    assertThat(host.exists(CHROOT)).isFalse();
    assertThat(helperRuns).hasSize(2);
  }

  @Test
  void theCommandLineInSudoModeReportsTheHelpersRefusal() {
    host.mkdirs(BASE + "/vm1", 0755, USER, USER);
    host.symlink(CHROOT, "/etc", USER, USER);
    Cli c = cli("--mode", "sudo", "--json", "jail", "cleanup", "--chroot", CHROOT);
    assertThat(c.exit()).isEqualTo(3);
    @SuppressWarnings("unchecked")
    Map<String, Object> error = (Map<String, Object>) c.json().get("error");
    assertThat(error).containsEntry("kind", "refused").containsEntry("path", CHROOT)
        .containsEntry("reason", "path is a symlink")
        .containsEntry("message", "refusing to clean up \"" + CHROOT + "\": path is a symlink");
    assertThat(c.err()).startsWith("fcproc: refusing to clean up");
  }

  @Test
  void aDriveNameWithAnEqualsSignSurvivesTheHelpersCommandLine() throws Exception {
    ChrootSpec odd = new ChrootSpec(CHROOT, USER, USER, "/usr/bin/firecracker", KERNEL, "-vmlinux", "", "",
        List.of(new ChrootDriveSpec("root=fs", ROOTFS), new ChrootDriveSpec("@data", ROOTFS + "2")), false);
    host.writeFile(ROOTFS + "2", "second drive\n", 0644, 0, 0);
    fc().prepareJailerChroot(odd);
    assertThat(host.exists(CHROOT + "/root=fs")).isTrue();
    assertThat(host.exists(CHROOT + "/@data")).isTrue();
    assertThat(host.exists(CHROOT + "/-vmlinux")).isTrue();
    fc().cleanupJailerChroot(CHROOT);
  }

  @Test
  void argumentFilesAreNotExpanded() {
    Cli c = cli("--json", "@/etc/shadow");
    assertThat(c.exit()).isEqualTo(2);
    // The argument is seen as it is, never replaced by the (real) file's content.
    assertThat(c.err()).contains("'@/etc/shadow'");
  }

  @Test
  void theCommandLineInRootModeRefusesANonRootHost() {
    Cli c = cli("--mode", "root", "--json", "jail", "cleanup", "--chroot", CHROOT);
    assertThat(c.exit()).isEqualTo(1);
    assertThat(c.err()).contains("--mode root: not running as root");
  }

  @Test
  void theSocketChownArgumentsCoreSendsAreAccepted() {
    vmRunDir();
    host.socket(API_SOCK, 0, 0, 0755);
    SimHost rootView = host; // the same host; the helper is run as root below through sudo
    CommandResult r;
    try {
      r = rootView.run(List.of("sudo", "-n", FCPROC, "--mode", "root", "--json", "socket", "chown",
          "--uid=1000", "--gid=1000", "--timeout=250ms", "--", API_SOCK));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(MiniJson.object(r.stdout())).containsEntry("ok", true).containsEntry("paths", List.of(API_SOCK));
  }
}
