package org.fcproc.features.driver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.fcproc.host.Credentials;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.Errno;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.HostOps;
import org.fcproc.host.LinkInfo;
import org.fcproc.host.HostException;
import org.fcproc.host.MountFlag;
import org.fcproc.host.OpenHow;
import org.fcproc.host.RenameMode;
import org.fcproc.host.Propagation;
import org.fcproc.sim.ApiMode;
import org.fcproc.sim.GuestBehaviour;
import org.fcproc.sim.JournalEntry;
import org.fcproc.sim.MountView;
import org.fcproc.sim.SimHost;
import org.fcproc.sim.Snapshot;

/** The scenario driver for the simulated host: a fresh {@link SimHost} per scenario. */
public final class SimulatedScenarioHost implements ScenarioHost {
  /** The adversary's uid and gid: the daemon's, which owns the per-VM directory (docs/DESIGN.md#threat-model). */
  static final int ADVERSARY = 1000;

  private final SimHost sim;
  /** Call index → path, for every unmount fcproc attempted; paired with the journal's outcome. */
  private final Map<Long, String> unmountAttempts = new TreeMap<>();

  public SimulatedScenarioHost(Map<String, String> env) {
    this.sim = SimHost.builder().env(env).build();
    sim.beforeEachCall(call -> {
      if (call.call().equals("unmount")) {
        unmountAttempts.put(call.index(), call.paths().isEmpty() ? "?" : call.paths().get(0));
      }
    });
  }

  /** The simulator itself, for steps that only make sense on it (the adversary inside a call). */
  public SimHost sim() {
    return sim;
  }

  @Override
  public void directory(String path, Owner owner, int mode) {
    // Missing parents are root's, 0755, as an installer would leave them: only the directory
    // named belongs to the owner given, so a scenario hands the adversary exactly what it says.
    int slash = path.indexOf('/', 1);
    while (slash > 0) {
      String parent = path.substring(0, slash);
      if (sim.inspect(parent).isEmpty()) {
        sim.mkdirs(parent, 0755, 0, 0);
      }
      slash = path.indexOf('/', slash + 1);
    }
    sim.mkdirs(path, mode, owner.uid(), owner.gid());
  }

  @Override
  public void file(String path, Owner owner, int mode, String content) {
    sim.writeFile(path, content, mode, owner.uid(), owner.gid());
  }

  @Override
  public void symlink(String path, String target) {
    sim.symlink(path, target);
  }

  @Override
  public void hardLink(String path, String existing) {
    sim.hardlink(existing, path);
  }

  @Override
  public void node(String path, FileType type, DeviceNumber device, Owner owner, int mode) {
    sim.mknod(path, type, mode, device, owner.uid(), owner.gid());
  }

  @Override
  public void socket(String path, Owner owner, int mode) {
    sim.socket(path, owner.uid(), owner.gid(), mode);
  }

  @Override
  public void bindMount(String source, String target) {
    sim.bindMount(source, target);
  }

  @Override
  public void chmod(String path, int mode) {
    sim.setMode(path, mode);
  }

  @Override
  public void propagation(String path, Propagation propagation) {
    sim.setPropagation(path, propagation);
  }

  @Override
  public void remove(String path) {
    sim.remove(path);
  }

  @Override
  public void allowHardLinksToOthersFiles() {
    sim.setProtectedHardlinks(false);
  }

  @Override
  public void link(String name, LinkInfo.Kind kind, boolean up, Optional<Owner> tapOwner, List<String> addresses) {
    if (kind == LinkInfo.Kind.TAP) {
      Owner o = tapOwner.orElse(Owner.ROOT);
      run("ip", "tuntap", "add", "dev", name, "mode", "tap", "user", Integer.toString(o.uid()), "group", Integer.toString(o.gid()));
    } else if (kind == LinkInfo.Kind.BRIDGE) {
      run("ip", "link", "add", "name", name, "type", "bridge");
    } else {
      sim.addLink(name, kind);
    }
    for (String address : addresses) {
      run("ip", "addr", "add", address, "dev", name);
    }
    if (up) {
      run("ip", "link", "set", name, "up");
    }
  }

  private void run(String... argv) {
    try {
      var r = sim.run(List.of(argv));
      if (!r.succeeded()) {
        throw new IllegalStateException("arranging the host: `" + r.commandLine() + "` failed: " + r.stderr());
      }
    } catch (org.fcproc.host.HostException e) {
      throw new IllegalStateException("arranging the host", e);
    }
  }

  @Override
  public int firecracker(String apiSock, boolean guestObeysCtrlAltDel) {
    sim.mkdirs(apiSock.substring(0, apiSock.lastIndexOf('/')));
    return sim.spawnFirecracker(
        apiSock, guestObeysCtrlAltDel ? GuestBehaviour.OBEYS_CTRL_ALT_DEL : GuestBehaviour.IGNORES_CTRL_ALT_DEL, 0, 0);
  }

  @Override
  public int firecrackerOnAarch64(String apiSock) {
    int pid = firecracker(apiSock, true);
    sim.setApiMode(pid, ApiMode.AARCH64);
    return pid;
  }

  @Override
  public int jailedFirecracker(String chrootRoot, String id) {
    sim.mkdirs(chrootRoot);
    return sim.spawnJailedFirecracker(chrootRoot, id, GuestBehaviour.OBEYS_CTRL_ALT_DEL, 0, 0);
  }

  @Override
  public int startProcess(List<String> argv, Owner owner) {
    return sim.spawn(argv, argv.get(0), owner.uid(), owner.gid());
  }

  @Override
  public void later(Duration after, Runnable action) {
    sim.at(after, action);
  }

  @Override
  public int exitAndReusePid(int pid, List<String> argv) {
    sim.exit(pid);
    // Pids are handed out upwards and wrap at pid_max: start processes until one gets the pid
    // back, as would happen on a busy host.
    for (int i = 0; i < 1 << 20; i++) {
      int p = sim.spawn(argv, argv.get(0));
      if (p == pid) {
        return p;
      }
      sim.exit(p);
    }
    throw new IllegalStateException("pid " + pid + " never came back");
  }

  @Override
  public void failDetachOf(String mountPoint, Errno errno) {
    sim.failWhen(call -> call.call().equals("unmount") && call.paths().contains(mountPoint), errno);
  }

  @Override
  public void beforeCall(String call, int nth, Runnable action) {
    int[] seen = {0};
    sim.beforeEachCall(c -> {
      if (c.call().equals(call) && ++seen[0] == nth) {
        action.run();
      }
    });
  }

  @Override
  public void failFirstCall(String call, Errno errno, Runnable whenInjected) {
    // The simulator drops a once-fault when its predicate first matches, and fails that call.
    sim.failOnce(c -> {
      if (!c.call().equals(call)) {
        return false;
      }
      whenInjected.run();
      return true;
    }, errno);
  }

  @Override
  public void adversarySwapsForSymlink(String path, String target) {
    HostOps adversary = sim.as(ADVERSARY, ADVERSARY);
    String parent = path.substring(0, Math.max(1, path.lastIndexOf('/')));
    String name = path.substring(path.lastIndexOf('/') + 1);
    try (var dir = adversary.open(parent, OpenHow.directoryNoFollow())) {
      adversary.renameAt(dir, name, dir, name + ".orig", RenameMode.NOREPLACE);
      adversary.symlinkAt(target, dir, name);
    } catch (HostException e) {
      throw new IllegalStateException("the adversary (uid " + ADVERSARY + ") cannot swap " + path + " for a symlink: " + e.getMessage(), e);
    }
  }

  @Override
  public HostOps as(Credentials caller) {
    return caller.isRoot() ? sim : sim.as(caller);
  }

  @Override
  public Optional<FileStat> inspect(String path) {
    return sim.inspect(path);
  }

  @Override
  public Optional<String> readlink(String path) {
    return sim.readlink(path);
  }

  @Override
  public byte[] content(String path) {
    return sim.readFile(path);
  }

  @Override
  public List<MountState> mounts() {
    List<MountState> out = new ArrayList<>();
    for (MountView m : sim.mounts()) {
      out.add(new MountState(m.id(), m.mountPoint(), m.root(), m.has(MountFlag.READ_ONLY), m.propagation() == Propagation.PRIVATE));
    }
    return out;
  }

  @Override
  public Optional<LinkInfo> linkState(String name) {
    return sim.links().stream().filter(l -> l.name().equals(name)).findFirst();
  }

  @Override
  public boolean isRunning(int pid) {
    return sim.isRunning(pid);
  }

  @Override
  public List<Integer> processesRunning(String commandLine) {
    return sim.processes().stream().filter(p -> p.commandLine().equals(commandLine)).map(p -> p.pid()).toList();
  }

  @Override
  public List<String> apiRequests(int pid) {
    return sim.apiRequests(pid);
  }

  @Override
  public long nanoTime() {
    return sim.nanoTime();
  }

  @Override
  public List<String> commandsRun() {
    return sim.journal().stream().filter(e -> e.call().equals("run")).map(JournalEntry::args).toList();
  }

  @Override
  public List<String> detached() {
    List<String> out = new ArrayList<>();
    for (JournalEntry e : sim.journal()) {
      if (e.call().equals("unmount") && e.ok() && unmountAttempts.containsKey(e.index())) {
        out.add(unmountAttempts.get(e.index()));
      }
    }
    return out;
  }

  @Override
  public HostState state() {
    return new SimState(sim.snapshot());
  }

  private record SimState(Snapshot snapshot) implements HostState {
    @Override
    public List<String> diff(HostState after) {
      return snapshot.diff(((SimState) after).snapshot);
    }
  }
}
