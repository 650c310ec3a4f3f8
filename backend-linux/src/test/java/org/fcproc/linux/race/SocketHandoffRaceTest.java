package org.fcproc.linux.race;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.FcprocException;
import org.fcproc.RefusedException;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.OpenHow;
import org.fcproc.host.RenameMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A racing adversary on the real kernel, against {@link Fcproc#ensureSocketAccessFor} as root:
 * while the hand-off runs, a thread of the test loops {@code renameat2(RENAME_EXCHANGE)} of the
 * API socket's name with a symlink — to a canary file, or to a canary socket elsewhere — in the
 * socket's directory, which the VM's uid owns (docs/DESIGN.md#threat-model).
 *
 * <p>Each iteration puts the socket back under its name, owned by root with mode 0755, and races.
 * Afterwards the canary file (owner, mode, link count, content) and the canary socket (owner,
 * mode) are as they were; the symlink is as it was; the socket, under whichever name it now has,
 * is either handed off (1000:1000, 0600) and the call succeeded, or untouched (0:0, 0755) and
 * the call refused or failed with a message naming the socket's path.
 *
 * <p>{@code -Dfcproc.race.iterations=N} changes the count (at least 2,000 by default).
 */
class SocketHandoffRaceTest {
  private static final int ITERATIONS = Integer.getInteger("fcproc.race.iterations", 2000);
  private static final int DAEMON = 1000;

  private static RaceScratch scratch;
  private static Runnable restoreLogs = () -> {};
  private static ServerSocketChannel apiServer;
  private static ServerSocketChannel canaryServer;

  @BeforeAll
  static void setUp() throws Exception {
    scratch = RaceScratch.create();
    restoreLogs = RaceScratch.quietFcprocLogs();
  }

  @AfterAll
  static void tearDown() throws Exception {
    restoreLogs.run();
    try {
      if (apiServer != null) {
        apiServer.close();
      }
      if (canaryServer != null) {
        canaryServer.close();
      }
    } finally {
      if (scratch != null) {
        scratch.close();
        assertThat(scratch.dir).doesNotExist();
      }
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void handOffUnderARacingExchangeChangesOnlyTheSocket() throws Exception {
    Path t = scratch.dir;
    String canaryFile = scratch.path("canary-file");
    String canarySocket = scratch.path("other/canary.sock");
    scratch.file("canary-file", "canary: root's, 0640, must never change\n", 0640, 0, 0);
    scratch.mkdir("other", 0755, 0, 0);
    canaryServer = bindServer(canarySocket);
    scratch.own(Path.of(canarySocket), 0755, 0, 0);
    scratch.mkdir("run", 0755, 0, 0);
    scratch.mkdir("run/vm1", 0755, DAEMON, DAEMON);
    String apiSock = scratch.path("run/vm1/api.sock");
    apiServer = bindServer(apiSock);
    long socketIno = scratch.host.lstat(apiSock).ino();
    Map<String, String> canaries = Map.of(
        canaryFile, scratch.describe(Path.of(canaryFile)),
        canarySocket, scratch.describe(Path.of(canarySocket)));
    // The runtime directory is where the hand-off may act: the socket lies beneath it.
    Fcproc fcproc = Fcproc.create(scratch.host, new Config("", "", "", "", scratch.path("run")));

    int done = 0;
    int refused = 0;
    int failed = 0;
    long swaps = 0;
    int refusedAfterSwaps = 0;
    int doneAfterSwaps = 0;
    int endedSwapped = 0;
    Map<String, Integer> reasons = new TreeMap<>();
    Map<String, Long> racerErrors = new TreeMap<>();
    long started = System.nanoTime();

    try (Handle dir = scratch.host.open(scratch.path("run/vm1"), OpenHow.directoryNoFollow())) {
      for (int i = 0; i < ITERATIONS; i++) {
        boolean toSocket = i % 2 == 1;
        String target = toSocket ? canarySocket : canaryFile;
        long maxPause = i % 3 == 2 ? 20_000 : 0;
        String where = "iteration " + i + " (api.sock.swap -> " + (toSocket ? "canary socket" : "canary file")
            + (maxPause > 0 ? ", racer paced" : "") + ")";

        // Reset (no racer runs): the socket under its own name, root's, 0755; a fresh symlink.
        if (scratch.host.statAt(dir, "api.sock").is(FileType.SYMLINK)) {
          scratch.host.renameAt(dir, "api.sock", dir, "api.sock.swap", RenameMode.EXCHANGE);
        }
        FileStat sock = scratch.host.statAt(dir, "api.sock");
        assertThat(sock.is(FileType.SOCKET) && sock.ino() == socketIno).as("%s: the socket is back", where).isTrue();
        scratch.own(Path.of(apiSock), 0755, 0, 0);
        try {
          scratch.host.unlinkAt(dir, "api.sock.swap", false);
        } catch (HostException e) {
          if (!e.is(Errno.ENOENT)) {
            throw e;
          }
        }
        scratch.host.symlinkAt(target, dir, "api.sock.swap");
        scratch.host.lchown(scratch.path("run/vm1/api.sock.swap"), DAEMON, DAEMON);
        String symlinkBefore = scratch.describe(Path.of(scratch.path("run/vm1/api.sock.swap")));

        Racer racer = new Racer(scratch.host, dir, "api.sock", dir, "api.sock.swap", maxPause, i);
        String outcome;
        String message = null;
        Racer.Result raced;
        racer.start();
        try {
          fcproc.ensureSocketAccessFor(apiSock, "api socket", DAEMON, DAEMON);
          outcome = "DONE";
        } catch (RefusedException e) {
          outcome = "REFUSED";
          message = e.getMessage();
        } catch (FcprocException e) {
          outcome = "FAILED";
          message = e.getMessage();
        } catch (RuntimeException | Error e) {
          racer.stop();
          throw new AssertionError(where + ": hand-off threw neither FcprocException nor RefusedException: " + e, e);
        } finally {
          raced = racer.stop();
        }

        // The canaries are exactly as they were.
        for (Map.Entry<String, String> c : canaries.entrySet()) {
          String now = scratch.describe(Path.of(c.getKey()));
          if (!now.equals(c.getValue())) {
            throw new AssertionError(where + ": canary " + c.getKey() + " changed (outcome " + outcome
                + (message == null ? "" : ": " + message) + ", racer swapped " + raced.swaps() + " times):\n    before "
                + c.getValue() + "\n    after  " + now);
          }
        }
        // The socket is under one of the two names, the symlink under the other, unchanged.
        FileStat atName = scratch.host.statAt(dir, "api.sock");
        FileStat atSwap = scratch.host.statAt(dir, "api.sock.swap");
        boolean swapped = atSwap.is(FileType.SOCKET);
        FileStat socketNow = swapped ? atSwap : atName;
        String socketName = swapped ? "api.sock.swap" : "api.sock";
        String linkName = swapped ? "api.sock" : "api.sock.swap";
        assertThat(socketNow.is(FileType.SOCKET) && socketNow.ino() == socketIno)
            .as("%s: the socket inode is under one of the names (api.sock: %s, api.sock.swap: %s)", where, atName, atSwap)
            .isTrue();
        String linkNow = scratch.describe(Path.of(scratch.path("run/vm1/" + linkName)));
        assertThat(linkNow).as("%s: the adversary's symlink (now at %s) is untouched", where, linkName)
            .isEqualTo(symlinkBefore);
        endedSwapped += swapped ? 1 : 0;
        // Handed off on success, untouched otherwise; nothing in between.
        boolean handedOff = socketNow.uid() == DAEMON && socketNow.gid() == DAEMON && socketNow.mode() == 0600;
        boolean untouched = socketNow.uid() == 0 && socketNow.gid() == 0 && socketNow.mode() == 0755;
        if (outcome.equals("DONE")) {
          assertThat(handedOff).as("%s: success, so the socket (now %s) is %d:%d 0600, not %d:%d %s",
              where, socketName, DAEMON, DAEMON, socketNow.uid(), socketNow.gid(), socketNow.octalMode()).isTrue();
          done++;
          doneAfterSwaps += raced.swaps() > 0 ? 1 : 0;
        } else {
          assertThat(untouched).as("%s: %s (%s), so the socket (now %s) is untouched, not %d:%d %s",
              where, outcome, message, socketName, socketNow.uid(), socketNow.gid(), socketNow.octalMode()).isTrue();
          assertThat(message).as("%s: the message names the socket", where).contains(apiSock);
          reasons.merge(outcome + ": " + message.replace(t.toString(), "T"), 1, Integer::sum);
          if (outcome.equals("REFUSED")) {
            refused++;
            refusedAfterSwaps += raced.swaps() > 0 ? 1 : 0;
          } else {
            failed++;
          }
        }
        swaps += raced.swaps();
        raced.refusals().forEach((k, v) -> racerErrors.merge(k.name(), v, Long::sum));
      }
    }
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;

    System.out.println("== race: ensureSocketAccessFor vs renameat2(RENAME_EXCHANGE), " + elapsedMs + " ms");
    System.out.printf("   total: iterations=%d done=%d refused=%d failed=%d swaps=%d refusedAfterSwaps=%d "
            + "doneAfterSwaps=%d endedSwapped=%d racerErrors=%s%n",
        ITERATIONS, done, refused, failed, swaps, refusedAfterSwaps, doneAfterSwaps, endedSwapped, racerErrors);
    System.out.println("   outcomes by reason:");
    reasons.forEach((k, v) -> System.out.println("     " + v + "  " + k));

    assertThat(done + refused + failed).isEqualTo(ITERATIONS);
    assertThat(swaps).as("the racer swapped at all").isPositive();
    assertThat(refusedAfterSwaps).as("some hand-offs met a swap and refused").isPositive();
    assertThat(doneAfterSwaps).as("some hand-offs succeeded while the racer ran").isPositive();
  }

  private static ServerSocketChannel bindServer(String path) throws Exception {
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      s.bind(UnixDomainSocketAddress.of(scratch.inside(Path.of(path))));
      return s;
    } catch (Exception e) {
      s.close();
      throw e;
    }
  }
}
