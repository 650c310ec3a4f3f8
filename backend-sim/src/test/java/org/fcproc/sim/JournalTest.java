package org.fcproc.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fcproc.sim.Calls.errno;

import java.util.ArrayList;
import java.util.List;
import org.fcproc.host.Errno;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.OpenHow;
import org.junit.jupiter.api.Test;

/** The choke point: numbering, hooks, faults, journal. */
class JournalTest {
  private final SimHost host = SimHost.create();

  @Test
  void aHookSwapsADirectoryForASymlinkBeforeAGivenCallAndTheCallSeesIt() throws Exception {
    host.mkdirs("/vm", 0755, 1000, 1000);
    host.mkdirs("/vm/chroot", 0755, 1000, 1000);
    host.mkdirs("/etc");
    HostOps adversary = host.as(1000, 1000);
    long target = host.nextCallIndex() + 1; // the second call from now
    host.beforeEachCall(call -> {
      if (call.index() == target) {
        try (Handle vm = adversary.open("/vm", OpenHow.directoryNoFollow())) {
          adversary.unlinkAt(vm, "chroot", true);
          adversary.symlinkAt("/etc", vm, "chroot");
        } catch (HostException e) {
          throw new AssertionError(e);
        }
      }
    });
    assertThat(host.lstat("/vm/chroot").type()).isEqualTo(FileType.DIRECTORY);
    assertThat(host.lstat("/vm/chroot").type()).isEqualTo(FileType.SYMLINK);
    assertThat(host.readlink("/vm/chroot")).contains("/etc");
    List<String> calls = new ArrayList<>();
    host.journal().forEach(e -> calls.add(e.actorUid() + " " + e.call() + " " + e.outcome()));
    assertThat(calls).containsExactly(
        "0 lstat ok", "1000 open ok", "1000 unlinkAt ok", "1000 symlinkAt ok", "1000 close ok", "0 lstat ok");
    assertThat(host.journal().get(5).index()).isEqualTo(target);
  }

  @Test
  void callsMadeByHooksDoNotTriggerHooks() throws Exception {
    List<Long> seen = new ArrayList<>();
    host.beforeEachCall(call -> {
      seen.add(call.index());
      host.nanoTime();
      host.getenv("PATH");
    });
    host.nanoTime();
    host.getenv("HOME");
    assertThat(seen).hasSize(2);
    assertThat(host.journal()).hasSize(6);
    assertThat(host.getenv("PATH")).contains("/usr/local/bin:/usr/bin:/bin");
  }

  @Test
  void journalRecordsErrnoOutcomesAndArguments() {
    assertThat(errno(() -> host.lstat("/missing"))).isEqualTo(Errno.ENOENT);
    JournalEntry e = host.journal().get(0);
    assertThat(e.call()).isEqualTo("lstat");
    assertThat(e.args()).isEqualTo("\"/missing\"");
    assertThat(e.outcome()).isEqualTo("ENOENT");
    assertThat(e.nanoTime()).isEqualTo(host.nanoTime() - 0);
  }

  @Test
  void faultsFailMatchingCallsOnceOrAlways() throws Exception {
    host.mkdirs("/d");
    host.failOnce(c -> c.call().equals("mkdirAt") && c.touches("/d"), Errno.ENOSPC);
    try (Handle d = host.open("/d", OpenHow.directoryNoFollow())) {
      assertThat(errno(() -> host.mkdirAt(d, "a", 0755))).isEqualTo(Errno.ENOSPC);
      host.mkdirAt(d, "a", 0755);
      host.failWhen(c -> c.call().equals("mkdirAt"), Errno.EIO);
      assertThat(errno(() -> host.mkdirAt(d, "b", 0755))).isEqualTo(Errno.EIO);
      assertThat(errno(() -> host.mkdirAt(d, "c", 0755))).isEqualTo(Errno.EIO);
      host.clearFaults();
      host.mkdirAt(d, "d", 0755);
    }
    assertThat(host.list("/d")).containsExactly("a", "d");
  }

  @Test
  void simCallNamesThePathsOfAtCalls() throws Exception {
    host.mkdirs("/a/b");
    List<SimCall> calls = new ArrayList<>();
    host.beforeEachCall(calls::add);
    try (Handle a = host.open("/a", OpenHow.directoryNoFollow())) {
      host.statAt(a, "b");
    }
    assertThat(calls).extracting(SimCall::call).containsExactly("open", "statAt", "close");
    assertThat(calls.get(1).paths()).containsExactly("/a/b");
    assertThat(calls.get(1).touches("/a")).isTrue();
  }
}
