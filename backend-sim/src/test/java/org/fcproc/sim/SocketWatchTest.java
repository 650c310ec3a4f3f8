package org.fcproc.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.NotReadyException;
import org.fcproc.host.DirectoryWatch;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.Handle;
import org.fcproc.host.OpenHow;
import org.fcproc.host.WatchEvent;
import org.junit.jupiter.api.Test;

/**
 * docs/DESIGN.md#readiness-and-identity on the simulated host: the socket hand-off waits by watching the socket's directory
 * (inotify, {@link SimWatch}) in virtual time, so it finishes at the very instant the socket is
 * bound — not at the next 100 ms (sync) or 25 ms (async) poll — and makes a handful of looks
 * instead of one per tick. Polling remains where no watch can be had.
 */
class SocketWatchTest {
  private static final Config CONFIG = new Config("/usr/bin/firecracker", "fcbr0", "172.16.0.1", "24", "/run/fcproc");
  private static final String DIR = "/run/fcproc/vm1";
  private static final String SOCK = DIR + "/api.sock";
  private static final String VSOCK = DIR + "/vsock.sock";
  private static final int VM = 1000;

  private final SimHost host = SimHost.create();
  private final Fcproc fcproc = Fcproc.create(host, CONFIG);

  SocketWatchTest() throws Exception {
    fcproc.ensureSocketDir();
    host.mkdirs(DIR, 0755, VM, VM);
  }

  private void bindAt(Duration when, String path) {
    host.at(when, h -> h.spawnFirecracker(path, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0));
  }

  private long elapsedMs(long t0) {
    return (host.nanoTime() - t0) / 1_000_000;
  }

  private long elapsedNanos(long t0) {
    return host.nanoTime() - t0;
  }

  private long calls(String name, long fromIndex) {
    return host.journal().stream().filter(e -> e.index() >= fromIndex && e.call().equals(name)).count();
  }

  private void assertHandedOff(String path) {
    FileStat st = host.inspect(path).orElseThrow();
    assertThat(st.uid()).isEqualTo(VM);
    assertThat(st.gid()).isEqualTo(VM);
    assertThat(st.mode()).isEqualTo(0600);
  }

  // ================================================================ sync

  @Test
  void syncHandOffOfASocketBoundAt1200msEndsAtExactly1200ms() throws Exception {
    bindAt(Duration.ofMillis(1200), SOCK);
    long first = host.nextCallIndex();
    long t0 = host.nanoTime();
    fcproc.ensureSocketAccessFor(SOCK, "api socket", VM, VM);
    assertThat(elapsedNanos(t0)).isEqualTo(Duration.ofMillis(1200).toNanos());
    assertHandedOff(SOCK);
    // looks: at the start, after the watch, at the 1 s safety look, at the event; no sleep at all
    assertThat(calls("lstat", first)).isEqualTo(4);
    assertThat(calls("sleep", first)).isZero();
    assertThat(calls("watchAdd", first)).isEqualTo(1);
  }

  @Test
  void syncHandOffIsNotRoundedToAnyCadence() throws Exception {
    bindAt(Duration.ofMillis(1237).plusNanos(1), SOCK);
    long t0 = host.nanoTime();
    fcproc.ensureSocketAccessFor(SOCK, "api socket", VM, VM);
    assertThat(elapsedNanos(t0)).isEqualTo(Duration.ofMillis(1237).plusNanos(1).toNanos());
    assertHandedOff(SOCK);
  }

  @Test
  void aSocketAlreadyThereNeedsNoWatch() throws Exception {
    host.spawnFirecracker(SOCK, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    long first = host.nextCallIndex();
    long t0 = host.nanoTime();
    fcproc.ensureSocketAccessFor(SOCK, "api socket", VM, VM);
    assertThat(elapsedNanos(t0)).isZero();
    assertThat(calls("watch", first)).isZero();
    assertThat(calls("lstat", first)).isEqualTo(1);
  }

  @Test
  void aSocketThatNeverComesTimesOutAtExactly5sWithTheSeedsMessage() {
    long t0 = host.nanoTime();
    assertThatThrownBy(() -> fcproc.ensureSocketAccessFor(SOCK, "api socket", VM, VM))
        .isInstanceOf(NotReadyException.class)
        .hasMessage("api socket not ready: " + SOCK + ": context deadline exceeded");
    assertThat(elapsedNanos(t0)).isEqualTo(Duration.ofSeconds(5).toNanos());
  }

  @Test
  void otherNamesInTheDirectoryMakeNoLook() throws Exception {
    for (int i = 1; i <= 9; i++) {
      String name = DIR + "/other-" + i;
      host.at(Duration.ofMillis(50L * i), h -> h.writeFile(name, "x"));
    }
    bindAt(Duration.ofMillis(600), SOCK);
    long first = host.nextCallIndex();
    long t0 = host.nanoTime();
    fcproc.ensureSocketAccessFor(SOCK, "api socket", VM, VM);
    assertThat(elapsedMs(t0)).isEqualTo(600);
    assertThat(calls("lstat", first)).isEqualTo(3); // start, after the watch, at the event
    assertThat(calls("watchNext", first)).isEqualTo(10);
  }

  @Test
  void aSocketRenamedIntoPlaceIsSeen() throws Exception {
    host.mkdirs("/run/fcproc/vm1/tmp", 0755, VM, VM);
    host.socket("/run/fcproc/vm1/tmp/s", 0, 0, 0755);
    host.at(Duration.ofMillis(800), h -> h.rename("/run/fcproc/vm1/tmp/s", SOCK));
    long t0 = host.nanoTime();
    fcproc.ensureSocketAccessFor(SOCK, "api socket", VM, VM);
    assertThat(elapsedMs(t0)).isEqualTo(800);
    assertHandedOff(SOCK);
  }

  @Test
  void aDirectoryThatDoesNotExistYetIsPolledThenWatched() throws Exception {
    String sock = "/run/fcproc/vm2/api.sock";
    host.at(Duration.ofMillis(420), h -> h.mkdirs("/run/fcproc/vm2", 0755, VM, VM));
    bindAt(Duration.ofMillis(1234), sock);
    long first = host.nextCallIndex();
    long t0 = host.nanoTime();
    fcproc.ensureSocketAccessFor(sock, "api socket", VM, VM);
    assertThat(elapsedMs(t0)).isEqualTo(1234);
    assertThat(calls("watchAdd", first)).isEqualTo(1);
    assertHandedOff(sock);
  }

  @Test
  void theDirectoryRenamedAwayAndMadeAgainIsWatchedAgain() throws Exception {
    host.at(Duration.ofMillis(300), h -> {
      h.rename(DIR, "/run/fcproc/vm1.old");
      h.mkdirs(DIR, 0755, VM, VM);
    });
    bindAt(Duration.ofMillis(700), SOCK);
    long first = host.nextCallIndex();
    long t0 = host.nanoTime();
    fcproc.ensureSocketAccessFor(SOCK, "api socket", VM, VM);
    assertThat(elapsedMs(t0)).isEqualTo(700);
    assertThat(calls("watchAdd", first)).isEqualTo(2);
    assertHandedOff(SOCK);
  }

  @Test
  void aDirectoryReplacedAboveTheWatchedOneIsCaughtByTheSafetyLook() throws Exception {
    host.at(Duration.ofMillis(300), h -> {
      h.rename("/run/fcproc", "/run/fcproc.old");
      h.mkdirs(DIR, 0755, VM, VM);
    });
    bindAt(Duration.ofMillis(1234), SOCK);
    long t0 = host.nanoTime();
    fcproc.ensureSocketAccessFor(SOCK, "api socket", VM, VM);
    assertThat(elapsedMs(t0)).isEqualTo(2000); // the safety looks at 1 s and 2 s
    assertHandedOff(SOCK);
  }

  // ================================================================ fallback to polling

  @Test
  void withoutAWatchItPollsAsTheSeedDoes() throws Exception {
    host.failWhen(c -> c.call().equals("watch"), Errno.ENOSYS);
    bindAt(Duration.ofMillis(1234), SOCK);
    long first = host.nextCallIndex();
    long t0 = host.nanoTime();
    fcproc.ensureSocketAccessFor(SOCK, "api socket", VM, VM);
    assertThat(elapsedMs(t0)).isEqualTo(1300); // the next 100 ms tick
    assertThat(calls("sleep", first)).isEqualTo(13);
    assertHandedOff(SOCK);
  }

  @Test
  void inotifyLimitsFallBackToPolling() throws Exception {
    host.failWhen(c -> c.call().equals("watchAdd"), Errno.ENOSPC);
    bindAt(Duration.ofMillis(1234), SOCK);
    long t0 = host.nanoTime();
    fcproc.ensureSocketAccessFor(SOCK, "api socket", VM, VM);
    assertThat(elapsedMs(t0)).isEqualTo(1300);
    assertHandedOff(SOCK);
  }

  @Test
  void aWatchFailingWhileWaitingFallsBackToPolling() throws Exception {
    host.failOnce(c -> c.call().equals("watchNext"), Errno.EIO);
    bindAt(Duration.ofMillis(1234), SOCK);
    long t0 = host.nanoTime();
    fcproc.ensureSocketAccessFor(SOCK, "api socket", VM, VM);
    assertThat(elapsedMs(t0)).isEqualTo(1300);
    assertHandedOff(SOCK);
  }

  @Test
  void aSymlinkedDirectoryIsPolledAndTheHandOffStillRefusesIt() {
    host.mkdirs("/srv/elsewhere", 0755, VM, VM);
    host.symlink("/run/fcproc/vm3", "/srv/elsewhere", VM, VM);
    bindAt(Duration.ofMillis(500), "/srv/elsewhere/api.sock");
    long t0 = host.nanoTime();
    assertThatThrownBy(() -> fcproc.ensureSocketAccessFor("/run/fcproc/vm3/api.sock", "api socket", VM, VM))
        .hasMessageContaining("it is a symlink");
    assertThat(elapsedMs(t0)).isEqualTo(500);
    assertThat(host.inspect("/srv/elsewhere/api.sock").orElseThrow().uid()).isZero();
  }

  // ================================================================ async

  @Test
  void asyncHandOffOfTwoSocketsEndsWhenTheLastIsBound() throws Exception {
    bindAt(Duration.ofMillis(700), VSOCK);
    bindAt(Duration.ofMillis(1200), SOCK);
    long first = host.nextCallIndex();
    long t0 = host.nanoTime();
    fcproc.ensureSocketAccessForAsync(Arrays.asList(SOCK, "", VSOCK), VM, VM).get(10, TimeUnit.SECONDS);
    assertThat(elapsedNanos(t0)).isEqualTo(Duration.ofMillis(1200).toNanos());
    assertHandedOff(SOCK);
    assertHandedOff(VSOCK);
    assertThat(calls("sleep", first)).isZero();
    assertThat(calls("watch", first)).isEqualTo(1);
    assertThat(calls("watchAdd", first)).as("one directory, one watch").isEqualTo(1);
    // the vsock was handed off at 700 ms, while the API socket was still awaited
    assertThat(host.journal().stream().filter(e -> e.index() >= first && e.call().equals("fchown"))
        .map(e -> e.nanoTime() - t0).toList())
        .containsExactly(Duration.ofMillis(700).toNanos(), Duration.ofMillis(1200).toNanos());
  }

  @Test
  void asyncHandOffInTwoDirectoriesIsNotRounded() throws Exception {
    host.mkdirs("/run/fcproc/vm2", 0755, VM, VM);
    String other = "/run/fcproc/vm2/api.sock";
    bindAt(Duration.ofMillis(333), other);
    bindAt(Duration.ofMillis(1201), SOCK);
    long first = host.nextCallIndex();
    long t0 = host.nanoTime();
    fcproc.ensureSocketAccessForAsync(List.of(SOCK, other), VM, VM).get(10, TimeUnit.SECONDS);
    assertThat(elapsedMs(t0)).isEqualTo(1201);
    assertThat(calls("watchAdd", first)).isEqualTo(2);
    assertHandedOff(SOCK);
    assertHandedOff(other);
  }

  @Test
  void asyncTimesOutAtExactly3sNamingTheFirstMissingPath() throws Exception {
    bindAt(Duration.ofMillis(200), VSOCK);
    long t0 = host.nanoTime();
    var f = fcproc.ensureSocketAccessForAsync(List.of(SOCK, VSOCK), VM, VM);
    assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(NotReadyException.class)
        .hasRootCauseMessage("firecracker socket not ready: " + SOCK + ": context deadline exceeded");
    assertThat(elapsedNanos(t0)).isEqualTo(Duration.ofSeconds(3).toNanos());
    assertHandedOff(VSOCK);
  }

  // ================================================================ the watch itself

  @Test
  void overflowIsReportedOnceAfterMaxQueuedEvents() throws Exception {
    host.mkdirs("/flood");
    try (DirectoryWatch w = host.watch(); Handle d = host.open("/flood", OpenHow.directoryNoFollow())) {
      int wd = w.add(d);
      for (int i = 0; i < SimWatch.MAX_QUEUED_EVENTS + 5; i++) {
        host.writeFile("/flood/f" + i, "");
      }
      for (int i = 0; i < SimWatch.MAX_QUEUED_EVENTS; i++) {
        assertThat(w.next(Duration.ZERO)).contains(new WatchEvent(wd, WatchEvent.Kind.CREATE, "f" + i));
      }
      assertThat(w.next(Duration.ZERO)).contains(new WatchEvent(-1, WatchEvent.Kind.OVERFLOW, ""));
      assertThat(w.next(Duration.ZERO)).isEmpty();
      host.writeFile("/flood/after", "");
      assertThat(w.next(Duration.ZERO)).contains(new WatchEvent(wd, WatchEvent.Kind.CREATE, "after"));
    }
  }

  @Test
  void anAdversaryViewsChangesAreEventsToo() throws Exception {
    try (DirectoryWatch w = host.watch(); Handle d = host.open(DIR, OpenHow.directoryNoFollow())) {
      int wd = w.add(d);
      host.beforeEachCall(c -> {
        if (c.call().equals("watchNext")) {
          host.clearHooks();
          host.symlink(SOCK, "/etc/shadow", VM, VM);
        }
      });
      long t0 = host.nanoTime();
      assertThat(w.next(Duration.ofSeconds(1))).contains(new WatchEvent(wd, WatchEvent.Kind.CREATE, "api.sock"));
      assertThat(elapsedNanos(t0)).isZero();
    }
  }

  @Test
  void aNonRootCallerNeedsReadPermissionOnTheDirectory() throws Exception {
    host.mkdirs("/run/locked", 0711, 0, 0);
    var user = host.as(VM, VM);
    try (DirectoryWatch w = user.watch(); Handle d = user.open("/run/locked", OpenHow.pathNoFollow())) {
      assertThatThrownBy(() -> w.add(d)).satisfies(e -> assertThat(((org.fcproc.host.HostException) e).errno())
          .isEqualTo(Errno.EACCES));
    }
  }
}
