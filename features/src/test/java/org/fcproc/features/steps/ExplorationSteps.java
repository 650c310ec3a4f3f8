package org.fcproc.features.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.cucumber.datatable.DataTable;
import io.cucumber.java.Before;
import io.cucumber.java.Scenario;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.fcproc.ChrootSpec;
import org.fcproc.features.driver.Owner;
import org.fcproc.features.driver.SimulatedScenarioHost;
import org.fcproc.features.report.ExplorationTally;
import org.fcproc.host.FileType;
import org.fcproc.host.MountFlag;
import org.fcproc.host.Propagation;
import org.fcproc.sim.MountView;
import org.fcproc.sim.SimHost;
import org.fcproc.sim.explore.ExplorationReport;
import org.fcproc.sim.explore.ExploredOperation;
import org.fcproc.sim.explore.Explorer;
import org.fcproc.sim.explore.Move;
import org.fcproc.sim.explore.Postcondition;
import org.fcproc.sim.explore.Target;

/**
 * Exhaustive exploration from Gherkin (docs/DESIGN.md#exhaustive-exploration): every adversary move of a table in every gap
 * between the operation's host calls, and every call failing in turn, each run on a fresh host
 * arranged by the scenario's Givens, each checked against the jail invariant and the operation's
 * postcondition. Needs the simulated host.
 *
 * <p>Moves, one per table row: {@code | swap for symlink | path | target |},
 * {@code | plant symlink | path | target |}, {@code | plant hard link | path | existing |},
 * {@code | plant FIFO | path | |}, {@code | plant device | path | major:minor |},
 * {@code | plant file | path | |}, {@code | bind mount | source | target |},
 * {@code | remove directory | path | |}, {@code | exchange | path | path |}. All but the bind
 * mount are made as the adversary, uid 1000, with its permissions; a move it may not make is
 * counted as refused by the kernel and the run goes on.
 */
public final class ExplorationSteps {
  private final World world;
  private ExplorationReport report;

  /** The scenario's name, for the security report's exploration table (an outline's has its row's values). */
  private String scenario = "";

  @Before
  public void rememberScenario(Scenario s) {
    scenario = s.getName();
  }

  public ExplorationSteps(World world) {
    this.world = world;
  }

  static List<Move> moves(DataTable table) {
    List<Move> moves = new ArrayList<>();
    for (List<String> row : table.cells()) {
      String a = cell(row, 1);
      String b = cell(row, 2);
      moves.add(switch (row.get(0)) {
        case "swap for symlink" -> new Move.SwapForSymlink(a, b);
        case "plant symlink" -> new Move.PlantSymlink(a, b);
        case "plant hard link" -> new Move.PlantHardLink(a, b);
        case "plant FIFO" -> new Move.PlantFifo(a);
        case "plant device" -> new Move.PlantDevice(a, FileType.BLOCK_DEVICE, new ParameterTypes().device(b));
        case "plant file" -> new Move.PlantFile(a);
        case "bind mount" -> new Move.BindMount(a, b);
        case "remove directory" -> new Move.RemoveDirectory(a);
        case "exchange" -> new Move.Exchange(a, b);
        default -> throw new IllegalArgumentException("unknown move \"" + row.get(0) + "\"; see the reviewer's guide");
      });
    }
    return moves;
  }

  private static String cell(List<String> row, int i) {
    return row.size() > i && row.get(i) != null ? ParameterTypes.decodePath(row.get(i)) : "";
  }

  private Supplier<SimHost> freshHosts() {
    if (!(world.host instanceof SimulatedScenarioHost)) {
      throw new IllegalStateException("exploration needs the simulated host (tag the scenario @sim-only)");
    }
    return () -> ((SimulatedScenarioHost) world.rearranged()).sim();
  }

  private void explore(Target.Builder target) {
    Target t = target.host(freshHosts()).build();
    int[] shown = {-1};
    long started = System.nanoTime();
    report = Explorer.explore(t, (done, total) -> {
      int tenth = total == 0 ? 10 : done * 10 / total;
      if (tenth != shown[0]) {
        shown[0] = tenth;
        System.out.printf("  exploring %s: %d / %d runs%n", t.name(), done, total);
      }
    }, 2);
    long millis = (System.nanoTime() - started) / 1_000_000;
    ExplorationTally.add(new ExplorationTally.Exploration(scenario, report.target(), report.runs(), report.distinctSchedules(),
        report.movesMade(), report.movesRefused(), report.faultsInjected(), report.violations().size(), millis));
    System.out.println(report.render());
  }

  private static String parent(String path) {
    return path.substring(0, path.lastIndexOf('/'));
  }

  @When("every move below is tried in every gap of the staging of {path} for {owner}, and every host call fails in turn:")
  public void exploreStaging(String chroot, Owner owner, DataTable moves) {
    ChrootSpec spec = JailSteps.standardSpec(chroot, owner);
    String vmDir = parent(chroot);
    explore(Target.builder("staging of " + chroot)
        .operation(ExploredOperation.fcproc(world.config(), f -> f.prepareJailerChroot(spec)))
        .vmArea(vmDir)
        .chroot(chroot)
        .documented(parent(parent(vmDir)), parent(vmDir), spec.kernelHostPath(), spec.initrdHostPath(),
            spec.drives().get(0).hostPath())
        .postcondition(staged(chroot))
        .moves(moves(moves)));
  }

  @When("every move below is tried in every gap of the cleanup of {path}, and every host call fails in turn:")
  public void exploreCleanup(String chroot, DataTable moves) {
    explore(Target.builder("cleanup of " + chroot)
        .operation(ExploredOperation.fcproc(world.config(), f -> f.cleanupJailerChroot(chroot)))
        .vmArea(parent(chroot))
        .chroot(chroot)
        .documented("/var/lib/fcproc/images/vmlinux", "/var/lib/fcproc/images/initrd.img", "/var/lib/fcproc/vms/vm1/rootfs.ext4")
        .postcondition(cleaned(chroot))
        .moves(moves(moves)));
  }

  @When("every move below is tried in every gap of the hand-off of {path} to {owner}, and every host call fails in turn:")
  public void exploreHandOff(String socket, Owner owner, DataTable moves) {
    explore(Target.builder("hand-off of " + socket)
        .operation(ExploredOperation.fcproc(world.config(),
            f -> f.ensureSocketAccessFor(socket, "firecracker socket", owner.uid(), owner.gid())))
        .vmArea(parent(socket))
        .postcondition(handedOff(socket, owner))
        .moves(moves(moves)));
  }

  @When("every move below is tried in every gap of the background hand-off of {path} and {path} to {owner}, and every host call fails in turn:")
  public void exploreAsyncHandOff(String first, String second, Owner owner, DataTable moves) {
    explore(Target.builder("background hand-off of " + first + " and " + second)
        .operation(ExploredOperation.fcproc(world.config(),
            f -> f.ensureSocketAccessForAsync(List.of(first, second), owner.uid(), owner.gid()).get()))
        .vmArea(parent(first))
        .postcondition((host, before) -> {
          handedOff(first, owner).check(host, before);
          handedOff(second, owner).check(host, before);
        })
        .moves(moves(moves)));
  }

  @When("every move below is tried in every gap of the creation of the runtime directory, and every host call fails in turn:")
  public void exploreSocketDir(DataTable moves) {
    String dir = world.runtimeDir;
    explore(Target.builder("runtime directory " + dir)
        .operation(ExploredOperation.fcproc(world.config(), f -> f.ensureSocketDir()))
        .vmArea(parent(dir))
        .postcondition((host, before) -> host.inspect(dir)
            .filter(st -> st.type() == FileType.DIRECTORY)
            .ifPresent(st -> assertThat(st.octalMode()).as("mode of %s", dir).isEqualTo("0711")))
        .moves(moves(moves)));
  }

  /** Staged: the chroot's self-bind, private, with both library directories bound read-only. */
  static Postcondition staged(String chroot) {
    return (host, before) -> {
      List<MountView> ours = host.mounts().stream().filter(m -> m.mountPoint().equals(chroot) || m.mountPoint().startsWith(chroot + "/")).toList();
      assertThat(ours).as("the chroot's self-bind").anySatisfy(m -> assertThat(m.root()).isEqualTo(chroot));
      assertThat(ours).allSatisfy(m -> assertThat(m.propagation()).isEqualTo(Propagation.PRIVATE));
      for (String lib : List.of("/usr/lib", "/usr/lib64")) {
        assertThat(ours).as("a read-only bind of %s", lib)
            .anySatisfy(m -> assertThat(m.root().equals(lib) && m.has(MountFlag.READ_ONLY)).isTrue());
      }
    };
  }

  /** Cleaned: nothing mounted at or under the chroot, nothing at its path. */
  static Postcondition cleaned(String chroot) {
    return (host, before) -> {
      assertThat(host.mounts().stream().map(MountView::mountPoint)
              .filter(p -> p.equals(chroot) || p.startsWith(chroot + "/")))
          .as("mounts left under %s", chroot).isEmpty();
      assertThat(host.inspect(chroot)).as("%s after cleanup", chroot).isEmpty();
    };
  }

  /**
   * Handed off: the socket inode that was at the path is now the owner's, mode 0600, wherever it
   * is now. The adversary may have unlinked it or covered it with a mount after fcproc opened it
   * — then it cannot be seen, and there is nothing to check: fcproc changed the inode it checked.
   */
  static Postcondition handedOff(String socket, Owner owner) {
    return (host, before) -> {
      String was = before.files().get(socket);
      Objects.requireNonNull(was, socket + " was not there before the hand-off");
      String ino = was.substring(was.indexOf(" ino=") + 5).split(" ")[0];
      String expected = "SOCKET 0600 " + owner.uid() + ":" + owner.gid();
      assertThat(host.snapshot().files().values().stream().filter(d -> d.contains(" ino=" + ino + " ") || d.endsWith(" ino=" + ino)))
          .as("the socket inode that was at %s", socket)
          .allSatisfy(d -> assertThat(d).startsWith(expected));
    };
  }

  @Then("no run breaks the jail invariant")
  public void noViolation() {
    assertThat(report).as("an exploration ran").isNotNull();
    assertThat(report.violations()).as(report.render()).isEmpty();
  }

  @Then("at least {int} runs were made")
  public void atLeastRuns(int runs) {
    assertThat(report.runs()).as("runs of %s", report.target()).isGreaterThanOrEqualTo(runs);
  }

  @Then("the adversary made at least {int} of its moves")
  public void movesMade(int moves) {
    assertThat(report.movesMade()).as("moves the adversary could make").isGreaterThanOrEqualTo(moves);
  }
}
