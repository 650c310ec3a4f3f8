package org.fcproc.features.driver;

import org.fcproc.host.DeviceNumber;
import org.fcproc.host.FileType;

/**
 * "A host with the standard layout": what every scenario starts from — a Debian-like tree with
 * a secret in {@code /etc}, device nodes, the firecracker binary, the library directories the
 * jail binds (with Debian's {@code /lib -> usr/lib} links), and VM images. The tree is defined
 * once, in backend-sim's public {@link org.fcproc.sim.StandardLayout} (listed in the reviewer's
 * guide), and made here through the scenario host, so the simulated and the real backend get the
 * same one.
 */
public final class StandardLayout {
  public static final String PATH = org.fcproc.sim.StandardLayout.PATH;

  private StandardLayout() {}

  public static void install(ScenarioHost h) {
    org.fcproc.sim.StandardLayout.arrange(new org.fcproc.sim.StandardLayout.Arranger() {
      @Override
      public void directory(String path, int uid, int gid, int mode) {
        h.directory(path, new Owner(uid, gid), mode);
      }

      @Override
      public void file(String path, int uid, int gid, int mode, String content) {
        h.file(path, new Owner(uid, gid), mode, content);
      }

      @Override
      public void node(String path, FileType type, DeviceNumber device, int uid, int gid, int mode) {
        h.node(path, type, device, new Owner(uid, gid), mode);
      }

      @Override
      public void symlink(String path, String target) {
        h.symlink(path, target);
      }
    });
  }
}
