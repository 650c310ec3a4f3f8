package org.fcproc;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a jailed VM lives, as Firecracker's jailer lays it out: the chroot
 * {@code <chroot base>/<exec file name>/<id>/root}, the exec file name (so the pid file is
 * {@code <chroot>/<exec file name>.pid}) and the VM id the jailer passes on as {@code --id <id>}.
 *
 * @param chrootRoot the chroot directory, absolute and clean
 * @param execFileName the jailer's exec file name: one path component
 * @param id the VM id, when the chroot is of the jailer's layout (1 to 64 of {@code [A-Za-z0-9-]},
 *     the jailer's rule); empty for a chroot given by hand outside that layout
 */
record VmJail(String chrootRoot, String execFileName, Optional<String> id) {
  /** The jailer's rule for {@code --id}. */
  static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
  /** The last component of every jailer chroot. */
  static final String ROOT = "root";

  VmJail {
    Inputs.absolutePath("chroot root", chrootRoot);
    Inputs.name("exec file name", execFileName);
    if (id.isPresent() && !ID.matcher(id.get()).matches()) {
      throw new InvalidInputException("vm id", "id " + RefusedException.quote(id.get())
          + " is not 1 to 64 letters, digits or '-'");
    }
  }

  /** {@code <chroot>/<exec file name>.pid}, where the jailer writes the pid of the process it exec's. */
  String pidFileName() {
    return execFileName + ".pid";
  }

  String pidFile() {
    return (chrootRoot.equals("/") ? "" : chrootRoot) + "/" + pidFileName();
  }

  /**
   * The jail an API socket path lies in, when it lies inside a chroot of the jailer's layout: the
   * first component {@code root} (not the last one of the path) whose parent is a valid id and whose
   * grandparent is a name — {@code /srv/jailer/firecracker/vm1/root/run/firecracker.socket} gives
   * the chroot {@code /srv/jailer/firecracker/vm1/root}, exec file name {@code firecracker} and id
   * {@code vm1}. Empty for any other path (the VM is then taken to be unjailed). {@code apiSock}
   * must already be a valid socket path.
   */
  static Optional<VmJail> ofSocket(String apiSock) {
    String[] c = apiSock.substring(1).split("/");
    for (int k = 2; k < c.length - 1; k++) {
      if (c[k].equals(ROOT) && ID.matcher(c[k - 1]).matches()) {
        StringBuilder chroot = new StringBuilder();
        for (int i = 0; i <= k; i++) {
          chroot.append('/').append(c[i]);
        }
        return Optional.of(new VmJail(chroot.toString(), c[k - 2], Optional.of(c[k - 1])));
      }
    }
    return Optional.empty();
  }

  /**
   * A chroot given by hand ({@code vm pid --chroot}): its id is known when it is of the jailer's
   * layout for that exec file name ({@code .../<execFileName>/<id>/root}), else empty.
   */
  static VmJail ofChroot(String chrootRoot, String execFileName) {
    Inputs.absolutePath("chroot root", chrootRoot);
    Inputs.name("exec file name", execFileName);
    String[] c = chrootRoot.equals("/") ? new String[0] : chrootRoot.substring(1).split("/");
    int k = c.length - 1;
    if (k >= 2 && c[k].equals(ROOT) && ID.matcher(c[k - 1]).matches() && c[k - 2].equals(execFileName)) {
      return new VmJail(chrootRoot, execFileName, Optional.of(c[k - 1]));
    }
    return new VmJail(chrootRoot, execFileName, Optional.empty());
  }
}
