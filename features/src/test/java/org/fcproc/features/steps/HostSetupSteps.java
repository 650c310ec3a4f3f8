package org.fcproc.features.steps;

import io.cucumber.java.en.Given;
import org.fcproc.features.driver.Owner;
import org.fcproc.features.driver.StandardLayout;
import org.fcproc.host.Credentials;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.Errno;
import org.fcproc.host.FileType;
import org.fcproc.host.Propagation;

/** Arranging the host and fcproc's configuration before it acts. */
public final class HostSetupSteps {
  private final World world;

  public HostSetupSteps(World world) {
    this.world = world;
  }

  @Given("a host with the standard layout")
  public void standardLayout() {
    world.arrange(StandardLayout::install);
  }

  @Given("fcproc runs as root")
  public void runsAsRoot() {
    world.caller = Credentials.root();
  }

  @Given("fcproc runs as uid {int} with sudo")
  public void runsWithSudo(int uid) {
    world.caller = new Credentials(uid, uid, uid);
  }

  @Given("fcproc is the privileged helper serving the sudo caller {owner}")
  public void helperForSudoCaller(Owner caller) {
    world.caller = Credentials.root();
    world.sudoCaller = new org.fcproc.SudoCaller(caller.uid(), caller.gid(), java.util.List.of());
  }

  @Given("the privileged helper's policy is:")
  public void helperPolicy(String text) {
    Owner root = Owner.parse("root");
    world.arrange(h -> {
      h.directory("/etc/fcproc", root, 0755);
      h.file(org.fcproc.HelperPolicy.PATH, root, 0644, text + "\n");
    });
  }

  @Given("the configured firecracker binary is {path}")
  public void configuredBinary(String path) {
    world.firecrackerBin = path;
  }

  @Given("the configured runtime directory is {path}")
  public void configuredRuntimeDir(String path) {
    world.runtimeDir = path;
  }

  @Given("the host allows hard links to files one does not own")
  public void protectedHardlinksOff() {
    world.arrange(h -> h.allowHardLinksToOthersFiles());
  }

  @Given("a directory {path} owned by {owner} with mode {mode}")
  public void directory(String path, Owner owner, int mode) {
    world.arrange(h -> h.directory(path, owner, mode));
  }

  @Given("{path} has mode {mode}")
  public void hasMode(String path, int mode) {
    world.arrange(h -> h.chmod(path, mode));
  }

  @Given("a file {path} owned by {owner} with mode {mode} containing {string}")
  public void file(String path, Owner owner, int mode, String content) {
    world.arrange(h -> h.file(path, owner, mode, content));
  }

  @Given("a symlink {path} pointing to {path}")
  public void symlink(String path, String target) {
    world.arrange(h -> h.symlink(path, target));
  }

  @Given("a hard link {path} to {path}")
  public void hardLink(String path, String existing) {
    world.arrange(h -> h.hardLink(path, existing));
  }

  @Given("a socket at {path} owned by {owner} with mode {mode}")
  public void socket(String path, Owner owner, int mode) {
    world.arrange(h -> h.socket(path, owner, mode));
  }

  @Given("a FIFO at {path} owned by {owner} with mode {mode}")
  public void fifo(String path, Owner owner, int mode) {
    world.arrange(h -> h.node(path, FileType.FIFO, DeviceNumber.NONE, owner, mode));
  }

  @Given("a block device {path} with number {device} owned by {owner} with mode {mode}")
  public void blockDevice(String path, DeviceNumber device, Owner owner, int mode) {
    world.arrange(h -> h.node(path, FileType.BLOCK_DEVICE, device, owner, mode));
  }

  @Given("{path} is bind-mounted at {path}")
  public void bindMounted(String source, String target) {
    world.arrange(h -> h.bindMount(source, target));
  }

  @Given("the mount at {path} is shared")
  public void shared(String path) {
    world.arrange(h -> h.propagation(path, Propagation.SHARED));
  }

  @Given("the mount at {path} is a slave")
  public void makeSlave(String path) {
    world.arrange(h -> h.propagation(path, Propagation.SLAVE));
  }

  @Given("the mount at {path} is private")
  public void makePrivate(String path) {
    world.arrange(h -> h.propagation(path, Propagation.PRIVATE));
  }

  @Given("{path} is removed")
  public void removed(String path) {
    world.arrange(h -> h.remove(path));
  }

  @Given("{path} is replaced by a symlink to {path}")
  public void replacedBySymlink(String path, String target) {
    world.arrange(h -> h.remove(path));
    world.arrange(h -> h.symlink(path, target));
  }

  @Given("detaching {path} fails with {errno}")
  public void detachFails(String mountPoint, Errno errno) {
    world.arrange(h -> h.failDetachOf(mountPoint, errno));
  }
}
