package org.fcproc;

import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;

/** The seed's {@code ResolveBinary}, with its three errors word for word. */
final class FirecrackerBinary {
  private final HostOps host;
  private final Config config;

  FirecrackerBinary(HostOps host, Config config) {
    this.host = host;
    this.config = config;
  }

  String resolve() throws FcprocException {
    String configured = config.firecrackerBin();
    if (configured.isEmpty()) {
      throw new FcprocException("firecracker binary not configured; install firecracker or set firecracker_bin");
    }
    if (configured.indexOf('/') >= 0) {
      try {
        host.stat(configured);
      } catch (HostException e) {
        throw new FcprocException(
            "firecracker binary not found at " + configured + "; install firecracker or set firecracker_bin", e);
      }
      return configured;
    }
    String found = lookPath(configured);
    if (found == null) {
      throw new FcprocException(
          "firecracker binary \"" + configured + "\" not found in PATH; install firecracker or set firecracker_bin");
    }
    return found;
  }

  /**
   * Go's {@code exec.LookPath}: the first {@code dir/name} on {@code PATH} that is a regular
   * file with an execute bit. Divergence: relative and empty {@code PATH} entries are skipped
   * (Go 1.19+ refuses them too, as {@code ErrDot}), so a binary is never found in the working
   * directory.
   */
  private String lookPath(String name) {
    String path = host.getenv("PATH").orElse("");
    for (String dir : path.split(":")) {
      if (dir.isEmpty() || dir.charAt(0) != '/') {
        continue;
      }
      String candidate = dir.endsWith("/") ? dir + name : dir + "/" + name;
      try {
        FileStat st = host.stat(candidate);
        if (st.is(FileType.REGULAR) && (st.mode() & 0111) != 0) {
          return candidate;
        }
      } catch (HostException e) {
        // not here: try the next entry
      }
    }
    return null;
  }
}
