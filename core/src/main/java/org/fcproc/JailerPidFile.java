package org.fcproc;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.OpenHow;

/**
 * The jailer's pid file, {@code <chroot>/<exec file name>.pid}: Firecracker's jailer writes there
 * the pid of the process it exec's into firecracker, as the host's pid namespace sees it (with
 * {@code --new-pid-ns} too: the parent writes the child's pid from outside the new namespace).
 *
 * <p>It lies in a directory the VM's uid owns, so it names a candidate and no more: what the
 * kernel says of that candidate decides ({@link VmIdentity}). It is read through a handle — the
 * chroot reached without any symlink ({@link NoFollowPaths}), the file opened
 * {@code O_RDONLY|O_NOFOLLOW|O_NONBLOCK} in it — and refused unless it is a regular file with one
 * link, owned by root or by the chroot's owner, of at most {@value #MAX_BYTES} bytes holding a
 * positive decimal pid. Its modification time ({@code stx_mtime}) is when it was written: the
 * process it names started before that.
 *
 * @param path the pid file's path, for messages
 * @param pid the pid it holds
 * @param written its modification time
 */
record JailerPidFile(String path, int pid, Instant written) {
  /** A pid file longer than this is not the jailer's. */
  static final int MAX_BYTES = 32;

  JailerPidFile {
    Inputs.absolutePath("pid file", path);
    if (pid <= 0) {
      throw new IllegalArgumentException("pid must be positive: " + pid);
    }
    java.util.Objects.requireNonNull(written, "written");
  }

  /**
   * The jail's pid file, or empty when there is none (ENOENT: the jailer has not written it yet,
   * this is no jailer's chroot, or there is no chroot at all).
   *
   * @throws RefusedException when it is a symlink, not a regular file, hard-linked, foreign-owned,
   *     too long or not a pid
   * @throws FcprocException when the chroot cannot be opened or a host call fails
   */
  static Optional<JailerPidFile> read(HostOps host, VmJail jail, String operation) throws FcprocException {
    String pidFile = jail.pidFile();
    Handle chroot;
    try {
      chroot = NoFollowPaths.openDirectory(host, jail.chrootRoot(), operation);
    } catch (RefusedException e) {
      throw e;
    } catch (FcprocException e) {
      if (e.getCause() instanceof HostException h && h.is(Errno.ENOENT)) {
        return Optional.empty(); // no chroot, so no pid file
      }
      throw e;
    }
    try (Handle dir = chroot) {
      FileStat dirStat = host.fstat(dir);
      Handle file;
      try {
        file = host.openAt(dir, jail.pidFileName(), OpenHow.readNoFollow());
      } catch (HostException e) {
        if (e.is(Errno.ENOENT)) {
          return Optional.empty();
        }
        if (e.is(Errno.ELOOP)) {
          throw new RefusedException(operation, pidFile, "the pid file is a symlink");
        }
        throw new FcprocException(operation + ": open " + pidFile, e);
      }
      try (file) {
        FileStat st = host.fstat(file);
        if (!st.is(FileType.REGULAR)) {
          throw new RefusedException(operation, pidFile, "the pid file is a " + SocketHandoff.describe(st.type())
              + ", not a regular file");
        }
        if (st.nlink() != 1) {
          throw new RefusedException(operation, pidFile, "the pid file has " + st.nlink() + " links");
        }
        if (st.uid() != 0 && st.uid() != dirStat.uid()) {
          throw new RefusedException(operation, pidFile, "the pid file is owned by uid " + st.uid()
              + ", neither root nor the chroot's owner (uid " + dirStat.uid() + ")");
        }
        if (st.size() > MAX_BYTES) {
          throw new RefusedException(operation, pidFile, "the pid file is " + st.size() + " bytes long");
        }
        Instant written = host.modificationTime(file);
        byte[] bytes = host.read(file, MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
          throw new RefusedException(operation, pidFile, "the pid file is longer than " + MAX_BYTES + " bytes");
        }
        String text = new String(bytes, StandardCharsets.US_ASCII).strip();
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
          throw new RefusedException(operation, pidFile, "the pid file does not hold a pid: "
              + RefusedException.quote(text));
        }
        long pid = Long.parseLong(text);
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
          throw new RefusedException(operation, pidFile, "the pid file holds " + pid + ", not a pid");
        }
        return Optional.of(new JailerPidFile(pidFile, (int) pid, written));
      }
    } catch (HostException e) {
      throw new FcprocException(operation + ": read " + pidFile, e);
    }
  }
}
