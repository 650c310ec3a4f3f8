package org.fcproc.sim.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.Errno;
import org.fcproc.host.FileType;
import org.junit.jupiter.api.Test;

/** A schedule's text reads back to the same schedule, whatever its paths hold. */
class ScheduleTextTest {
  static final List<String> AWKWARD = List.of(
      "/srv/jail/firecracker/vm1", "/a b/c", "/new\nline", "/tab\there", "/comma,x", "/arrow -> x", "/->", "/q\"uote",
      "/back\\slash", "/par(en)", "/ünï");

  @Test
  void everyMoveRoundTrips() {
    for (String p : AWKWARD) {
      List<Move> moves = List.of(
          new Move.SwapForSymlink(p, "/"), new Move.SwapForSymlink(p, "->"), new Move.PlantSymlink(p, "../rel ative"),
          new Move.PlantHardLink(p, "/etc/shadow"), new Move.PlantFifo(p), new Move.PlantFile(p),
          new Move.PlantDevice(p, FileType.BLOCK_DEVICE, new DeviceNumber(253, 7)),
          new Move.PlantDevice(p, FileType.CHAR_DEVICE, new DeviceNumber(10, 241)),
          new Move.BindMount("/etc", p), new Move.RemoveDirectory(p), new Move.Exchange(p, "/x, y"));
      for (Move m : moves) {
        Schedule s = new Schedule.MoveAt(7, m);
        assertThat(Schedule.parse(s.text())).as(s.text()).isEqualTo(s);
        assertThat(s.text()).doesNotContain("\n");
      }
    }
  }

  @Test
  void theDocumentedFormsRead() {
    assertThat(Schedule.parse("gap=7 move=SwapForSymlink(/srv/jail/firecracker/vm1 -> /)"))
        .isEqualTo(new Schedule.MoveAt(7, new Move.SwapForSymlink("/srv/jail/firecracker/vm1", "/")));
    assertThat(Schedule.parse("call=12 errno=EIO")).isEqualTo(new Schedule.FaultAt(12, Errno.EIO));
    assertThat(Schedule.parse(" baseline ")).isEqualTo(new Schedule.Baseline());
    assertThat(new Schedule.FaultAt(12, Errno.ENOSPC).text()).isEqualTo("call=12 errno=ENOSPC");
  }

  @Test
  void nonsenseIsRefusedWithTheText() {
    for (String bad : List.of("gap=x move=PlantFifo(/a)", "gap=1 move=Nope(/a)", "gap=1 move=PlantFifo(/a", "call=1 errno=EWHAT",
        "gap=1 move=PlantFifo(\"/a)", "gap=1 move=SwapForSymlink(/a, /b)", "whatever", "gap=1 move=PlantDevice(/a, pipe, 1:2)")) {
      assertThatThrownBy(() -> Schedule.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
