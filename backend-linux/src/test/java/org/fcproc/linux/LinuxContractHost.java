package org.fcproc.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import org.fcproc.host.HostOps;
import org.fcproc.host.MountFlag;
import org.fcproc.host.UmountFlag;
import org.fcproc.host.contract.ContractHost;

/**
 * The contract's scratch area on the kernel: a fresh tmpfs on {@code /tmp/fcproc-contract-*},
 * mounted inside the test JVM's private mount namespace, detached and removed by {@link #close()}.
 */
final class LinuxContractHost implements ContractHost {
  private final LinuxHost host;
  private final Path dir;
  private boolean mounted;

  LinuxContractHost() throws IOException {
    KernelNamespace.assumeInside();
    this.host = LinuxHost.create();
    this.dir = Files.createTempDirectory(Path.of("/tmp"), "fcproc-contract-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      host.mount("tmpfs", dir.toString(), "tmpfs", EnumSet.noneOf(MountFlag.class), "mode=0755,size=64m");
      mounted = true;
    } catch (IOException e) {
      Files.deleteIfExists(dir);
      throw e;
    }
  }

  @Override
  public HostOps host() {
    return host;
  }

  @Override
  public String scratch() {
    return dir.toString();
  }

  @Override
  public int umask() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("Umask:")) {
          return Integer.parseInt(line.substring(6).trim(), 8);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    throw new IllegalStateException("no Umask in /proc/self/status");
  }

  @Override
  public void writeFile(String path, byte[] content) throws IOException {
    Files.write(Path.of(path), content);
  }

  @Override
  public byte[] readFile(String path) throws IOException {
    return Files.readAllBytes(Path.of(path));
  }

  @Override
  public void close() throws IOException {
    if (mounted) {
      host.umount2(dir.toString(), EnumSet.of(UmountFlag.DETACH)); // takes every mount under it too
      mounted = false;
    }
    Files.deleteIfExists(dir);
  }
}
