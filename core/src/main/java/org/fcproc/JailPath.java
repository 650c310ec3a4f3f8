package org.fcproc;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A chroot where Firecracker's jailer puts one: {@code <jail base>/<exec name>/<id>/root}. It is
 * the only kind of directory fcproc stages, cleans up, sweeps or hands sockets off beneath — an
 * operation pointed anywhere else refuses before it touches the host, so a cleanup can never be
 * aimed at a home directory, nor a hand-off at a socket of another service.
 *
 * <p>The rules are the jailer's own: the id is 1 to {@value #MAX_ID_BYTES} bytes of ASCII letters,
 * digits and {@code -}; the exec name is the binary's file name (the jailer names the directory
 * after the file it copies in); the jail base is the jailer's {@code --chroot-base-dir}, an
 * absolute path other than {@code /} (staging makes it traversable, {@code chmod 0711}: that must
 * never be {@code /} itself). The path is clean: absolute, no empty, {@code .} or {@code ..}
 * component, no trailing slash — the path fcproc acts on is the path the caller wrote.
 *
 * @param jailBase the jailer's chroot base directory, e.g. {@code /srv/jailer}
 * @param execName the exec file's name, e.g. {@code firecracker}
 * @param id the VM's id, e.g. {@code vm1} or a UUID
 */
public record JailPath(String jailBase, String execName, String id) {
  /** The jailer's limit on {@code --id}. */
  public static final int MAX_ID_BYTES = 64;

  public JailPath {
    Inputs.absolutePath("jail base", jailBase);
    if (jailBase.equals("/")) {
      throw new InvalidInputException("jail base", "the jail base may not be / (staging makes it 0711)");
    }
    Inputs.name("exec name", execName);
    checkId(id);
  }

  /**
   * Parses {@code <jail base>/<exec name>/<id>/root}.
   *
   * @throws InvalidInputException naming {@code field} and the rule broken
   */
  public static JailPath parse(String field, String chrootRoot) {
    Inputs.absolutePath(field, chrootRoot);
    String shape = RefusedException.quote(chrootRoot)
        + " is not a jailer chroot <jail base>/<exec name>/<id>/root (with a jail base other than /)";
    if (!NoFollowPaths.leaf(chrootRoot).equals("root")) {
      throw new InvalidInputException(field, shape);
    }
    String vmDir = NoFollowPaths.parent(chrootRoot);
    String execDir = NoFollowPaths.parent(vmDir);
    String jailBase = NoFollowPaths.parent(execDir);
    if (vmDir.equals("/") || execDir.equals("/") || jailBase.equals("/")) {
      throw new InvalidInputException(field, shape);
    }
    try {
      return new JailPath(jailBase, NoFollowPaths.leaf(execDir), NoFollowPaths.leaf(vmDir));
    } catch (InvalidInputException e) {
      throw new InvalidInputException(field, RefusedException.quote(chrootRoot) + ": " + e.getMessage());
    }
  }

  /**
   * The chroot that {@code path} lies beneath (or is), if any: the longest prefix of {@code path}
   * that is a jailer chroot. {@code path} must be clean and absolute.
   */
  static Optional<JailPath> enclosing(String path) {
    for (String p = path; !p.equals("/"); p = NoFollowPaths.parent(p)) {
      if (NoFollowPaths.leaf(p).equals("root")) {
        try {
          return Optional.of(parse("path", p));
        } catch (InvalidInputException e) {
          // not this prefix; a shorter one may be
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The jailer's {@code --id} rule: 1 to 64 bytes of ASCII alphanumerics and {@code -}. (The
   * jailer checks the same, so a VM fcproc stages is a VM the jailer will start.)
   */
  static String checkId(String id) {
    if (id == null || id.isEmpty()) {
      throw new InvalidInputException("id", "the VM id is empty");
    }
    if (id.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
      throw new InvalidInputException("id", "the VM id " + RefusedException.quote(id) + " is longer than " + MAX_ID_BYTES + " bytes");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) {
        throw new InvalidInputException("id",
            "the VM id " + RefusedException.quote(id) + " may hold only ASCII letters, digits and '-' (the jailer's rule)");
      }
    }
    return id;
  }

  /** {@code <jail base>/<exec name>}: the directory holding every VM of this exec (the sweep's base). */
  public String execDir() {
    return jailBase + "/" + execName;
  }

  /** {@code <jail base>/<exec name>/<id>}: the VM's own directory, given to the VM's uid. */
  public String vmDir() {
    return execDir() + "/" + id;
  }

  /** {@code <jail base>/<exec name>/<id>/root}. */
  public String chrootRoot() {
    return vmDir() + "/root";
  }

  @Override
  public String toString() {
    return chrootRoot();
  }
}
