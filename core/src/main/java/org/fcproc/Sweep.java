package org.fcproc;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fcproc.host.DirEntry;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.OpenHow;
import org.fcproc.host.ProcessInfo;
import org.fcproc.host.Resolve;
import org.fcproc.host.UnixConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orphan sweep (docs/DESIGN.md#the-orphan-sweep): finds the chroots, mounts, sockets and (given a prefix) TAP
 * devices of VMs whose process is gone — after a crash at any step of staging, of the VM or of the manager — and reclaims them
 * through the same guarded cleanup as {@link JailCleanup}.
 *
 * <h2>What a VM is</h2>
 * The jailer's layout, {@code <chroot base>/<exec file name>/<id>/root}, which staging makes as
 * {@code <jail base>/<firecracker base>/<vm dir>/root}. The sweep is given the firecracker base
 * directory, opens it without following a symlink ({@link NoFollowPaths}), and takes each entry
 * {@code <id>} as one VM:
 * <ul>
 *   <li>a symlink or a non-directory is not a VM of that layout: reported as <em>refused</em>
 *       and left alone (the base is root's, mode 0711: nothing else belongs there);
 *   <li>an {@code <id>} with something mounted on it, or a mount under it but outside
 *       {@code <id>/root}, or an entry other than {@code root} in it, is refused as a whole: the
 *       guarded cleanup handles only the chroot, and the sweep deletes nothing else;
 *   <li>an {@code <id>/root} that is a symlink or not a directory is refused (the cleanup's own
 *       first guard, checked in a dry run too).
 * </ul>
 *
 * <h2>Alive or gone</h2>
 * A VM is <em>alive</em> when a live process may belong to it, and the sweep never touches an
 * alive VM. When unsure, it is alive. The evidence, looked at for each VM right before it is
 * acted on (not once per sweep, to narrow the window):
 * <ol>
 *   <li>the process table ({@link HostOps#listProcesses()}; zombies do not count): a process
 *       whose root directory is the chroot ({@link VmIdentity#runsInChroot}: a {@code stat}
 *       through {@code /proc/PID/root} gives the chroot directory's device and inode) — the
 *       kernel's own record of a process the jailer pivoted into the chroot, which is how a jailed
 *       firecracker shows from the host: its {@code /proc/PID/exe} reads {@code /firecracker} and
 *       its command line names no host path, since it entered the chroot in a mount namespace of
 *       its own; a process whose executable is under {@code <id>/} (a firecracker run from the
 *       chroot's copy without the jailer); a process whose command line names {@code <id>} as a
 *       path ({@code <id>} followed by {@code /} or the end of an argument, so {@code vm1} does
 *       not match {@code vm10}); a process with the arguments {@code --id <id>} or
 *       {@code --id=<id>} (the jailer, and firecracker after it): anyone may start such a
 *       process, which only keeps the VM's files — the safe direction. A process whose root
 *       cannot be looked at counts as alive, except when the kernel refuses root the look
 *       (EACCES/EPERM: a process with capabilities fcproc lacks, which a jailed firecracker never
 *       has — see {@link VmIdentity#runsInChroot});
 *   <li>a listener on any unix socket under the chroot, on the chroot's own mount (the API and
 *       vsock sockets, wherever the VM put them): each socket inode found is opened
 *       {@code O_PATH|O_NOFOLLOW} and connected to through that handle; ECONNREFUSED means
 *       nobody listens, a connection means alive, any other answer means unsure, so alive. The
 *       walk is bounded ({@value #MAX_SCAN_ENTRIES} entries, depth {@value #MAX_SCAN_DEPTH}):
 *       past that it cannot rule a listener out, so the VM counts as alive.
 * </ol>
 * The jailer's pid file ({@code <id>/root/firecracker.pid}) is not read: it adds nothing to (1) —
 * a live process it names that is the VM's has the chroot as its root and is found there, and a
 * live process it names whose root is not the chroot is another process that got the pid since.
 *
 * <h2>Reclaiming</h2>
 * A VM with no evidence of life: {@link JailCleanup} of {@code <id>/root}, unchanged (a refusal
 * is reported, never forced), then {@code <id>} itself is removed with {@code rmdir} — never a
 * recursive delete — checked before to be the directory that was inspected, and confirmed after
 * through its handle (a removed directory has no links). The mounts at or under the chroot
 * (read from mountinfo before) are reported one by one.
 *
 * <p>Runtime directory ({@link Config#runtimeDir()}): every unix socket directly in it that
 * nobody listens on (ECONNREFUSED through an {@code O_PATH|O_NOFOLLOW} handle whose fstat says
 * S_IFSOCK) is unlinked, checked before to be the same inode and confirmed after to have no
 * link left. A socket with more than one hard link is refused (unlinking one name would change
 * the other name's inode); symlinks and other files are not looked at.
 *
 * <h2>TAP devices</h2>
 * Only with a TAP prefix ({@link SweepSpec#tapPrefix()}; empty, the default: not swept). A TAP's
 * name carries no VM id fcproc could match, so the caller names the prefix its VMs' TAPs share.
 * Every link of the network namespace ({@link HostOps#linkNames()}) whose name starts with the
 * prefix is looked at ({@link HostOps#link}):
 * <ul>
 *   <li>not a TAP (a veth, a bridge, ...): <em>refused</em>, never deleted;
 *   <li>a TAP some process has open ({@link HostOps#tapInUse}: on Linux it has a carrier; when
 *       unsure, in use): <em>alive</em>;
 *   <li>a TAP nobody has open: deleted with {@link HostOps#deleteLink} (in a dry run only
 *       listed). A process that attaches between the check and the delete makes the delete
 *       EBUSY: then it is reported alive, not deleted.
 * </ul>
 * Links without the prefix are not looked at.
 *
 * <h2>Other properties</h2>
 * <ul>
 *   <li><b>Idempotent:</b> what was reclaimed is gone, so a second sweep finds nothing to do
 *       (refused and alive items are reported again, and changed again by nothing).
 *   <li><b>Dry run:</b> the same inspection, no change: the host calls it makes are the lookups,
 *       the mount table, the process table, the processes' root directories (a pidfd and a
 *       {@code stat} each) and the {@code connect}s (with a TAP prefix: the link
 *       list, the links and their use).
 *   <li><b>Concurrency:</b> a VM being staged has no process yet and looks dead. Run the sweep
 *       when the manager starts or under the manager's own lock, never while it stages or
 *       starts VMs in the same base directory; likewise a socket between {@code bind(2)} and
 *       {@code listen(2)} looks stale.
 *   <li><b>Root only</b>, like {@link JailCleanup}; a dry run too (the base directory is 0711
 *       and other users' {@code /proc/PID/exe} are unreadable, so a non-root dry run would see
 *       less life than there is).
 *   <li>One VM failing (a host call error) is reported in {@code failed} and the sweep goes on.
 * </ul>
 */
final class Sweep {
  private static final Logger log = LoggerFactory.getLogger(Sweep.class);

  static final String CHROOT_NAME = "root";
  static final int MAX_SCAN_ENTRIES = 4096;
  static final int MAX_SCAN_DEPTH = 16;
  private static final String OP = "sweep";
  private static final OpenHow DIRECTORY = OpenHow.directoryNoFollow().resolving(Resolve.NO_SYMLINKS);
  private static final OpenHow DIRECTORY_SAME_MOUNT =
      OpenHow.directoryNoFollow().resolving(Resolve.NO_SYMLINKS, Resolve.NO_XDEV);
  private static final OpenHow SOCKET = OpenHow.pathNoFollow().resolving(Resolve.NO_SYMLINKS, Resolve.NO_XDEV);

  private final HostOps host;
  private final JailCleanup cleanup;

  Sweep(HostOps host, JailCleanup cleanup) {
    this.host = host;
    this.cleanup = cleanup;
  }

  /** The report being built. */
  private static final class Found {
    final List<SweepReport.Item> reclaimed = new ArrayList<>();
    final List<SweepReport.Item> refused = new ArrayList<>();
    final List<SweepReport.Item> alive = new ArrayList<>();
    final List<SweepReport.Item> failed = new ArrayList<>();

    void reclaimed(SweepReport.Kind k, String path, String reason) {
      reclaimed.add(new SweepReport.Item(k, path, reason));
    }

    void refused(SweepReport.Kind k, String path, String reason) {
      refused.add(new SweepReport.Item(k, path, reason));
    }

    void alive(SweepReport.Kind k, String path, String reason) {
      alive.add(new SweepReport.Item(k, path, reason));
    }

    void failed(SweepReport.Kind k, String path, String reason) {
      failed.add(new SweepReport.Item(k, path, reason));
    }
  }

  /** The sweep, as root; {@code runtimeDir} is validated (or "" for none). */
  SweepReport sweep(SweepSpec spec, String runtimeDir) throws FcprocException {
    Found f = new Found();
    sweepVms(spec, f);
    if (!runtimeDir.isEmpty()) {
      sweepSockets(runtimeDir, spec.dryRun(), f);
    }
    if (!spec.tapPrefix().isEmpty()) {
      sweepTaps(spec.tapPrefix(), spec.dryRun(), f);
    }
    log.debug("sweep{}: {} reclaimed, {} refused, {} alive, {} failed", spec.dryRun() ? " (dry run)" : "",
        f.reclaimed.size(), f.refused.size(), f.alive.size(), f.failed.size());
    return new SweepReport(spec.dryRun(), spec.firecrackerBase(), runtimeDir, f.reclaimed, f.refused, f.alive, f.failed);
  }

  // ---------------------------------------------------------------- VMs

  private void sweepVms(SweepSpec spec, Found f) {
    String base = spec.firecrackerBase();
    Handle fcBase;
    try {
      fcBase = NoFollowPaths.openDirectory(host, base, OP);
    } catch (RefusedException e) {
      f.refused(SweepReport.Kind.DIRECTORY, base, e.reason());
      return;
    } catch (FcprocException e) {
      if (e.getCause() instanceof HostException h && h.is(Errno.ENOENT)) {
        log.debug("no firecracker base {}: no VM to sweep", base);
        return;
      }
      f.failed(SweepReport.Kind.DIRECTORY, base, e.getMessage());
      return;
    }
    try (fcBase) {
      List<DirEntry> entries;
      long baseMount;
      try {
        entries = host.readDir(fcBase);
        baseMount = host.fstat(fcBase).mountId();
      } catch (HostException e) {
        f.failed(SweepReport.Kind.DIRECTORY, base, new FcprocException("list " + base, e).getMessage());
        return;
      }
      for (DirEntry e : entries) {
        String idDir = base + "/" + e.name();
        try {
          sweepVm(fcBase, baseMount, e.name(), idDir, spec.dryRun(), f);
        } catch (RefusedException r) {
          f.refused(SweepReport.Kind.VM, r.path(), r.reason());
        } catch (FcprocException x) {
          f.failed(SweepReport.Kind.VM, idDir, x.getMessage());
        } catch (HostException x) {
          f.failed(SweepReport.Kind.VM, idDir, "sweep " + idDir + ": " + x.getMessage());
        }
      }
    }
  }

  private void sweepVm(Handle fcBase, long baseMount, String id, String idDir, boolean dryRun, Found f)
      throws FcprocException, HostException {
    FileStat st;
    try {
      st = host.statAt(fcBase, id);
    } catch (HostException e) {
      if (e.is(Errno.ENOENT)) {
        return; // removed since the listing
      }
      throw e;
    }
    if (st.is(FileType.SYMLINK)) {
      throw new RefusedException(OP, idDir, "it is a symlink, not a VM directory; the sweep follows no symlink");
    }
    if (!st.is(FileType.DIRECTORY)) {
      throw new RefusedException(OP, idDir, "not a VM directory (it is a " + SocketHandoff.describe(st.type()) + ")");
    }
    if (st.mountId() != baseMount) {
      throw new RefusedException(OP, idDir, "something is mounted on it");
    }
    try (Handle vm = NoFollowPaths.openChildDirectory(host, fcBase, id, idDir, OP, true)) {
      FileStat vmStat = host.fstat(vm);
      Optional<String> life = evidenceOfLife(vm, id, idDir);
      if (life.isPresent()) {
        f.alive(SweepReport.Kind.VM, idDir, life.get());
        log.debug("sweep: {} is alive: {}", idDir, life.get());
        return;
      }
      String chroot = idDir + "/" + CHROOT_NAME;
      checkLayout(vm, idDir, chroot);
      MountTable table = MountTable.read(host);
      List<MountTable.Entry> chrootMounts = table.atOrUnder(chroot);
      List<String> outside = new ArrayList<>();
      for (MountTable.Entry m : table.atOrUnder(idDir)) {
        if (!chrootMounts.contains(m)) {
          outside.add(m.mountPoint());
        }
      }
      if (!outside.isEmpty()) {
        throw new RefusedException(OP, idDir,
            "mounted outside its chroot, where the guarded cleanup does not detach: " + outside);
      }
      String why = "no live process: none runs from, names or has the id of " + RefusedException.quote(idDir)
          + ", and no socket under its chroot has a listener";
      if (dryRun) {
        for (MountTable.Entry m : chrootMounts) {
          f.reclaimed(SweepReport.Kind.MOUNT, m.mountPoint(), "would be detached: a mount of a VM whose process is gone");
        }
        f.reclaimed(SweepReport.Kind.VM, idDir, "would be removed (chroot by the guarded cleanup): " + why);
        return;
      }
      try {
        cleanup.cleanup(chroot);
      } catch (RefusedException r) {
        f.refused(SweepReport.Kind.VM, r.path(), "the guarded cleanup refused: " + r.getMessage());
        return;
      }
      for (MountTable.Entry m : chrootMounts) {
        f.reclaimed(SweepReport.Kind.MOUNT, m.mountPoint(), "detached: a mount of a VM whose process is gone");
      }
      removeVmDirectory(fcBase, vm, vmStat, id, idDir);
      f.reclaimed(SweepReport.Kind.VM, idDir, "removed (chroot by the guarded cleanup): " + why);
      log.debug("sweep: reclaimed {}", idDir);
    }
  }

  /** {@code <id>} holds at most {@code root}, and {@code root} (if there) is a directory. */
  private void checkLayout(Handle vm, String idDir, String chroot) throws HostException, RefusedException {
    List<String> others = new ArrayList<>();
    for (DirEntry e : host.readDir(vm)) {
      if (!e.name().equals(CHROOT_NAME)) {
        others.add(e.name());
      }
    }
    if (!others.isEmpty()) {
      throw new RefusedException(OP, idDir,
          "it holds " + others + " besides its chroot; the sweep removes only the chroot and then an empty VM directory");
    }
    FileStat root;
    try {
      root = host.statAt(vm, CHROOT_NAME);
    } catch (HostException e) {
      if (e.is(Errno.ENOENT)) {
        return; // a crash before the chroot was made: only the empty VM directory is left
      }
      throw e;
    }
    if (root.is(FileType.SYMLINK)) {
      throw new RefusedException(OP, chroot, "the chroot is a symlink");
    }
    if (!root.is(FileType.DIRECTORY)) {
      throw new RefusedException(OP, chroot, "the chroot is not a directory");
    }
  }

  /**
   * {@code rmdir <id>}: the name must still be the directory inspected (the base is root's, so
   * only root renames there; checked anyway), and afterwards the handle must show no link left.
   */
  private void removeVmDirectory(Handle fcBase, Handle vm, FileStat inspected, String id, String idDir)
      throws HostException, RefusedException {
    FileStat named;
    try {
      named = host.statAt(fcBase, id);
    } catch (HostException e) {
      if (e.is(Errno.ENOENT)) {
        return; // a parallel sweep removed it
      }
      throw e;
    }
    if (!named.sameInode(inspected)) {
      throw new RefusedException(OP, idDir, "it was replaced during the sweep");
    }
    try {
      host.unlinkAt(fcBase, id, true);
    } catch (HostException e) {
      if (e.is(Errno.ENOENT)) {
        return;
      }
      if (e.is(Errno.ENOTEMPTY) || e.is(Errno.EEXIST)) {
        throw new RefusedException(OP, idDir, "not empty after its chroot was cleaned up; the sweep deletes nothing else");
      }
      if (e.is(Errno.EBUSY)) {
        throw new RefusedException(OP, idDir, "it is a mount point");
      }
      throw e;
    }
    if (host.fstat(vm).nlink() != 0) {
      throw new RefusedException(OP, idDir, "it was renamed just before its removal; a directory put in its place was removed instead");
    }
  }

  /** The first evidence that a live process may belong to the VM, in words; empty when none. */
  private Optional<String> evidenceOfLife(Handle vm, String id, String idDir) throws FcprocException {
    Handle root;
    try {
      root = host.openAt(vm, CHROOT_NAME, DIRECTORY);
    } catch (HostException e) {
      if (e.is(Errno.ENOENT) || e.is(Errno.ELOOP) || e.is(Errno.ENOTDIR)) {
        root = null; // no chroot to run in or hold a socket (a symlink is refused later)
      } else {
        throw new FcprocException("open " + idDir + "/" + CHROOT_NAME, e);
      }
    }
    try {
      FileStat chroot;
      try {
        chroot = root == null ? null : host.fstat(root);
      } catch (HostException e) {
        throw new FcprocException("fstat " + idDir + "/" + CHROOT_NAME, e);
      }
      Optional<String> process = liveProcess(id, idDir, chroot);
      if (process.isPresent() || root == null) {
        return process;
      }
      int[] budget = {MAX_SCAN_ENTRIES};
      return listener(root, idDir + "/" + CHROOT_NAME, chroot.mountId(), 0, budget);
    } catch (HostException e) {
      throw new FcprocException("look for sockets under " + idDir + "/" + CHROOT_NAME + ": " + e.call() + " " + e.path(), e);
    } finally {
      if (root != null) {
        root.close();
      }
    }
  }

  /**
   * A live process of the VM, from the process table: one whose command line names the VM's
   * directory or has its id, one whose executable lies under it, or — what a jailed firecracker
   * shows, whose executable reads {@code /firecracker} and whose command line names no host path —
   * one whose root directory is the chroot ({@link VmIdentity#runsInChroot}: a {@code stat}
   * through {@code /proc/PID/root}, compared by device and inode with {@code chroot}; null when
   * there is no chroot). Zombies do not count.
   */
  private Optional<String> liveProcess(String id, String idDir, FileStat chroot) throws FcprocException {
    List<ProcessInfo> processes;
    try {
      processes = host.listProcesses();
    } catch (HostException e) {
      throw new FcprocException("list processes", e);
    }
    for (ProcessInfo p : processes) {
      if (p.zombie()) {
        continue;
      }
      if (namesPath(p.executable(), idDir)) {
        return Optional.of("pid " + p.pid() + " runs " + RefusedException.quote(p.executable()));
      }
      List<String> argv = p.argv();
      for (int i = 0; i < argv.size(); i++) {
        String a = argv.get(i);
        if (namesPath(a, idDir)) {
          return Optional.of("pid " + p.pid() + "'s command line names " + RefusedException.quote(idDir));
        }
        if (a.equals("--id=" + id) || (a.equals("--id") && i + 1 < argv.size() && argv.get(i + 1).equals(id))) {
          return Optional.of("pid " + p.pid() + "'s command line has --id " + RefusedException.quote(id));
        }
      }
      if (chroot != null) {
        Optional<String> jailed = VmIdentity.runsInChroot(host, p.pid(), chroot);
        if (jailed.isPresent()) {
          return jailed;
        }
      }
    }
    return Optional.empty();
  }

  /** Whether {@code text} names {@code dir} or a path under it: {@code dir} followed by
   *  {@code /} or the end of the text. */
  static boolean namesPath(String text, String dir) {
    for (int at = text.indexOf(dir); at >= 0; at = text.indexOf(dir, at + 1)) {
      int end = at + dir.length();
      if (end == text.length() || text.charAt(end) == '/') {
        return true;
      }
    }
    return false;
  }

  /** A socket with a listener under {@code dir}, on {@code mountId} only; unsure → a reason too. */
  private Optional<String> listener(Handle dir, String path, long mountId, int depth, int[] budget) throws HostException {
    for (DirEntry e : host.readDir(dir)) {
      if (--budget[0] < 0) {
        return Optional.of("more than " + MAX_SCAN_ENTRIES + " entries under its chroot: a listening socket cannot be ruled out");
      }
      String child = path + "/" + e.name();
      FileStat st;
      try {
        st = host.statAt(dir, e.name());
      } catch (HostException x) {
        if (x.is(Errno.ENOENT)) {
          continue;
        }
        throw x;
      }
      if (st.mountId() != mountId) {
        continue; // a library bind, or anything mounted there: not the VM's sockets
      }
      if (st.is(FileType.SOCKET)) {
        Optional<String> r = probe(dir, e.name(), child);
        if (r.isPresent()) {
          return r;
        }
      } else if (st.is(FileType.DIRECTORY)) {
        if (depth >= MAX_SCAN_DEPTH) {
          return Optional.of("its chroot is deeper than " + MAX_SCAN_DEPTH + " levels: a listening socket cannot be ruled out");
        }
        Handle sub;
        try {
          sub = host.openAt(dir, e.name(), DIRECTORY_SAME_MOUNT);
        } catch (HostException x) {
          if (x.is(Errno.ENOENT) || x.is(Errno.ELOOP) || x.is(Errno.ENOTDIR) || x.is(Errno.EXDEV)) {
            continue; // changed since the stat: whatever it is now, it is not walked into
          }
          throw x;
        }
        try (sub) {
          Optional<String> r = listener(sub, child, mountId, depth + 1, budget);
          if (r.isPresent()) {
            return r;
          }
        }
      }
    }
    return Optional.empty();
  }

  /** Connects to the socket inode at {@code name}: a listener, or an answer other than
   *  ECONNREFUSED, is a reason to keep the VM. */
  private Optional<String> probe(Handle dir, String name, String path) throws HostException {
    Handle socket;
    try {
      socket = host.openAt(dir, name, SOCKET);
    } catch (HostException x) {
      if (x.is(Errno.ENOENT) || x.is(Errno.ELOOP) || x.is(Errno.EXDEV)) {
        return Optional.empty();
      }
      throw x;
    }
    try (socket) {
      if (!host.fstat(socket).is(FileType.SOCKET)) {
        return Optional.empty();
      }
      return listening(socket, path);
    }
  }

  /** Empty when nobody listens (ECONNREFUSED); otherwise why the socket counts as in use. */
  private Optional<String> listening(Handle socket, String path) {
    try (UnixConnection c = host.connect(socket)) {
      return Optional.of("a process listens on " + RefusedException.quote(path));
    } catch (HostException x) {
      if (x.is(Errno.ECONNREFUSED)) {
        return Optional.empty();
      }
      return Optional.of("could not tell whether anyone listens on " + RefusedException.quote(path) + " (connect: " + x.errno() + ")");
    }
  }

  // ---------------------------------------------------------------- runtime directory

  private void sweepSockets(String runtimeDir, boolean dryRun, Found f) {
    Handle dir;
    try {
      dir = NoFollowPaths.openDirectory(host, runtimeDir, OP);
    } catch (RefusedException e) {
      f.refused(SweepReport.Kind.DIRECTORY, runtimeDir, e.reason());
      return;
    } catch (FcprocException e) {
      if (e.getCause() instanceof HostException h && h.is(Errno.ENOENT)) {
        return;
      }
      f.failed(SweepReport.Kind.DIRECTORY, runtimeDir, e.getMessage());
      return;
    }
    try (dir) {
      List<DirEntry> entries;
      try {
        entries = host.readDir(dir);
      } catch (HostException e) {
        f.failed(SweepReport.Kind.DIRECTORY, runtimeDir, new FcprocException("list " + runtimeDir, e).getMessage());
        return;
      }
      for (DirEntry e : entries) {
        String path = runtimeDir + "/" + e.name();
        try {
          sweepSocket(dir, e.name(), path, dryRun, f);
        } catch (RefusedException r) {
          f.refused(SweepReport.Kind.SOCKET, path, r.reason());
        } catch (HostException x) {
          f.failed(SweepReport.Kind.SOCKET, path, "sweep socket " + path + ": " + x.getMessage());
        }
      }
    }
  }

  private void sweepSocket(Handle dir, String name, String path, boolean dryRun, Found f)
      throws HostException, RefusedException {
    FileStat st;
    try {
      st = host.statAt(dir, name);
    } catch (HostException e) {
      if (e.is(Errno.ENOENT)) {
        return;
      }
      throw e;
    }
    if (!st.is(FileType.SOCKET)) {
      return; // not a socket: not the sweep's business
    }
    Handle socket;
    try {
      socket = host.openAt(dir, name, SOCKET);
    } catch (HostException e) {
      if (e.is(Errno.ENOENT) || e.is(Errno.ELOOP) || e.is(Errno.EXDEV)) {
        return;
      }
      throw e;
    }
    try (socket) {
      FileStat checked = host.fstat(socket);
      if (!checked.is(FileType.SOCKET)) {
        return;
      }
      if (checked.nlink() != 1) {
        throw new RefusedException("unlink", path,
            "the socket has " + checked.nlink() + " hard links; unlinking one would change the inode another name shows");
      }
      Optional<String> inUse = listening(socket, path);
      if (inUse.isPresent()) {
        f.alive(SweepReport.Kind.SOCKET, path, inUse.get());
        return;
      }
      String why = "nobody listens on it (connect: ECONNREFUSED)";
      if (dryRun) {
        f.reclaimed(SweepReport.Kind.SOCKET, path, "would be unlinked: " + why);
        return;
      }
      FileStat named = host.statAt(dir, name);
      if (!named.sameInode(checked)) {
        throw new RefusedException("unlink", path, "it was replaced during the sweep");
      }
      try {
        host.unlinkAt(dir, name, false);
      } catch (HostException e) {
        if (e.is(Errno.ENOENT)) {
          return;
        }
        throw e;
      }
      if (host.fstat(socket).nlink() != 0) {
        throw new RefusedException("unlink", path, "it was renamed just before it was unlinked; what was put in its place was unlinked instead");
      }
      f.reclaimed(SweepReport.Kind.SOCKET, path, "unlinked: " + why);
      log.debug("sweep: unlinked stale socket {}", path);
    }
  }

  // ---------------------------------------------------------------- TAP devices

  private void sweepTaps(String prefix, boolean dryRun, Found f) {
    List<String> names;
    try {
      names = host.linkNames();
    } catch (HostException e) {
      f.failed(SweepReport.Kind.TAP, prefix + "*", "list the network links: " + e.getMessage());
      return;
    }
    for (String name : names) {
      if (!name.startsWith(prefix)) {
        continue;
      }
      try {
        sweepTap(name, dryRun, f);
      } catch (HostException x) {
        f.failed(SweepReport.Kind.TAP, name, "sweep TAP " + name + ": " + x.getMessage());
      }
    }
  }

  private void sweepTap(String name, boolean dryRun, Found f) throws HostException {
    Optional<org.fcproc.host.LinkInfo> link = host.link(name);
    if (link.isEmpty()) {
      return; // gone since the listing
    }
    if (link.get().kind() != org.fcproc.host.LinkInfo.Kind.TAP) {
      f.refused(SweepReport.Kind.TAP, name, "it has the TAP prefix but is not a TAP (it is "
          + link.get().kind().name().toLowerCase(java.util.Locale.ROOT) + "); the sweep deletes only TAPs");
      return;
    }
    boolean inUse;
    try {
      inUse = host.tapInUse(name);
    } catch (HostException e) {
      if (e.is(Errno.ENODEV)) {
        return;
      }
      if (e.is(Errno.EINVAL)) {
        f.refused(SweepReport.Kind.TAP, name, "it was replaced by a link that is not a TAP during the sweep");
        return;
      }
      throw e;
    }
    if (inUse) {
      f.alive(SweepReport.Kind.TAP, name, "a process has the TAP open (it has a carrier)");
      return;
    }
    String why = "no process has the TAP open (no carrier)";
    if (dryRun) {
      f.reclaimed(SweepReport.Kind.TAP, name, "would be deleted: " + why);
      return;
    }
    try {
      host.deleteLink(name);
    } catch (HostException e) {
      if (e.is(Errno.ENODEV)) {
        return;
      }
      if (e.is(Errno.EBUSY)) {
        f.alive(SweepReport.Kind.TAP, name, "a process attached to the TAP just before it was deleted (EBUSY)");
        return;
      }
      if (e.is(Errno.EOPNOTSUPP)) {
        f.refused(SweepReport.Kind.TAP, name, "it was replaced by a link that is not a TAP during the sweep");
        return;
      }
      throw e;
    }
    f.reclaimed(SweepReport.Kind.TAP, name, "deleted: " + why);
    log.debug("sweep: deleted unused TAP {}", name);
  }
}
