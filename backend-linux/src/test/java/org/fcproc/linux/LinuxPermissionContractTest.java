package org.fcproc.linux;

import static org.assertj.core.api.Assertions.assertThat;

import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.OpenHow;
import org.fcproc.host.contract.ContractHost;
import org.fcproc.host.contract.PermissionContract;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The permission contract on the real kernel: root (this JVM, inside the throwaway namespaces of
 * the Surefire wrapper) sets up the tree, and a thread that dropped to uid 1000 with the raw
 * credential syscalls ({@link UserThreadHost}) makes the calls. Skipped, with the reason printed,
 * where the kernel tests cannot run. The protected link settings are the machine's, read from
 * {@code /proc/sys/fs}, never changed.
 */
class LinuxPermissionContractTest extends PermissionContract {
  @Override
  protected ContractHost createContractHost() throws Exception {
    return new LinuxContractHost();
  }

  @Test
  @DisplayName("linux: only the view's thread is uid 1000 and has no capabilities; the JVM stays root")
  void onlyTheViewsThreadDropped() throws Exception {
    UserThreadHost.View view = (UserThreadHost.View) user;
    assertThat(view.onThread(() -> UserThreadHost.uidLine("/proc/thread-self/status")))
        .matches("Uid:\\s+1000\\s+1000\\s+1000\\s+1000");
    assertThat(view.onThread(() -> capEff("/proc/thread-self/status"))).isEqualTo(0L);
    assertThat(UserThreadHost.uidLine("/proc/thread-self/status")).matches("Uid:\\s+0\\s+0\\s+0\\s+0");
    assertThat(UserThreadHost.uidLine("/proc/self/status")).matches("Uid:\\s+0\\s+0\\s+0\\s+0");
    assertThat(capEff("/proc/thread-self/status")).isNotEqualTo(0L);
    assertThat(host.credentials().isRoot()).isTrue();
  }

  @Test
  @DisplayName("linux: handles cross threads (one fd table per process); rights do not")
  void handlesAreSharedButRightsAreNot() throws Exception {
    rootDir("locked", 0700);
    rootFile("locked/f", 0600);
    // root opens inside; the user thread may use the fd: the kernel checks nothing at fstat of an fd
    Handle rootsFile = track(host.open(p("locked/f"), OpenHow.pathNoFollow()));
    assertThat(user.fstat(rootsFile).type()).isEqualTo(FileType.REGULAR);
    // the user's handle is usable by root
    Handle usersDir = track(user.open(p("locked"), OpenHow.directoryNoFollow()));
    assertThat(host.statAt(usersDir, "f").type()).isEqualTo(FileType.REGULAR);
  }

  private static long capEff(String statusFile) throws java.io.IOException {
    for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(statusFile))) {
      if (line.startsWith("CapEff:")) {
        return Long.parseLong(line.substring(7).trim(), 16);
      }
    }
    throw new IllegalStateException("no CapEff in " + statusFile);
  }
}
