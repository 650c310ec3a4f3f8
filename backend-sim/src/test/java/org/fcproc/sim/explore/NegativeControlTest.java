package org.fcproc.sim.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fcproc.sim.explore.Fixtures.AREA;
import static org.fcproc.sim.explore.Fixtures.CHROOT;

import java.util.EnumSet;
import java.util.List;
import org.fcproc.host.DirEntry;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;
import org.fcproc.host.Handle;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.OpenFlag;
import org.fcproc.host.OpenHow;
import org.fcproc.host.Resolve;
import org.junit.jupiter.api.Test;

/** The checker can fail: operations written unsafely on purpose are caught, and replay. */
class NegativeControlTest {
  private static final OpenHow DIR_FOLLOW = new OpenHow(EnumSet.of(OpenFlag.PATH, OpenFlag.DIRECTORY), 0, EnumSet.noneOf(Resolve.class));

  /** {@code rm -rf} as the seed's era wrote it: by path, following symlinks to directories. */
  static void naiveRemove(HostOps h, String path) throws HostException {
    FileStat st = h.stat(path); // follows
    if (st.is(FileType.DIRECTORY)) {
      try (Handle dir = h.open(path, DIR_FOLLOW)) {
        for (DirEntry e : h.readDir(dir)) {
          naiveRemove(h, path + "/" + e.name());
        }
      }
    }
    int slash = path.lastIndexOf('/');
    try (Handle parent = h.open(path.substring(0, slash), DIR_FOLLOW)) {
      h.unlinkAt(parent, path.substring(slash + 1), st.is(FileType.DIRECTORY));
    }
  }

  static Target naive(List<Move> moves) {
    return Target.builder("naive rm -rf of chroot/dev")
        .host(Fixtures::staged)
        .operation(h -> naiveRemove(h, CHROOT + "/dev"))
        .vmArea(AREA)
        .chroot(CHROOT)
        .moves(moves)
        .build();
  }

  @Test
  void aNaiveRecursiveDeleteIsCaughtAndTheViolationReplays() {
    Target t = naive(List.of(new Move.SwapForSymlink(CHROOT + "/dev", "/etc")));
    ExplorationReport r = Explorer.explore(t);
    System.out.println(r.render().lines().limit(12).reduce("", (a, b) -> a + b + "\n"));
    assertThat(r.violations()).isNotEmpty();
    Violation v = r.violations().get(0);
    assertThat(v.reason()).contains("jail invariant").contains("/etc/shadow");
    assertThat(v.hostDiff()).anySatisfy(l -> assertThat(l).startsWith("!! - /etc/shadow"));
    assertThat(v.render()).contains(v.schedule().text()).contains("-D" + Explorer.REPLAY_PROPERTY);
    RunResult again = Explorer.replay(t, v.schedule().text());
    assertThat(again.violation()).contains(v);
    assertThat(again.journal()).isEqualTo(Explorer.replay(t, v.schedule()).journal());
  }

  @Test
  void aChmodThroughAPathIsCaughtAndAnErrorWithoutAPathIsReported() {
    Target t = Target.builder("chmod through a path")
        .host(Fixtures::staged)
        .operation(h -> {
          h.chmod(CHROOT + "/vmlinux", 0600);
          throw new java.io.IOException("it went wrong");
        })
        .vmArea(AREA)
        .chroot(CHROOT)
        .moves(List.of(new Move.PlantSymlink(CHROOT + "/vmlinux", "/etc/passwd")))
        .build();
    ExplorationReport r = Explorer.explore(t);
    assertThat(r.violations()).anySatisfy(v -> assertThat(v.reason()).contains("/etc/passwd changed by the operation"));
    assertThat(r.violations()).allSatisfy(v -> assertThat(v.reason()).contains("failed without naming a path"));
  }

  @Test
  void aRuntimeExceptionIsACrashAndARunawayIsStopped() {
    Target crash = Target.builder("crash").host(Fixtures::standard)
        .operation(h -> {
          h.lstat("/etc");
          throw new IllegalStateException("boom in /etc");
        })
        .vmArea(AREA).build();
    assertThat(Explorer.replay(crash, "baseline").violation()).hasValueSatisfying(v -> assertThat(v.reason()).startsWith("crashed: IllegalStateException"));
    Target loop = Target.builder("loop").host(Fixtures::standard).callBudget(500)
        .operation(h -> {
          while (true) {
            try {
              h.lstat("/etc");
            } catch (HostException ignored) {
              // keep going
            }
          }
        })
        .vmArea(AREA).build();
    assertThat(Explorer.replay(loop, "baseline").violation()).hasValueSatisfying(v -> assertThat(v.reason()).startsWith("did not finish"));
  }

  @Test
  void targetsAreValidated() {
    assertThatThrownBy(() -> Target.builder("x").host(Fixtures::standard).operation(h -> {}).vmArea("/").build())
        .hasMessageContaining("vmArea");
    assertThatThrownBy(() -> Target.builder("x").host(Fixtures::standard).operation(h -> {}).vmArea(AREA).chroot("/etc").build())
        .hasMessageContaining("chroot");
    assertThatThrownBy(() -> Target.builder("x").host(Fixtures::standard).operation(h -> {}).vmArea("relative").build())
        .hasMessageContaining("absolute");
    assertThatThrownBy(() -> new Move.PlantFifo("/a/../etc")).hasMessageContaining("clean");
    assertThatThrownBy(() -> new Schedule.MoveAt(-1, new Move.PlantFifo("/a"))).hasMessageContaining("gap");
  }
}
