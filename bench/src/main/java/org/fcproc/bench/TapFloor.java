package org.fcproc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;

/**
 * The syscall path for a TAP, which LinuxHost does not have yet: the "floor" for item 4. Creates
 * the TAP with {@code open("/dev/net/tun")} + {@code TUNSETIFF(IFF_TAP|IFF_NO_PI)} +
 * {@code TUNSETOWNER} + {@code TUNSETGROUP} + {@code TUNSETPERSIST(1)}, attaches it with
 * {@code SIOCBRADDIF} on the bridge, and brings the TAP and the bridge up with
 * {@code SIOCGIFFLAGS}/{@code SIOCSIFFLAGS} — on one long-lived {@code AF_INET} datagram socket, as
 * a library would keep it. Bench code only, and only ever run inside the bench's network
 * namespace.
 */
public final class TapFloor implements AutoCloseable {
  /** The libc calls, through jnr-ffi. */
  public interface Lib {
    @SaveError
    int open(String path, int flags);

    @SaveError
    int close(int fd);

    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    @Variadic(fixedCount = 2)
    int ioctl(int fd, long request, Pointer arg);

    @SaveError
    @Variadic(fixedCount = 2)
    int ioctl(int fd, long request, long arg);

    @SaveError
    int if_nametoindex(String name);
  }

  private static final int O_RDWR = 2;
  private static final int O_CLOEXEC = 02000000;
  private static final int AF_INET = 2;
  private static final int SOCK_DGRAM = 2;
  private static final long TUNSETIFF = 0x400454caL;
  private static final long TUNSETPERSIST = 0x400454cbL;
  private static final long TUNSETOWNER = 0x400454ccL;
  private static final long TUNSETGROUP = 0x400454ceL;
  private static final long SIOCGIFFLAGS = 0x8913;
  private static final long SIOCSIFFLAGS = 0x8914;
  private static final long SIOCBRADDIF = 0x89a2;
  private static final short IFF_TAP = 0x0002;
  private static final short IFF_NO_PI = 0x1000;
  private static final short IFF_UP = 0x1;
  private static final int IFREQ_SIZE = 40;

  private final Lib lib;
  private final Runtime runtime;
  private final int sock;
  private final Pointer ifr;

  public TapFloor() throws IOException {
    lib = LibraryLoader.create(Lib.class).load("c");
    runtime = Runtime.getRuntime(lib);
    ifr = Memory.allocateDirect(runtime, IFREQ_SIZE);
    sock = lib.socket(AF_INET, SOCK_DGRAM, 0);
    if (sock < 0) {
      throw fail("socket(AF_INET, SOCK_DGRAM)");
    }
  }

  private IOException fail(String what) {
    return new IOException(what + ": errno " + runtime.getLastError());
  }

  private void name(String n) {
    byte[] b = n.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < IFREQ_SIZE; i++) {
      ifr.putByte(i, (byte) 0);
    }
    ifr.put(0, b, 0, Math.min(15, b.length));
  }

  /** create + owner + group + persist, attach to {@code bridge}, set both up. */
  public void createTapOwned(String tap, String bridge, int uid, int gid) throws IOException {
    int fd = lib.open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      throw fail("open /dev/net/tun");
    }
    try {
      name(tap);
      ifr.putShort(16, (short) (IFF_TAP | IFF_NO_PI));
      check(lib.ioctl(fd, TUNSETIFF, ifr), "TUNSETIFF " + tap);
      check(lib.ioctl(fd, TUNSETOWNER, uid), "TUNSETOWNER");
      check(lib.ioctl(fd, TUNSETGROUP, gid), "TUNSETGROUP");
      check(lib.ioctl(fd, TUNSETPERSIST, 1L), "TUNSETPERSIST");
    } finally {
      lib.close(fd);
    }
    int index = lib.if_nametoindex(tap);
    if (index == 0) {
      throw fail("if_nametoindex " + tap);
    }
    name(bridge);
    ifr.putInt(16, index);
    check(lib.ioctl(sock, SIOCBRADDIF, ifr), "SIOCBRADDIF " + bridge);
    up(tap);
    up(bridge);
  }

  private void up(String dev) throws IOException {
    name(dev);
    check(lib.ioctl(sock, SIOCGIFFLAGS, ifr), "SIOCGIFFLAGS " + dev);
    short flags = ifr.getShort(16);
    ifr.putShort(16, (short) (flags | IFF_UP));
    check(lib.ioctl(sock, SIOCSIFFLAGS, ifr), "SIOCSIFFLAGS " + dev);
  }

  /** Deletes a persistent TAP: attach with TUNSETIFF, TUNSETPERSIST(0), close. */
  public void deleteTap(String tap) throws IOException {
    int fd = lib.open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      throw fail("open /dev/net/tun");
    }
    try {
      name(tap);
      ifr.putShort(16, (short) (IFF_TAP | IFF_NO_PI));
      check(lib.ioctl(fd, TUNSETIFF, ifr), "TUNSETIFF " + tap);
      check(lib.ioctl(fd, TUNSETPERSIST, 0L), "TUNSETPERSIST 0");
    } finally {
      lib.close(fd);
    }
  }

  private void check(int rc, String what) throws IOException {
    if (rc < 0) {
      throw fail(what);
    }
  }

  @Override
  public void close() {
    lib.close(sock);
  }
}
