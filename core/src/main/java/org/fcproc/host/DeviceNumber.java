package org.fcproc.host;

/**
 * A device's major:minor. Linux encodes {@code dev_t} with 12 bits of major and 20 of minor,
 * split across the word ({@code MKDEV} in {@code kdev_t.h}, glibc's {@code makedev}); decode it
 * with {@link #ofLinuxDevT}, never the BSD way.
 */
public record DeviceNumber(int major, int minor) {
  public static final DeviceNumber NONE = new DeviceNumber(0, 0);

  public DeviceNumber {
    if (major < 0 || major > 0xfff) {
      throw new IllegalArgumentException("device major out of range: " + major);
    }
    if (minor < 0 || minor > 0xfffff) {
      throw new IllegalArgumentException("device minor out of range: " + minor);
    }
  }

  /** glibc's {@code gnu_dev_major}/{@code gnu_dev_minor}. */
  public static DeviceNumber ofLinuxDevT(long dev) {
    int major = (int) (((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0x00000fffL));
    int minor = (int) (((dev >>> 12) & 0xffffff00L) | (dev & 0x000000ffL));
    return new DeviceNumber(major, minor);
  }

  /** glibc's {@code gnu_dev_makedev}. */
  public long toLinuxDevT() {
    long maj = major & 0xffffffffL;
    long min = minor & 0xffffffffL;
    return ((maj & 0x00000fffL) << 8)
        | ((maj & 0xfffff000L) << 32)
        | (min & 0x000000ffL)
        | ((min & 0xffffff00L) << 12);
  }

  @Override
  public String toString() {
    return major + ":" + minor;
  }
}
