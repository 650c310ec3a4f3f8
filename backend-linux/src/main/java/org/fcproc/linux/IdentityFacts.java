package org.fcproc.linux;

import static org.fcproc.linux.Native.AT_EMPTY_PATH;
import static org.fcproc.linux.Native.AT_FDCWD;
import static org.fcproc.linux.Native.AT_NO_AUTOMOUNT;
import static org.fcproc.linux.Native.PROC_SUPER_MAGIC;
import static org.fcproc.linux.Native.STATX_BASIC_STATS;
import static org.fcproc.linux.Native.STATX_MNT_ID;
import static org.fcproc.linux.Native.STATX_SIZE_BYTES;
import static org.fcproc.linux.Native.SYS_PIDFD_SEND_SIGNAL;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import jnr.ffi.Pointer;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.HostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel facts by which a jailed VM's process is recognised from the host
 * ({@link org.fcproc.host.HostOps#processRoot}, {@link org.fcproc.host.HostOps#processStartTime},
 * {@link org.fcproc.host.HostOps#modificationTime}): the process's root directory, its start on
 * the wall clock, and a file's modification time.
 *
 * <p>Each process fact is read by pid from {@code /proc/PID} and then made the pidfd's: a signal 0
 * through the pidfd afterwards succeeds (or fails with EPERM, which the kernel answers only for a
 * process it found) only while the pidfd's process has not been reaped — and while it has not, no
 * other process can have its pid, so what was read was its own.
 */
final class IdentityFacts {
  private static final Logger LOG = LoggerFactory.getLogger(IdentityFacts.class);

  static final int CLOCK_REALTIME = 0;
  static final int CLOCK_BOOTTIME = 7;
  /** {@code USER_HZ}: the unit of {@code /proc/PID/stat}'s times, 100 on every Linux ABI. */
  static final long USER_HZ = 100;
  static final int STATX_MTIME = 0x40;
  /** {@code struct statx}: {@code stx_mtime} ({@code tv_sec} s64, {@code tv_nsec} u32) at 112. */
  private static final int STX_MTIME_OFFSET = 112;

  private final Native n;
  private final LibC libc;

  IdentityFacts(Native n) {
    this.n = n;
    this.libc = n.libc;
  }

  /**
   * {@code statx("/proc/PID/root")}, the magic link followed, then the pidfd's confirmation. A
   * failed statx is reported after the confirmation, so a process reaped meanwhile is ESRCH, and
   * ENOENT is left for a zombie (its {@code fs} is released at exit: no root).
   */
  FileStat processRoot(int pidfd, int pid) throws HostException {
    requireProcfs("statx");
    String path = "/proc/" + pid + "/root";
    Pointer buf = n.buffer(STATX_SIZE_BYTES);
    int rc = libc.statx(AT_FDCWD, path, AT_NO_AUTOMOUNT, STATX_BASIC_STATS | STATX_MNT_ID, buf);
    HostException failure = rc == 0 ? null : n.fail("statx", path);
    confirmNotReaped(pidfd, pid, "statx", path);
    if (failure != null) {
      LOG.debug("statx {} -> {}", path, failure.errno());
      throw failure;
    }
    FileStat st = LinuxHost.decodeStatx(buf);
    LOG.debug("statx {} -> {} dev {} ino {}", path, st.type(), st.dev(), st.ino());
    return st;
  }

  /**
   * Field 22 of {@code /proc/PID/stat} (ticks after boot on {@code CLOCK_BOOTTIME}), the pidfd's
   * confirmation, then the boot time on the wall clock added: {@code CLOCK_REALTIME} minus
   * {@code CLOCK_BOOTTIME}, both read now, back to back. (The {@code btime} of {@code /proc/stat}
   * would do too, but it is whole seconds.)
   */
  Instant processStartTime(int pidfd, int pid) throws HostException {
    Path stat = Path.of("/proc", Integer.toString(pid), "stat");
    long ticks;
    try {
      String text = Files.readString(stat, StandardCharsets.UTF_8);
      int close = text.lastIndexOf(')');
      String[] f = close < 0 ? new String[0] : text.substring(close + 1).trim().split(" +");
      if (f.length < 20) {
        throw new HostException(Errno.EIO, "read", stat.toString(), "not a stat line: " + text);
      }
      ticks = Long.parseLong(f[19]); // after "pid (comm) ": field 3 is token 0, field 22 token 19
    } catch (NoSuchFileException e) {
      confirmNotReaped(pidfd, pid, "read", stat.toString());
      throw new HostException(Errno.ESRCH, "read", stat.toString(), "the process has exited");
    } catch (IOException | NumberFormatException e) {
      confirmNotReaped(pidfd, pid, "read", stat.toString());
      throw new HostException(Errno.EIO, "read", stat.toString(), e.getMessage());
    }
    confirmNotReaped(pidfd, pid, "read", stat.toString());
    long bootWallNanos = bootOnWallClockNanos();
    long startNanos = bootWallNanos + ticks * (1_000_000_000L / USER_HZ);
    Instant start = Instant.ofEpochSecond(Math.floorDiv(startNanos, 1_000_000_000L), Math.floorMod(startNanos, 1_000_000_000L));
    LOG.debug("start of pid {} -> {} ticks after boot, {}", pid, ticks, start);
    return start;
  }

  /** {@code statx(fd, "", AT_EMPTY_PATH, STATX_MTIME)}'s {@code stx_mtime}. */
  Instant modificationTime(int fd, String display) throws HostException {
    Pointer buf = n.buffer(STATX_SIZE_BYTES);
    if (libc.statx(fd, "", AT_EMPTY_PATH | AT_NO_AUTOMOUNT, STATX_MTIME, buf) != 0) {
      throw n.fail("statx", display);
    }
    if ((buf.getInt(0) & STATX_MTIME) == 0) {
      throw new HostException(Errno.EOPNOTSUPP, "statx", display, "the filesystem gives no modification time");
    }
    long sec = buf.getLong(STX_MTIME_OFFSET);
    long nsec = buf.getInt(STX_MTIME_OFFSET + 8) & 0xffffffffL;
    Instant t = Instant.ofEpochSecond(sec, nsec);
    LOG.debug("statx {} mtime -> {}", display, t);
    return t;
  }

  /**
   * {@code CLOCK_REALTIME} minus {@code CLOCK_BOOTTIME}, read between two reads of the latter (their
   * mean is taken as the boot clock at the realtime read), so the answer moves by microseconds at
   * most from one call to the next. Read at every call, never cached: a step of the wall clock
   * (an NTP step after boot) must move it as it moves the times of files written since.
   */
  private long bootOnWallClockNanos() throws HostException {
    Pointer ts = n.buffer(16);
    long boot1 = clock(CLOCK_BOOTTIME, ts);
    long real = clock(CLOCK_REALTIME, ts);
    long boot2 = clock(CLOCK_BOOTTIME, ts);
    return real - (boot1 + (boot2 - boot1) / 2);
  }

  private long clock(int id, Pointer ts) throws HostException {
    if (libc.clock_gettime(id, ts) != 0) {
      throw n.fail("clock_gettime(" + (id == CLOCK_REALTIME ? "CLOCK_REALTIME" : "CLOCK_BOOTTIME") + ")", "");
    }
    return ts.getLong(0) * 1_000_000_000L + ts.getLong(8);
  }

  /** ESRCH when the pidfd's process has been reaped; anything but EPERM is reported as it is. */
  private void confirmNotReaped(int pidfd, int pid, String call, String path) throws HostException {
    long rc = libc.syscall(SYS_PIDFD_SEND_SIGNAL, pidfd, 0, (Pointer) null, 0);
    if (rc == 0) {
      return;
    }
    HostException e = n.fail("pidfd_send_signal(0)", Integer.toString(pid));
    if (e.is(Errno.EPERM)) {
      return;
    }
    if (e.is(Errno.ESRCH)) {
      throw new HostException(Errno.ESRCH, call, path, "the process has exited");
    }
    throw e;
  }

  /** {@code statfs("/proc")} must say procfs: nobody may have put another filesystem there. */
  private void requireProcfs(String call) throws HostException {
    Pointer sfs = n.buffer(256);
    if (libc.statfs("/proc", sfs) != 0) {
      throw n.fail("statfs", "/proc");
    }
    long type = sfs.getLong(0);
    if (type != PROC_SUPER_MAGIC) {
      throw new HostException(Errno.EOPNOTSUPP, call, "/proc",
          "/proc is not procfs (f_type 0x" + Long.toHexString(type) + "): refusing /proc/PID/root");
    }
  }
}
