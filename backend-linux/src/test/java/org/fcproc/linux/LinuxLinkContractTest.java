package org.fcproc.linux;

import org.fcproc.host.contract.ContractHost;
import org.fcproc.host.contract.LinkContract;

/**
 * Core's TAP contract on the real kernel (tun and bridge ioctls), as root, inside the test JVM's
 * throwaway network namespace (the Surefire wrapper's {@code unshare -n}): every link it makes dies
 * with the JVM and none reaches the machine. Skipped anywhere else ({@link KernelNamespace}).
 */
class LinuxLinkContractTest extends LinkContract {
  @Override
  protected ContractHost createContractHost() throws Exception {
    LinuxContractHost contract = new LinuxContractHost();
    openTunToEveryone(contract);
    return contract;
  }

  /**
   * The TAP owner's own calls go through {@code /dev/net/tun}, which distributions make 0666 (the
   * driver's {@code tun_not_capable} is the access check, not the node's mode). Some machines —
   * this project's CI containers among them — ship it 0600, and the owner's facts could then not
   * be tested. Inside the test JVM's own mount namespace a 0666 node with the same numbers is bound
   * over it; the machine's node is never touched, and the bind dies with the namespace.
   */
  private static void openTunToEveryone(LinuxContractHost contract) throws Exception {
    java.nio.file.Path tun = java.nio.file.Path.of("/dev/net/tun");
    if (!java.nio.file.Files.exists(tun)) {
      return;
    }
    String node = contract.scratch() + "/tun";
    run("mknod", "-m", "0666", node, "c", "10", "200");
    run("mount", "--bind", node, tun.toString());
  }

  private static void run(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
    }
  }
}
