package org.fcproc.linux;

import static org.fcproc.linux.Native.*;

import java.nio.charset.StandardCharsets;
import jnr.ffi.Pointer;
import org.fcproc.host.Errno;
import org.fcproc.host.HostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LinuxHost}'s TAP calls, by ioctl (the approach of the bench's {@code TapFloor}, moved
 * here): the tun driver for creating and deleting a persistent TAP, the bridge ioctl
 * {@code SIOCBRADDIF} for enslaving, {@code SIOCGIFFLAGS}/{@code SIOCSIFFLAGS} for bringing a link
 * up. Each call uses its own descriptors ({@code /dev/net/tun} or an {@code AF_INET} datagram
 * socket), opened {@code O_CLOEXEC} and closed before it returns, and its own {@code struct ifreq},
 * so calls on different threads share nothing. The errno is read on the calling thread straight
 * after the failing call ({@code @SaveError}).
 */
final class TapDevices {
  private static final Logger LOG = LoggerFactory.getLogger(TapDevices.class);

  private final Native n;
  private final LibC libc;

  TapDevices(Native n) {
    this.n = n;
    this.libc = n.libc;
  }

  /** {@code TUNSETIFF(IFF_TAP|IFF_NO_PI|IFF_TUN_EXCL)}, owner, group, persist; EEXIST when taken. */
  void create(String name, int uid, int gid) throws HostException {
    requireName("createTap", name);
    if (uid < 0 || gid < 0) {
      throw new HostException(Errno.EINVAL, "createTap", name, "negative id " + uid + ":" + gid);
    }
    if (libc.if_nametoindex(name) != 0) {
      throw new HostException(Errno.EEXIST, "ioctl(TUNSETIFF)", name, "a link of that name exists");
    }
    int fd = openTun(name);
    try {
      Pointer ifr = ifreq(name);
      ifr.putShort(IFNAMSIZ, (short) (IFF_TAP | IFF_NO_PI | IFF_TUN_EXCL));
      if (libc.ioctl(fd, TUNSETIFF, ifr) != 0) {
        HostException e = n.fail("ioctl(TUNSETIFF)", name);
        // IFF_TUN_EXCL: a device of that name appeared since the check (any kind) is EBUSY.
        if (e.is(Errno.EBUSY)) {
          throw new HostException(Errno.EEXIST, "ioctl(TUNSETIFF)", name, "a link of that name exists");
        }
        throw e;
      }
      // Until TUNSETPERSIST succeeds, closing the descriptor removes the device again.
      ioctl(fd, TUNSETOWNER, uid, "ioctl(TUNSETOWNER)", name);
      ioctl(fd, TUNSETGROUP, gid, "ioctl(TUNSETGROUP)", name);
      ioctl(fd, TUNSETPERSIST, 1, "ioctl(TUNSETPERSIST)", name);
    } finally {
      libc.close(fd);
    }
    LOG.debug("createTap {} {}:{} -> ok", name, uid, gid);
  }

  /** Attach with {@code TUNSETIFF}, {@code TUNSETPERSIST(0)}, close. */
  void delete(String name) throws HostException {
    requireName("deleteLink", name);
    if (libc.if_nametoindex(name) == 0) {
      throw new HostException(Errno.ENODEV, "deleteLink", name, "no such link");
    }
    int fd = openTun(name);
    try {
      Pointer ifr = ifreq(name);
      ifr.putShort(IFNAMSIZ, (short) (IFF_TAP | IFF_NO_PI));
      if (libc.ioctl(fd, TUNSETIFF, ifr) != 0) {
        HostException e = n.fail("ioctl(TUNSETIFF)", name);
        if (e.is(Errno.EINVAL) && libc.if_nametoindex(name) != 0) {
          throw new HostException(Errno.EOPNOTSUPP, "ioctl(TUNSETIFF)", name, "not a TAP: only TAPs are deleted this way");
        }
        if (e.is(Errno.EINVAL)) { // gone meanwhile: TUNSETIFF would have created it otherwise
          throw new HostException(Errno.ENODEV, "deleteLink", name, "no such link");
        }
        throw e;
      }
      ioctl(fd, TUNSETPERSIST, 0, "ioctl(TUNSETPERSIST 0)", name);
    } finally {
      libc.close(fd);
    }
    LOG.debug("deleteLink {} -> ok", name);
  }

  /** {@code SIOCBRADDIF} on {@code bridge} with {@code link}'s index. */
  void setMaster(String link, String bridge) throws HostException {
    requireName("setLinkMaster", link);
    requireName("setLinkMaster", bridge);
    int index = libc.if_nametoindex(link);
    if (index == 0) {
      throw new HostException(Errno.ENODEV, "ioctl(SIOCBRADDIF)", link, "no such link");
    }
    int sock = socket(bridge);
    try {
      Pointer ifr = ifreq(bridge);
      ifr.putInt(IFNAMSIZ, index);
      if (libc.ioctl(sock, SIOCBRADDIF, ifr) != 0) {
        throw n.fail("ioctl(SIOCBRADDIF)", bridge + " <- " + link);
      }
    } finally {
      libc.close(sock);
    }
    LOG.debug("setLinkMaster {} {} -> ok", link, bridge);
  }

  /** {@code SIOCGIFFLAGS}, then {@code SIOCSIFFLAGS} with {@code IFF_UP}. */
  void setUp(String link) throws HostException {
    requireName("setLinkUp", link);
    int sock = socket(link);
    try {
      Pointer ifr = ifreq(link);
      if (libc.ioctl(sock, SIOCGIFFLAGS, ifr) != 0) {
        throw n.fail("ioctl(SIOCGIFFLAGS)", link);
      }
      short flags = ifr.getShort(IFNAMSIZ);
      if ((flags & IFF_UP) == 0) {
        ifr.putShort(IFNAMSIZ, (short) (flags | IFF_UP));
        if (libc.ioctl(sock, SIOCSIFFLAGS, ifr) != 0) {
          throw n.fail("ioctl(SIOCSIFFLAGS)", link);
        }
      }
    } finally {
      libc.close(sock);
    }
    LOG.debug("setLinkUp {} -> ok", link);
  }

  private int openTun(String name) throws HostException {
    int fd = libc.open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      HostException e = n.fail("open", "/dev/net/tun");
      throw new HostException(e.errno(), "open", "/dev/net/tun", "for TAP " + name);
    }
    return fd;
  }

  private int socket(String name) throws HostException {
    int sock = libc.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) {
      throw n.fail("socket(AF_INET, SOCK_DGRAM)", name);
    }
    return sock;
  }

  private void ioctl(int fd, long request, long arg, String call, String name) throws HostException {
    if (libc.ioctl(fd, request, arg) != 0) {
      throw n.fail(call, name);
    }
  }

  /** A zeroed {@code struct ifreq} with {@code ifr_name} set. */
  private Pointer ifreq(String name) {
    Pointer ifr = n.buffer(IFREQ_SIZE);
    byte[] b = name.getBytes(StandardCharsets.US_ASCII);
    ifr.put(0, b, 0, b.length);
    return ifr;
  }

  /** The kernel's {@code dev_valid_name}, and plain ASCII as fcproc's inputs are. */
  static void requireName(String call, String name) throws HostException {
    if (name == null || name.isEmpty() || name.length() >= IFNAMSIZ || name.equals(".") || name.equals("..")
        || name.chars().anyMatch(c -> c <= ' ' || c == '/' || c == ':' || c > '~')) {
      throw new HostException(Errno.EINVAL, call, String.valueOf(name), "not a valid interface name");
    }
  }
}
