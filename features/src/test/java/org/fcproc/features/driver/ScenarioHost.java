package org.fcproc.features.driver;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.fcproc.host.Credentials;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.HostOps;
import org.fcproc.host.LinkInfo;

/**
 * The host a scenario runs on, as the step definitions see it: arranging the host before
 * fcproc acts (as root, outside fcproc), the {@link HostOps} fcproc is given, and reading the
 * host's state afterwards. Steps stay thin and backend-neutral; each backend has one driver.
 */
public interface ScenarioHost {

  // ---------------------------------------------------------------- arranging

  void directory(String path, Owner owner, int mode);

  void file(String path, Owner owner, int mode, String content);

  void symlink(String path, String target);

  void hardLink(String path, String existing);

  void node(String path, FileType type, DeviceNumber device, Owner owner, int mode);

  /** A socket inode nobody listens on. */
  void socket(String path, Owner owner, int mode);

  void bindMount(String source, String target);

  /** Sets the mode of what is at {@code path}. */
  void chmod(String path, int mode);

  /** Sets the propagation of the mount whose root is at {@code path}. */
  void propagation(String path, org.fcproc.host.Propagation propagation);

  /** Removes whatever is at {@code path}, recursively, never crossing a mount. */
  void remove(String path);

  /** {@code fs.protected_hardlinks = 0}. */
  void allowHardLinksToOthersFiles();

  void link(String name, LinkInfo.Kind kind, boolean up, Optional<Owner> tapOwner, List<String> addresses);

  /** Starts a fake firecracker serving {@code apiSock}; returns its pid. */
  int firecracker(String apiSock, boolean guestObeysCtrlAltDel);

  /**
   * Starts a fake firecracker serving {@code apiSock} as Firecracker on aarch64 does: it answers
   * {@code SendCtrlAltDel} with {@code 400 {"fault_message":"SendCtrlAltDel does not supported on
   * aarch64."}} and keeps running; returns its pid.
   */
  int firecrackerOnAarch64(String apiSock);

  /**
   * Starts a fake firecracker jailed in {@code chrootRoot} as Firecracker's jailer leaves it (own
   * mount namespace, pivoted into the chroot, {@code /firecracker --id ID --api-sock
   * /run/firecracker.socket}, its pid in {@code <chroot>/firecracker.pid}), serving
   * {@code <chrootRoot>/run/firecracker.socket}; returns its pid as the host sees it.
   */
  int jailedFirecracker(String chrootRoot, String id);

  /** Starts a process with that command line as {@code owner}; returns its pid. */
  int startProcess(List<String> argv, Owner owner);

  /** Runs {@code action} once {@code after} of host time has passed. */
  void later(Duration after, Runnable action);

  /** The process exits and the next process started gets its pid; returns that process's pid. */
  int exitAndReusePid(int pid, List<String> argv);

  /** Every detach of the mount at {@code mountPoint} fails with {@code errno}. */
  void failDetachOf(String mountPoint, Errno errno);

  // ---------------------------------------------------------------- the adversary inside a call

  /**
   * Runs {@code action} once, just before fcproc's {@code nth} (counting from 1) host call named
   * {@code call} (a {@link HostOps} method name such as {@code fchmod} or {@code unlinkAt}). If
   * fcproc never makes that call, {@code action} never runs: the steps check that it did.
   */
  void beforeCall(String call, int nth, Runnable action);

  /**
   * fcproc's first host call named {@code call} fails with {@code errno}; {@code whenInjected}
   * runs when it does, so the steps can tell a fault that never fired.
   */
  void failFirstCall(String call, Errno errno, Runnable whenInjected);

  /**
   * As the adversary (uid and gid 1000, with its own permissions): renames {@code path} to
   * {@code path + ".orig"} and puts a symlink to {@code target} in its place. Fails loudly when the
   * adversary's permissions do not allow it, so no scenario shows an attack that could not happen.
   */
  void adversarySwapsForSymlink(String path, String target);

  // ---------------------------------------------------------------- acting

  /** The host as fcproc, running with these credentials, sees it. */
  HostOps as(Credentials caller);

  // ---------------------------------------------------------------- observing

  /** lstat, bypassing permissions; empty when nothing is there. */
  Optional<FileStat> inspect(String path);

  Optional<String> readlink(String path);

  byte[] content(String path);

  List<MountState> mounts();

  Optional<LinkInfo> linkState(String name);

  boolean isRunning(int pid);

  /** Pids of live processes whose command line is exactly {@code commandLine}. */
  List<Integer> processesRunning(String commandLine);

  /** The API requests the fake firecracker with this pid received, {@code METHOD PATH BODY} each. */
  List<String> apiRequests(int pid);

  long nanoTime();

  /** Every command fcproc ran, as a command line, in order. */
  List<String> commandsRun();

  /** The paths of the mounts fcproc detached, in order. */
  List<String> detached();

  /** The whole host's visible state, for before/after comparison. */
  HostState state();
}
