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

  /**
   * A view acting as {@code uid:gid} on a thread of its own ({@link UserThreadHost}); the rest of
   * the JVM stays root. Close it.
   */
  @Override
  public UserThreadHost.View asUser(int uid, int gid) throws Exception {
    return UserThreadHost.actingAs(host, uid, gid);
  }

  /** {@code /proc/sys/fs/protected_hardlinks}, read, never written: the sysctl is not namespaced. */
  @Override
  public boolean protectedHardlinks() throws IOException {
    return sysctlOn("protected_hardlinks");
  }

  /** {@code /proc/sys/fs/protected_symlinks}, read, never written. */
  @Override
  public boolean protectedSymlinks() throws IOException {
    return sysctlOn("protected_symlinks");
  }

  /** Linux 6.10+ (from {@code os.version}, the running kernel's release). */
  @Override
  public boolean linkEmptyPathByOpener() {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(System.getProperty("os.version", ""));
    if (!m.find()) {
      throw new IllegalStateException("cannot read the kernel version from os.version=" + System.getProperty("os.version"));
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    return major > 6 || (major == 6 && minor >= 10);
  }

  private static boolean sysctlOn(String name) throws IOException {
    return !Files.readString(Path.of("/proc/sys/fs/" + name), StandardCharsets.US_ASCII).trim().equals("0");
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
