package org.fcproc.host.contract;

import java.util.Set;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.MountFlag;

/**
 * What a backend gives {@link HostOpsContract} to run on: the {@link HostOps} under test, acting
 * as root, and a scratch area it may fill, mount on and tear down.
 *
 * <p>On Linux the scratch directory is the root of a fresh tmpfs inside a throwaway mount
 * namespace; on the simulator it is a fresh directory of the simulated tree. {@link #close()}
 * removes everything the suite made.
 */
public interface ContractHost extends AutoCloseable {

  /** The host under test. Its credentials are root's. */
  HostOps host();

  /**
   * The absolute path of a fresh, empty directory that belongs to the suite: the root of its
   * own mount (a tmpfs on Linux), so that mount ids and {@code link(2)} edges are the suite's.
   * Each test makes its own subdirectory in it.
   */
  String scratch();

  /**
   * Mounts a new, empty tmpfs (mode 0755) on the existing directory {@code path}, with these
   * per-mount flags. Like {@code mount(2)}, a symlink at {@code path} is followed.
   */
  default void mountTmpfs(String path, Set<MountFlag> flags) throws HostException {
    host().mount("tmpfs", path, "tmpfs", flags, "mode=0755");
  }

  /** The umask the host applies to the modes of {@code mkdir}, {@code mknod} and {@code open(O_CREAT)}. */
  int umask();

  /** Test setup outside the SPI: makes {@code path} a regular file holding {@code content}. */
  void writeFile(String path, byte[] content) throws Exception;

  /** Test check outside the SPI: the bytes of the regular file at {@code path}. */
  byte[] readFile(String path) throws Exception;

  /**
   * For {@link PermissionContract}: a view of {@link #host()} acting as {@code uid:gid} (no
   * supplementary groups, no capabilities), on the same tree and the same handles. The suite
   * closes it after each test when it is {@link AutoCloseable}. A backend that cannot give one
   * aborts (skips) the permission suite.
   */
  default HostOps asUser(int uid, int gid) throws Exception {
    throw new org.opentest4j.TestAbortedException("this backend gives no view acting as another user");
  }

  /**
   * For {@link PermissionContract}: the host's {@code fs.protected_hardlinks} setting (on Linux
   * {@code /proc/sys/fs/protected_hardlinks}), read, never changed.
   */
  default boolean protectedHardlinks() throws Exception {
    throw new org.opentest4j.TestAbortedException("this backend does not report fs.protected_hardlinks");
  }

  /** For {@link PermissionContract}: the host's {@code fs.protected_symlinks} setting, read, never changed. */
  default boolean protectedSymlinks() throws Exception {
    throw new org.opentest4j.TestAbortedException("this backend does not report fs.protected_symlinks");
  }

  /**
   * For {@link PermissionContract}: whether {@code linkat(handle, "", ..., AT_EMPTY_PATH)} is
   * allowed without {@code CAP_DAC_READ_SEARCH} to the very credentials that opened the handle
   * (Linux 6.10+; before, never). The simulator models 6.10+.
   */
  default boolean linkEmptyPathByOpener() {
    return true;
  }

  /** Unmounts and removes the scratch area and everything in it. */
  @Override
  void close() throws Exception;
}
