package org.fcproc.features.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.cucumber.java.en.Then;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.fcproc.features.driver.HostState;
import org.fcproc.features.driver.MountState;
import org.fcproc.features.driver.Owner;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.FileStat;
import org.fcproc.host.FileType;

/** The host's files and mounts after the operation: every check reads the host itself. */
public final class HostStateSteps {
  private final World world;

  public HostStateSteps(World world) {
    this.world = world;
  }

  private FileStat existing(String path) {
    Optional<FileStat> st = world.host.inspect(path);
    assertThat(st).as("%s should exist", path).isPresent();
    return st.get();
  }

  private void check(String path, FileType type, Owner owner, int mode) {
    FileStat st = existing(path);
    assertThat(st.type()).as("type of %s", path).isEqualTo(type);
    assertThat(new Owner(st.uid(), st.gid())).as("owner of %s", path).isEqualTo(owner);
    assertThat(st.octalMode()).as("mode of %s", path).isEqualTo(String.format("%04o", mode));
  }

  @Then("{path} is a directory owned by {owner} with mode {mode}")
  public void directory(String path, Owner owner, int mode) {
    check(path, FileType.DIRECTORY, owner, mode);
  }

  @Then("{path} is a file owned by {owner} with mode {mode}")
  public void file(String path, Owner owner, int mode) {
    check(path, FileType.REGULAR, owner, mode);
  }

  @Then("{path} is a socket owned by {owner} with mode {mode}")
  public void socket(String path, Owner owner, int mode) {
    check(path, FileType.SOCKET, owner, mode);
  }

  @Then("{path} is a block device {device} owned by {owner} with mode {mode}")
  public void blockDevice(String path, DeviceNumber device, Owner owner, int mode) {
    check(path, FileType.BLOCK_DEVICE, owner, mode);
    assertThat(existing(path).rdev()).as("device numbers of %s", path).isEqualTo(device);
  }

  @Then("{path} is a character device {device} owned by {owner} with mode {mode}")
  public void charDevice(String path, DeviceNumber device, Owner owner, int mode) {
    check(path, FileType.CHAR_DEVICE, owner, mode);
    assertThat(existing(path).rdev()).as("device numbers of %s", path).isEqualTo(device);
  }

  @Then("{path} is a hard link of {path}")
  public void hardLinkOf(String path, String other) {
    FileStat a = existing(path);
    FileStat b = existing(other);
    assertThat(a.type()).as("type of %s", path).isEqualTo(FileType.REGULAR);
    assertThat(a.sameInode(b)).as("%s and %s should be the same inode", path, other).isTrue();
  }

  @Then("{path} has the same content as {path}")
  public void sameContent(String path, String other) {
    assertThat(existing(path).type()).as("type of %s", path).isEqualTo(FileType.REGULAR);
    assertThat(existing(path).sameInode(existing(other))).as("%s should be a copy, not a link", path).isFalse();
    assertThat(world.host.content(path)).isEqualTo(world.host.content(other));
  }

  @Then("{path} is a symlink to {string}")
  public void symlinkTo(String path, String target) {
    assertThat(existing(path).type()).as("type of %s", path).isEqualTo(FileType.SYMLINK);
    assertThat(world.host.readlink(path)).contains(target);
  }

  @Then("{path} does not exist")
  public void doesNotExist(String path) {
    assertThat(world.host.inspect(path)).as("%s should not exist", path).isEmpty();
  }

  @Then("{path} has {int} link(s)")
  public void linkCount(String path, int links) {
    assertThat(existing(path).nlink()).as("link count of %s", path).isEqualTo(links);
  }

  private List<String> changes() {
    return world.before().diff(world.host.state());
  }

  @Then("{path} is unchanged")
  public void unchanged(String path) {
    List<String> touching = changes().stream().filter(l -> HostState.within(HostState.pathOf(l), path)).toList();
    assertThat(touching).as("changes at or under %s", path).isEmpty();
    assertThat(world.host.inspect(path)).as("%s should still exist", path).isPresent();
  }

  @Then("the host is unchanged")
  public void hostUnchanged() {
    assertThat(changes()).as("changes to the host").isEmpty();
  }

  @Then("nothing outside {path} changed")
  public void nothingOutsideChanged(String area) {
    nothingOutsideChangedExcept(area, "");
  }

  /**
   * The paths listed are files the operation hard-links into the area (staging links the kernel,
   * initrd and drives): linking raises their link count, and that is all that may change unless
   * the entry says more — {@code PATH and its owner} (a drive given to the VM's uid),
   * {@code PATH and its owner and mode}. Any other change to them — content, type, the inode
   * itself, an owner not excepted — is a change outside the area as the jail invariant means it
   * (a chown through the link is a chown of the host's file).
   */
  @Then("nothing outside {path} changed except {string}")
  public void nothingOutsideChangedExcept(String area, String exceptions) {
    java.util.Map<String, Set<String>> allowed = new java.util.HashMap<>();
    Arrays.stream(exceptions.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(entry -> {
      String[] parts = entry.split(" and its ", 2);
      Set<String> fields = new HashSet<>(Set.of("nlink"));
      if (parts.length == 2) {
        for (String f : parts[1].split(" and ")) {
          if (!Set.of("owner", "mode").contains(f.strip())) {
            throw new IllegalArgumentException("\"" + entry + "\": after \"and its\" only owner and mode may be excepted, not \"" + f.strip() + "\"");
          }
          fields.add(f.strip());
        }
      }
      allowed.put(ParameterTypes.decodePath(parts[0].strip()), fields);
    });
    List<String> outside = new ArrayList<>();
    for (String line : changes()) {
      String p = HostState.pathOf(line);
      if (p.isEmpty() || HostState.within(p, area) || (allowed.containsKey(p) && onlyTheseChanged(line, allowed.get(p)))) {
        continue; // mount lines are checked by the mount steps, by mount point
      }
      outside.add(line);
    }
    assertThat(outside).as("changes outside %s (a path excepted may change only its link count, and what its entry names)", area).isEmpty();
    nothingMountedOutside(area);
  }

  /**
   * Whether a {@code ~ path: before => after} line differs only in {@code fields}: the
   * description starts {@code TYPE MODE UID:GID nlink=N ...} on both backends.
   */
  static boolean onlyTheseChanged(String diffLine, Set<String> fields) {
    if (!diffLine.startsWith("~ ")) {
      return false;
    }
    String change = diffLine.substring(diffLine.indexOf(": ") + 2);
    int arrow = change.indexOf(" => ");
    return arrow >= 0 && masked(change.substring(0, arrow), fields).equals(masked(change.substring(arrow + 4), fields));
  }

  private static List<String> masked(String description, Set<String> fields) {
    List<String> tokens = new ArrayList<>(Arrays.asList(description.split(" ")));
    if (tokens.size() < 4 || !tokens.get(3).startsWith("nlink=")) {
      throw new IllegalStateException("unexpected description of a path in the host's state: " + description);
    }
    if (fields.contains("mode")) tokens.set(1, "?");
    if (fields.contains("owner")) tokens.set(2, "?");
    tokens.set(3, "nlink=?");
    return tokens;
  }

  @Then("nothing is mounted outside {path}")
  public void nothingMountedOutside(String area) {
    Set<Integer> old = new HashSet<>();
    world.mountsBefore().forEach(m -> old.add(m.id()));
    List<MountState> now = world.host.mounts();
    List<String> outside = now.stream()
        .filter(m -> !old.contains(m.id()) && !HostState.within(m.mountPoint(), area))
        .map(MountState::mountPoint).toList();
    assertThat(outside).as("new mounts outside %s", area).isEmpty();
    Set<Integer> present = new HashSet<>();
    now.forEach(m -> present.add(m.id()));
    List<String> gone = world.mountsBefore().stream()
        .filter(m -> !present.contains(m.id()) && !HostState.within(m.mountPoint(), area))
        .map(MountState::mountPoint).toList();
    assertThat(gone).as("mounts outside %s that were detached", area).isEmpty();
  }

  @Then("nothing is mounted at or under {path}")
  public void nothingMountedUnder(String area) {
    assertThat(world.host.mounts().stream().filter(m -> HostState.within(m.mountPoint(), area)).map(MountState::mountPoint))
        .as("mounts at or under %s", area).isEmpty();
  }

  private MountState topMountAt(String path) {
    Optional<MountState> top = world.host.mounts().stream()
        .filter(m -> m.mountPoint().equals(path))
        .max(Comparator.comparingInt(MountState::id));
    assertThat(top).as("a mount at %s", path).isPresent();
    return top.get();
  }

  @Then("{path} is a private mount of {path}")
  public void privateMount(String path, String source) {
    MountState m = topMountAt(path);
    assertThat(m.source()).as("what the mount at %s shows", path).isEqualTo(source);
    assertThat(m.isPrivate()).as("the mount at %s is private", path).isTrue();
  }

  @Then("{path} is a read-only mount of {path}")
  public void readOnlyMount(String path, String source) {
    MountState m = topMountAt(path);
    assertThat(m.source()).as("what the mount at %s shows", path).isEqualTo(source);
    assertThat(m.readOnly()).as("the mount at %s is read-only", path).isTrue();
  }

  @Then("the mounts under {path} were detached in the order {string}")
  public void detachOrder(String root, String order) {
    List<String> expected = new ArrayList<>();
    for (String rel : order.split(",")) {
      String r = rel.strip();
      expected.add(r.equals(".") ? root : root + "/" + r);
    }
    assertThat(world.host.detached()).isEqualTo(expected);
  }

  @Then("at least {int} ms of host time have passed")
  public void atLeast(int ms) {
    assertThat(world.elapsedNanos()).isGreaterThanOrEqualTo(ms * 1_000_000L);
  }

  @Then("less than {int} ms of host time have passed")
  public void lessThan(int ms) {
    assertThat(world.elapsedNanos()).isLessThan(ms * 1_000_000L);
  }

  @Then("{int} ms of host time have passed")
  public void exactly(int ms) {
    assertThat(world.elapsedNanos()).isEqualTo(ms * 1_000_000L);
  }

  @Then("no command was run")
  public void noCommand() {
    assertThat(world.commandsSinceFirstWhen()).as("commands fcproc ran").isEmpty();
  }

  @Then("no command was run through sudo")
  public void noSudo() {
    assertThat(world.host.commandsRun().stream().filter(c -> c.startsWith("sudo "))).isEmpty();
  }
}
