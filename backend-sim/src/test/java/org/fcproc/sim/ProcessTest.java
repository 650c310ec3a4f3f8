package org.fcproc.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fcproc.sim.Calls.errno;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.fcproc.host.CommandResult;
import org.fcproc.host.Errno;
import org.junit.jupiter.api.Test;

/** Processes, pgrep, kill and the virtual clock. */
class ProcessTest {
  @Test
  void pidsAreReusedAfterWrapping() {
    SimHost host = SimHost.builder().pidMax(103).build();
    int a = host.spawn(List.of("a"), "/bin/a");
    int b = host.spawn(List.of("b"), "/bin/b");
    int c = host.spawn(List.of("c"), "/bin/c");
    assertThat(List.of(a, b, c)).containsExactly(100, 101, 102);
    host.exit(a);
    int d = host.spawn(List.of("d"), "/bin/d");
    assertThat(d).isEqualTo(a);
    assertThat(host.processes()).extracting(p -> p.argv().get(0)).containsExactly("d", "b", "c");
  }

  @Test
  void pgrepNewestMatchesARegexAnywhereInTheCommandLine() throws Exception {
    SimHost host = SimHost.create();
    host.mkdirs("/run");
    int fc = host.spawnFirecracker("/run/vm1.sock", GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
    host.advance(Duration.ofSeconds(1));
    int impostor = host.spawn(List.of("sleep", "1000", "/run/vm1.sock"), "/bin/sleep", 1000, 1000);
    CommandResult r = host.run(List.of("pgrep", "-n", "-f", "/run/vm1.sock"));
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).isEqualTo(impostor + "\n");
    assertThat(host.run(List.of("pgrep", "-n", "-f", "vm1\\.sock$")).stdout()).isEqualTo(impostor + "\n");
    assertThat(host.run(List.of("pgrep", "-n", "-f", "--api-sock /run/vm1")).stdout()).isEqualTo(fc + "\n");
    CommandResult none = host.run(List.of("pgrep", "-n", "-f", "vm2"));
    assertThat(none.exitCode()).isEqualTo(1);
    assertThat(none.stdout()).isEmpty();
  }

  @Test
  void pgrepBreaksStartTimeTiesByPid() throws Exception {
    SimHost host = SimHost.builder().pidMax(102).build();
    int a = host.spawn(List.of("x", "pat"), "/x");
    int b = host.spawn(List.of("x", "pat"), "/x");
    host.exit(a);
    int c = host.spawn(List.of("x", "pat"), "/x"); // reused pid 100, same tick
    assertThat(c).isEqualTo(100);
    assertThat(host.run(List.of("pgrep", "-n", "-f", "pat")).stdout()).isEqualTo(b + "\n");
  }

  @Test
  void killChecksTheSenderAndEndsTheProcess() throws Exception {
    SimHost host = SimHost.create();
    int roots = host.spawn(List.of("daemon"), "/sbin/daemon");
    int users = host.spawn(List.of("job"), "/bin/job", 1000, 1000);
    assertThat(errno(() -> host.as(1000, 1000).kill(roots, 9))).isEqualTo(Errno.EPERM);
    host.as(1000, 1000).kill(users, 15);
    assertThat(host.isRunning(users)).isFalse();
    assertThat(errno(() -> host.kill(users, 9))).isEqualTo(Errno.ESRCH);
    assertThat(host.isRunning(roots)).isTrue();
    CommandResult r = host.run(List.of("kill", "-KILL", Integer.toString(roots)));
    assertThat(r.exitCode()).isZero();
    assertThat(host.process(roots)).isEmpty();
  }

  @Test
  void processInfoCarriesStartTicks() throws Exception {
    SimHost host = SimHost.create();
    long t0 = host.nanoTime();
    host.sleep(Duration.ofMillis(250));
    int pid = host.spawn(List.of("a", "b"), "/bin/a");
    var info = host.process(pid).orElseThrow();
    assertThat(info.startTime()).isEqualTo((t0 + 250_000_000L) / 10_000_000L);
    assertThat(info.commandLine()).isEqualTo("a b");
    assertThat(info.zombie()).isFalse();
  }

  @Test
  void sleepFiresEventsInTimeOrderTiesInInsertionOrder() {
    SimHost host = SimHost.create();
    List<String> fired = new ArrayList<>();
    long start = host.nanoTime();
    host.at(Duration.ofMillis(300), () -> fired.add("c"));
    host.at(Duration.ofMillis(100), () -> fired.add("a"));
    host.at(Duration.ofMillis(100), () -> fired.add("b"));
    host.at(Duration.ofMillis(100), h -> h.mkdirs("/made-by-event"));
    host.sleep(Duration.ofMillis(200));
    assertThat(fired).containsExactly("a", "b");
    assertThat(host.exists("/made-by-event")).isTrue();
    assertThat(host.nanoTime() - start).isEqualTo(200_000_000L);
    host.sleep(Duration.ofMillis(100));
    assertThat(fired).containsExactly("a", "b", "c");
  }
}
