package org.fcproc.linux;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.fcproc.host.Errno;
import org.fcproc.host.FsIdentity;
import org.fcproc.host.HostException;

/**
 * Runs one call with another user's file-system identity, on a thread of its own that ends with
 * the call ({@link LinuxHost#openAs}).
 *
 * <p>Credentials are per thread in the kernel; glibc's {@code setgroups()} and {@code setfsuid()}
 * wrappers would broadcast the change to every thread of the JVM ({@code nptl}'s setxid), so the
 * raw syscalls are used, which change only the calling thread. That thread is a fresh one and is
 * never reused: even if restoring root's identity could fail, no other call of this process ever
 * runs with the caller's identity, nor any with root's that was meant to be the caller's.
 *
 * <p>Setting a non-zero fsuid drops the file-system capabilities ({@code CAP_DAC_OVERRIDE},
 * {@code CAP_DAC_READ_SEARCH}, {@code CAP_FOWNER}, {@code CAP_CHOWN}, ...) from the thread's
 * effective set ({@code setfsuid(2)}, {@code capabilities(7)}), so an open made on that thread is
 * checked as that user's. An fsuid of 0 keeps them: an identity of uid 0 is root's.
 */
final class FsIdentityThread {
  /** Syscall numbers: asm/unistd_64.h (x86_64) and asm-generic/unistd.h (aarch64). */
  private record Numbers(long setgroups, long setfsuid, long setfsgid) {}

  private static final Numbers NUMBERS = numbers();

  private FsIdentityThread() {}

  private static Numbers numbers() {
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "amd64", "x86_64" -> new Numbers(116, 122, 123);
      case "aarch64" -> new Numbers(159, 151, 152);
      default -> null; // Native refuses other architectures before this is reached
    };
  }

  /** The call to make. */
  interface Call<T> {
    T run() throws HostException;
  }

  static <T> T call(Native n, FsIdentity who, String display, Call<T> body) throws HostException {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        become(n, who, display);
        result.set(body.run());
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "fcproc-as-" + who.uid());
    t.setDaemon(true);
    t.start();
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // the thread holds a file descriptor it may return: wait for it
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable e = failure.get();
    if (e instanceof HostException h) {
      throw h;
    }
    if (e instanceof RuntimeException r) {
      throw r;
    }
    if (e instanceof Error err) {
      throw err;
    }
    return result.get();
  }

  /** Groups first (they need CAP_SETGID, which a non-zero fsuid would not remove, but order is
   *  the kernel's usual one), then fsgid, then fsuid; each checked, since setfsuid/setfsgid
   *  report failure only by leaving the id unchanged. */
  private static void become(Native n, FsIdentity who, String display) throws HostException {
    LibC libc = n.libc;
    List<Integer> groups = who.groups();
    Pointer list = Memory.allocateDirect(n.runtime, Math.max(4, groups.size() * 4));
    for (int i = 0; i < groups.size(); i++) {
      list.putInt(i * 4L, groups.get(i));
    }
    if (libc.syscall(NUMBERS.setgroups(), groups.size(), list, 0) != 0) {
      throw n.fail("setgroups", display);
    }
    libc.syscall(NUMBERS.setfsgid(), who.gid(), 0);
    if ((int) libc.syscall(NUMBERS.setfsgid(), -1, 0) != who.gid()) {
      throw new HostException(Errno.EPERM, "setfsgid", display, "the fsgid did not become " + who.gid());
    }
    libc.syscall(NUMBERS.setfsuid(), who.uid(), 0);
    if ((int) libc.syscall(NUMBERS.setfsuid(), -1, 0) != who.uid()) {
      throw new HostException(Errno.EPERM, "setfsuid", display, "the fsuid did not become " + who.uid());
    }
  }
}
