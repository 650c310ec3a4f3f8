package org.fcproc.linux;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fcproc.host.contract.ContractHost;
import org.fcproc.host.contract.ProcessIdentityContract;

/**
 * The process-identity contract on the real kernel ({@code /proc/PID/root}, {@code /proc/PID/stat}
 * and the clocks, {@code stx_mtime}), as root, inside the throwaway namespaces of the Surefire
 * wrapper; skipped anywhere else. The processes are this JVM's own children: {@code sleep 1000},
 * and for a process rooted in a directory {@code chroot DIR /pause}, where {@code /pause} is a tiny
 * static C program compiled at test time with {@code gcc -static} (as root a missing gcc fails the
 * suite: it must not skip there).
 */
class LinuxProcessIdentityContractTest extends ProcessIdentityContract {
  private static final String PAUSE_SOURCE = "#include <unistd.h>\nint main(void) { for (;;) pause(); }\n";

  private final Map<Integer, Process> children = new HashMap<>();
  private Path pause;

  @Override
  protected ContractHost createContractHost() throws Exception {
    LinuxContractHost c = new LinuxContractHost();
    Path src = Path.of(c.scratch(), "pause.c");
    Files.writeString(src, PAUSE_SOURCE, StandardCharsets.US_ASCII);
    pause = Path.of(c.scratch(), "pause");
    Process gcc = new ProcessBuilder("gcc", "-static", "-O2", "-o", pause.toString(), src.toString())
        .redirectErrorStream(true).start();
    String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!gcc.waitFor(120, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
      throw new AssertionError("gcc -static failed (gcc and a static libc, libc6-dev, are needed): " + out);
    }
    return c;
  }

  private int start(ProcessBuilder pb) throws Exception {
    Process p = pb.redirectErrorStream(true).start();
    children.put((int) p.pid(), p);
    return (int) p.pid();
  }

  @Override
  protected int startProcess() throws Exception {
    return start(new ProcessBuilder("sleep", "1000"));
  }

  @Override
  protected int startProcessRootedIn(String dir) throws Exception {
    Files.copy(pause, Path.of(dir, "pause"));
    String chroot = Files.isExecutable(Path.of("/usr/sbin/chroot")) ? "/usr/sbin/chroot" : "chroot";
    int pid = start(new ProcessBuilder(chroot, dir, "/pause"));
    // chroot(8) exec's /pause in place: wait until it has, so the root is the directory.
    for (int i = 0; i < 200; i++) {
      String exe = Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).toString();
      if (exe.endsWith("/pause")) {
        return pid;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("chroot " + dir + " /pause did not exec");
  }

  @Override
  protected void endProcess(int pid) throws Exception {
    Process p = children.remove(pid);
    if (p != null) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  protected boolean awaitGone(int pid, Duration timeout) throws Exception {
    Process p = children.get(pid);
    return p == null || p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
