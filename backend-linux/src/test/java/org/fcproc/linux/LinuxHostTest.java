package org.fcproc.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.fcproc.host.CommandResult;
import org.fcproc.host.DirEntry;
import org.fcproc.host.Errno;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.LinkInfo;
import org.fcproc.host.OpenFlag;
import org.fcproc.host.OpenHow;
import org.fcproc.host.ProcessInfo;
import org.fcproc.host.RenameMode;
import org.fcproc.host.Resolve;
import org.fcproc.host.UnixConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What the contract cannot say through the SPI alone: sockets with a listener, commands,
 *  processes, links, the flag encodings, and the fallbacks. */
class LinuxHostTest {

  @BeforeAll
  static void linuxBackendAvailable() {
    Optional<String> cause = LinuxHost.unavailabilityCause();
    if (cause.isPresent()) {
      System.out.println("SKIPPING LinuxHostTest: " + cause.get());
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(cause.isEmpty(), () -> "linux backend unavailable: " + cause.orElse(""));
  }

  // ================================================================ no kernel changes needed

  @Test
  void availableHere() {
    assertThat(LinuxHost.unavailabilityCause()).isEmpty();
    LinuxHost host = LinuxHost.create();
    assertThat(host.name()).isEqualTo("linux");
  }

  @Test
  void openFlagsAreLinuxConstants() {
    assertThat(LinuxHost.openFlags(OpenHow.pathNoFollow())).isEqualTo(010000000 | 0400000 | 02000000);
    assertThat(LinuxHost.openFlags(OpenHow.directoryNoFollow())).isEqualTo(010000000 | 0200000 | 0400000 | 02000000);
    assertThat(LinuxHost.openFlags(OpenHow.readNoFollow())).isEqualTo(0400000 | 04000 | 02000000);
    assertThat(LinuxHost.openFlags(OpenHow.createExclusive(0600))).isEqualTo(1 | 0100 | 0200 | 0400000 | 02000000);
    assertThat(LinuxHost.openFlags(new OpenHow(EnumSet.of(OpenFlag.READ, OpenFlag.WRITE), 0, EnumSet.noneOf(Resolve.class))))
        .isEqualTo(2 | 02000000);
    // O_PATH takes only O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC with it (openat2 would say EINVAL).
    assertThat(LinuxHost.openFlags(new OpenHow(EnumSet.of(OpenFlag.PATH, OpenFlag.NONBLOCK), 0, EnumSet.noneOf(Resolve.class))))
        .isEqualTo(010000000 | 02000000);
    assertThat(LinuxHost.resolveFlags(OpenHow.pathNoFollow().resolving(Resolve.NO_XDEV, Resolve.NO_MAGICLINKS,
        Resolve.NO_SYMLINKS, Resolve.BENEATH, Resolve.IN_ROOT))).isEqualTo(0x1f);
  }

  @Test
  void credentialsAreTheProcesses() {
    LinuxHost host = LinuxHost.create();
    assertThat(host.credentials().euid()).isEqualTo((int) new com.sun.security.auth.module.UnixSystem().getUid());
  }

  @Test
  void rejectsRelativePathsAndForeignOrClosedHandles() throws Exception {
    LinuxHost host = LinuxHost.create();
    assertThatThrownBy(() -> host.lstat("relative")).isInstanceOfSatisfying(HostException.class,
        e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    Handle foreign = new Handle() {
      @Override
      public String path() {
        return "/elsewhere";
      }

      @Override
      public void close() {}
    };
    assertThatThrownBy(() -> host.fstat(foreign)).isInstanceOfSatisfying(HostException.class,
        e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
    Handle root = host.open("/", OpenHow.directoryNoFollow());
    root.close();
    root.close(); // idempotent
    assertThatThrownBy(() -> host.fstat(root)).isInstanceOfSatisfying(HostException.class,
        e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
  }

  @Test
  void errnoComesFromTheFailingCall() {
    LinuxHost host = LinuxHost.create();
    assertThatThrownBy(() -> host.lstat("/nonexistent-fcproc-" + System.nanoTime()))
        .isInstanceOfSatisfying(HostException.class, e -> {
          assertThat(e.errno()).isEqualTo(Errno.ENOENT);
          assertThat(e.call()).isEqualTo("lstat");
        });
    assertThatThrownBy(() -> host.open("/proc/self/status", OpenHow.directoryNoFollow()))
        .isInstanceOfSatisfying(HostException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOTDIR));
  }

  @Test
  void runCapturesBothStreamsAndExitCode() throws Exception {
    LinuxHost host = LinuxHost.create();
    CommandResult r = host.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"));
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.stderr()).isEqualTo("err\n");
  }

  @Test
  void runDoesNotDeadlockOnLargeOutputOnBothStreams() throws Exception {
    LinuxHost host = LinuxHost.create();
    CommandResult r = host.run(List.of("sh", "-c",
        "head -c 2000000 /dev/zero | tr '\\0' a; head -c 2000000 /dev/zero | tr '\\0' b >&2"));
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).hasSize(2_000_000);
    assertThat(r.stderr()).hasSize(2_000_000);
  }

  @Test
  void runOfAMissingProgramExits127WithTheReason() throws Exception {
    LinuxHost host = LinuxHost.create();
    CommandResult r = host.run(List.of("/nonexistent/fcproc-program", "x"));
    assertThat(r.exitCode()).isEqualTo(127);
    assertThat(r.stderr()).contains("/nonexistent/fcproc-program").contains("No such file");
  }

  @Test
  void processOfThisJvm() throws Exception {
    LinuxHost host = LinuxHost.create();
    int pid = (int) ProcessHandle.current().pid();
    ProcessInfo p = host.process(pid).orElseThrow();
    assertThat(p.pid()).isEqualTo(pid);
    assertThat(p.argv()).isNotEmpty();
    assertThat(p.argv().get(0)).endsWith("java");
    assertThat(p.executable()).endsWith("/java");
    assertThat(p.startTime()).isPositive();
    assertThat(p.zombie()).isFalse();
    assertThat(host.process(Integer.MAX_VALUE)).isEmpty();
    assertThat(host.process(0)).isEmpty();
  }

  @Test
  void processSeesArgvSplitAtNul() throws Exception {
    LinuxHost host = LinuxHost.create();
    Process sleeper = new ProcessBuilder("sleep", "30").start();
    try {
      ProcessInfo p = host.process((int) sleeper.pid()).orElseThrow();
      assertThat(p.argv()).containsExactly("sleep", "30");
      assertThat(p.commandLine()).isEqualTo("sleep 30");
      assertThat(p.executable()).endsWith("sleep");
    } finally {
      sleeper.destroyForcibly().waitFor();
    }
  }

  @Test
  void aZombieIsReportedAsOne() throws Exception {
    LinuxHost host = LinuxHost.create();
    // sh starts "sleep 0" in the background, then becomes "sleep 5", which never reaps it.
    Process parent = new ProcessBuilder("sh", "-c", "sleep 0 & echo $!; exec sleep 5").start();
    try {
      String line = new java.io.BufferedReader(
          new java.io.InputStreamReader(parent.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      int child = Integer.parseInt(line.trim());
      Optional<ProcessInfo> p = Optional.empty();
      for (int i = 0; i < 100; i++) {
        p = host.process(child);
        if (p.isPresent() && p.get().zombie()) {
          break;
        }
        Thread.sleep(20);
      }
      assertThat(p).isPresent();
      assertThat(p.get().zombie()).isTrue();
      assertThat(p.get().argv()).isEmpty();
      assertThat(p.get().executable()).isEmpty();
    } finally {
      parent.destroyForcibly().waitFor();
    }
  }

  @Test
  void killSendsTheSignalAndSaysEsrchForNoProcess() throws Exception {
    LinuxHost host = LinuxHost.create();
    Process sleeper = new ProcessBuilder("sleep", "30").start();
    host.kill((int) sleeper.pid(), 9);
    assertThat(sleeper.waitFor()).isEqualTo(128 + 9);
    assertThatThrownBy(() -> host.kill((int) sleeper.pid(), 0)).isInstanceOfSatisfying(HostException.class,
        e -> assertThat(e.errno()).isEqualTo(Errno.ESRCH));
    assertThatThrownBy(() -> host.kill(0, 9)).isInstanceOfSatisfying(HostException.class,
        e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
  }

  @Test
  void environmentAndClock() throws Exception {
    LinuxHost host = LinuxHost.create();
    assertThat(host.getenv("PATH")).isEqualTo(Optional.ofNullable(System.getenv("PATH")));
    assertThat(host.getenv("FCPROC_SURELY_UNSET_" + System.nanoTime())).isEmpty();
    long t0 = host.nanoTime();
    host.sleep(Duration.ofMillis(20));
    assertThat(host.nanoTime() - t0).isGreaterThanOrEqualTo(20_000_000L);
  }

  @Test
  void linkNamesAreValidated() {
    LinuxHost host = LinuxHost.create();
    for (String bad : List.of("", "../eth0", "a/b", "this-name-is-too-long", "sp ace")) {
      assertThatThrownBy(() -> host.link(bad)).as(bad).isInstanceOfSatisfying(HostException.class,
          e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    }
  }

  // ================================================================ inside the throwaway namespaces

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class InNamespace {
    private LinuxContractHost scratch;
    private LinuxHost host;
    private int count;

    @BeforeAll
    void setUp() throws IOException {
      scratch = new LinuxContractHost(); // assumes root inside the wrapper's namespaces
      host = (LinuxHost) scratch.host();
    }

    @AfterAll
    void tearDown() throws IOException {
      if (scratch != null) {
        scratch.close();
      }
    }

    private String fresh(String name) throws IOException {
      Path p = Path.of(scratch.scratch(), name + "-" + (++count));
      Files.createDirectory(p);
      return p.toString();
    }

    @Test
    void connectThroughTheHandleReachesTheListenerAndMovesBytes() throws Exception {
      String d = fresh("sock");
      Path sock = Path.of(d, "api.sock");
      try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        server.bind(UnixDomainSocketAddress.of(sock));
        try (Handle h = host.open(sock.toString(), OpenHow.pathNoFollow());
            UnixConnection c = host.connect(h);
            SocketChannel peer = server.accept()) {
          c.write("PUT /actions".getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(1));
          ByteBuffer in = ByteBuffer.allocate(64);
          while (in.position() < 12) {
            peer.read(in);
          }
          assertThat(new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII)).isEqualTo("PUT /actions");
          byte[] buf = new byte[64];
          assertThatThrownBy(() -> c.read(buf, Duration.ofMillis(100))).isInstanceOfSatisfying(HostException.class,
              e -> assertThat(e.errno()).isEqualTo(Errno.ETIMEDOUT));
          peer.write(ByteBuffer.wrap("HTTP/1.1 204".getBytes(StandardCharsets.US_ASCII)));
          int n = c.read(buf, Duration.ofSeconds(5));
          assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 204");
          peer.shutdownOutput(); // the peer hangs up: end of stream
          assertThat(c.read(buf, Duration.ofSeconds(5))).isEqualTo(-1);
        }
      }
    }

    @Test
    void connectFollowsTheInodeNotTheName() throws Exception {
      String d = fresh("swap");
      Path sock = Path.of(d, "api.sock");
      try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
          Handle dir = host.open(d, OpenHow.directoryNoFollow())) {
        server.bind(UnixDomainSocketAddress.of(sock));
        Handle h = host.open(sock.toString(), OpenHow.pathNoFollow());
        // The adversary swaps the name for a symlink to elsewhere: the handle still names the socket.
        host.symlinkAt("/nonexistent", dir, "decoy");
        host.renameAt(dir, "api.sock", dir, "decoy", RenameMode.EXCHANGE);
        try (h; UnixConnection c = host.connect(h); SocketChannel peer = server.accept()) {
          c.write(new byte[] {42}, Duration.ofSeconds(1));
          ByteBuffer one = ByteBuffer.allocate(1);
          peer.read(one);
          assertThat(one.get(0)).isEqualTo((byte) 42);
        }
      }
    }

    @Test
    void connectToAListenerThatStoppedAcceptingGivesUpAtItsDeadline() throws Exception {
      String d = fresh("backlog");
      Path sock = Path.of(d, "api.sock");
      List<UnixConnection> queued = new ArrayList<>();
      try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        server.bind(UnixDomainSocketAddress.of(sock), 1);
        Handle h = host.open(sock.toString(), OpenHow.pathNoFollow());
        // Nobody calls accept(): connections queue in the backlog until it is full, then connect waits.
        HostException timedOut = null;
        for (int i = 0; i < 16 && timedOut == null; i++) {
          long start = System.nanoTime();
          try {
            queued.add(host.connect(h, Duration.ofMillis(300)));
          } catch (HostException e) {
            timedOut = e;
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).as("waited about the deadline").isBetween(250L, 3000L);
          }
        }
        assertThat(timedOut).as("a connect past the backlog (%d queued) timed out", queued.size()).isNotNull();
        assertThat(timedOut.errno()).isEqualTo(Errno.ETIMEDOUT);
        assertThat(timedOut.call()).isEqualTo("connect");
        assertThat(timedOut.getMessage()).contains(sock.toString(), "backlog stayed full for 300 ms");
        assertThat(queued).as("the backlog took some first").isNotEmpty();
        h.close();
      } finally {
        queued.forEach(UnixConnection::close);
      }
    }

    @Test
    void aWriteToAPeerThatNeverReadsGivesUpAtItsDeadline() throws Exception {
      String d = fresh("unread");
      Path sock = Path.of(d, "api.sock");
      try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        server.bind(UnixDomainSocketAddress.of(sock));
        try (Handle h = host.open(sock.toString(), OpenHow.pathNoFollow());
            UnixConnection c = host.connect(h);
            SocketChannel peer = server.accept()) {
          long start = System.nanoTime();
          byte[] big = new byte[16 << 20]; // far more than a socket buffer holds
          assertThatThrownBy(() -> c.write(big, Duration.ofMillis(300))).isInstanceOfSatisfying(HostException.class, e -> {
            assertThat(e.errno()).isEqualTo(Errno.ETIMEDOUT);
            assertThat(e.call()).isEqualTo("write");
            assertThat(e.getMessage()).contains(sock.toString(), "it does not read");
          });
          assertThat((System.nanoTime() - start) / 1_000_000).isBetween(250L, 3000L);
          assertThat(peer.isOpen()).isTrue();
        }
      }
    }

    @Test
    void connectAfterTheListenerClosedIsRefused() throws Exception {
      String d = fresh("closed");
      Path sock = Path.of(d, "api.sock");
      ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(sock));
      server.close();
      try (Handle h = host.open(sock.toString(), OpenHow.pathNoFollow())) {
        assertThat(host.fstat(h).type()).isEqualTo(FileType.SOCKET);
        assertThatThrownBy(() -> host.connect(h)).isInstanceOfSatisfying(HostException.class,
            e -> assertThat(e.errno()).isEqualTo(Errno.ECONNREFUSED));
      }
    }

    @Test
    void fchmodThroughProcSelfFdFallback() throws Exception {
      String d = fresh("fallback");
      LinuxHost old = LinuxHost.create();
      old.useProcFdChmodFallback();
      Files.createFile(Path.of(d, "f"));
      Files.createSymbolicLink(Path.of(d, "l"), Path.of("f"));
      try (Handle f = old.open(d + "/f", OpenHow.pathNoFollow()); Handle l = old.open(d + "/l", OpenHow.pathNoFollow())) {
        old.fchmod(f, 0601);
        assertThat(old.fstat(f).mode()).isEqualTo(0601);
        assertThatThrownBy(() -> old.fchmod(l, 0600)).isInstanceOfSatisfying(HostException.class,
            e -> assertThat(e.errno()).isEqualTo(Errno.EOPNOTSUPP));
      }
    }

    @Test
    void readDirOfALargeDirectoryTakesSeveralGetdentsCalls() throws Exception {
      String d = fresh("large");
      List<String> names = new ArrayList<>();
      String pad = "x".repeat(200);
      for (int i = 0; i < 1500; i++) {
        String name = String.format("%05d-%s", i, pad);
        names.add(name);
        Files.createFile(Path.of(d, name));
      }
      try (Handle h = host.open(d, OpenHow.directoryNoFollow())) {
        List<DirEntry> entries = host.readDir(h);
        assertThat(entries).extracting(DirEntry::name).containsExactlyElementsOf(names);
        assertThat(entries).allMatch(e -> e.type() == FileType.REGULAR);
      }
    }

    @Test
    void copyFromProcfsFallsBackToReadWrite() throws Exception {
      String d = fresh("copy");
      try (Handle from = host.open("/proc/self/mountinfo", OpenHow.readNoFollow());
          Handle to = host.open(d + "/out", OpenHow.createExclusive(0600))) {
        long n = host.copy(from, to);
        assertThat(n).isPositive();
        assertThat(Files.readString(Path.of(d, "out"))).contains(scratch.scratch());
      }
    }

    @Test
    void linksOfEachKind() throws Exception {
      run("ip", "link", "add", "fcbr0", "type", "bridge");
      run("ip", "addr", "add", "10.200.0.1/24", "dev", "fcbr0");
      run("ip", "addr", "add", "10.201.0.1/16", "dev", "fcbr0");
      run("ip", "link", "set", "fcbr0", "up");
      run("ip", "tuntap", "add", "dev", "fctap0", "mode", "tap", "user", "4242", "group", "4343");
      run("ip", "link", "set", "fctap0", "master", "fcbr0");
      run("ip", "tuntap", "add", "dev", "fctap1", "mode", "tap");
      run("ip", "link", "add", "fcv0", "type", "veth", "peer", "name", "fcv1");
      try {
        LinkInfo br = host.link("fcbr0").orElseThrow();
        assertThat(br.kind()).isEqualTo(LinkInfo.Kind.BRIDGE);
        assertThat(br.up()).isTrue();
        assertThat(br.addresses()).containsExactly("10.200.0.1/24", "10.201.0.1/16");
        assertThat(br.master()).isEmpty();

        LinkInfo tap = host.link("fctap0").orElseThrow();
        assertThat(tap.kind()).isEqualTo(LinkInfo.Kind.TAP);
        assertThat(tap.up()).isFalse();
        assertThat(tap.master()).isEqualTo("fcbr0");
        assertThat(tap.owner()).isEqualTo(OptionalInt.of(4242));
        assertThat(tap.group()).isEqualTo(OptionalInt.of(4343));

        LinkInfo tap1 = host.link("fctap1").orElseThrow();
        assertThat(tap1.owner()).isEmpty();
        assertThat(tap1.group()).isEmpty();

        assertThat(host.link("fcv0").orElseThrow().kind()).isEqualTo(LinkInfo.Kind.VETH);
        assertThat(host.link("lo").orElseThrow().kind()).isEqualTo(LinkInfo.Kind.OTHER);
        assertThat(host.link("fcnope0")).isEmpty();
      } finally {
        for (String l : List.of("fctap0", "fctap1", "fcv0", "fcbr0")) {
          host.run(List.of("ip", "link", "del", l));
        }
      }
    }

    @Test
    void tapOwnedByANamedUserMapsBackToTheUid() throws Exception {
      Optional<Integer> uid = uidOfAnyNamedUser();
      org.junit.jupiter.api.Assumptions.assumeTrue(uid.isPresent(), "no named non-root user in /etc/passwd");
      run("ip", "tuntap", "add", "dev", "fctap2", "mode", "tap", "user", uid.get().toString());
      try {
        assertThat(host.link("fctap2").orElseThrow().owner()).isEqualTo(OptionalInt.of(uid.get()));
      } finally {
        host.run(List.of("ip", "link", "del", "fctap2"));
      }
    }

    private Optional<Integer> uidOfAnyNamedUser() throws IOException {
      for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
        String[] f = line.split(":");
        if (f.length > 2 && !f[2].equals("0")) {
          return Optional.of(Integer.parseInt(f[2]));
        }
      }
      return Optional.empty();
    }

    private void run(String... argv) throws HostException {
      CommandResult r = host.run(List.of(argv));
      assertThat(r.exitCode()).as(r.commandLine() + ": " + r.stderr()).isZero();
    }
  }
}
