package org.fcproc;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The command line that starts Firecracker's jailer on a chroot fcproc staged: checked with the
 * same rules as staging, so that the chroot the jailer computes, {@code <--chroot-base-dir>/<exec
 * file name>/<--id>/root}, is the {@link JailPath} of the {@link ChrootSpec} that {@code jail
 * prepare} staged.
 *
 * <p>The arguments, as the jailer reads them (Firecracker's {@code src/jailer/src/main.rs}, the
 * argument list, and {@code env.rs}, {@code Env::new}; {@code docs/jailer.md}):
 *
 * <ul>
 *   <li>{@code --id}: the VM's id, the chroot's {@code <id>} directory and the cgroup's name. The
 *       jailer's {@code validate_instance_id} allows 1 to 64 alphanumerics and {@code -};
 *       {@link JailPath} allows ASCII ones only (what staging accepts).
 *   <li>{@code --exec-file}: the binary the jailer copies into the chroot and execs. The jailer
 *       canonicalises it and takes the file name of the result as the chroot's {@code <exec
 *       name>}: the path given here must therefore be the binary itself, not a symlink to a
 *       differently named file (this class cannot see the host; {@link ChrootSpec} requires the
 *       same file name).
 *   <li>{@code --uid}, {@code --gid}: the ids the jailer switches to before exec; it parses
 *       them as unsigned 32-bit numbers. Here: non-negative ({@link Inputs#id}).
 *   <li>{@code --chroot-base-dir}: the jail base (the jailer's default is {@code /srv/jailer}).
 *       The jailer canonicalises it, so it must hold no symlink — which staging refuses anyway.
 *       Always written, so the chroot never depends on the jailer's default.
 *   <li>{@code --cgroup-version 2}, {@code --parent-cgroup}, {@code --cgroup <file>=<value>}:
 *       cgroup v2 placement, written only when a parent cgroup or a cgroup setting is given (the
 *       jailer's default version is 1, which fcproc does not model). The jailer refuses a parent
 *       cgroup with a root, {@code .} or {@code ..} component ({@code CgroupInvalidParentPath});
 *       it splits a setting at {@code =} and refuses anything but exactly two parts with a
 *       non-empty value ({@code CgroupFormat}), and a file with a root, {@code .} or {@code ..}
 *       component ({@code CgroupInvalidFile}); v1 reads the controller as the text before the
 *       first {@code .}. Here, stricter: a relative parent of clean components, a file
 *       {@code <controller>.<knob>} of lower-case letters, digits and {@code _}, each setting at
 *       most once, and a value without white space (so {@code cpu.max}'s two-field form cannot
 *       be given; its one-field form sets the quota).
 *   <li>{@code --netns <path>}: the network namespace the jailer joins ({@code setns} on the
 *       opened file) before exec. Here: a name directly under {@code /run/netns} or
 *       {@code /var/run/netns}, where {@code ip netns add} binds them.
 *   <li>{@code --resource-limit <resource>=<value>}: {@code setrlimit} before exec; the jailer
 *       knows {@code fsize} and {@code no-file} and parses the value as an unsigned 64-bit
 *       number ({@code parse_resource_limits}). Here: each resource at most once, a value
 *       {@code >= 0}.
 *   <li>{@code --new-pid-ns}: exec into a new pid namespace (the jailer then writes the child's
 *       pid to {@code <exec name>.pid} in the chroot). {@code --daemonize}: {@code setsid} and
 *       standard I/O to {@code /dev/null} before exec.
 *   <li>after {@code --}: Firecracker's own arguments, passed through by the jailer, e.g.
 *       {@code --api-sock /run/firecracker.socket} (a path inside the chroot).
 * </ul>
 *
 * <p>The jailer's argument parser ({@code utils/src/arg_parser.rs}) takes an argument that begins
 * with {@code --} for the next option, not for the value of the one before it; so no value written
 * as an argument of its own may begin with {@code -} (one dash is refused too: it is an option to
 * most tools, and never needed). This is why an id that staging accepts, such as {@code -vm}, is
 * refused here.
 *
 * @param jailer the jailer binary, argv[0], an absolute path
 * @param id {@code --id}
 * @param execFile {@code --exec-file}, an absolute path
 * @param uid {@code --uid}
 * @param gid {@code --gid}
 * @param chrootBaseDir {@code --chroot-base-dir}, an absolute path other than {@code /}
 * @param parentCgroup {@code --parent-cgroup}, or {@code ""} for none
 * @param cgroups the {@code --cgroup} settings
 * @param netns {@code --netns}, or {@code ""} for none
 * @param resourceLimits the {@code --resource-limit} settings
 * @param newPidNs {@code --new-pid-ns}
 * @param daemonize {@code --daemonize}
 * @param firecrackerArgs Firecracker's arguments, after {@code --}
 */
public record JailerCommand(
    String jailer,
    String id,
    String execFile,
    int uid,
    int gid,
    String chrootBaseDir,
    String parentCgroup,
    List<Cgroup> cgroups,
    String netns,
    List<ResourceLimit> resourceLimits,
    boolean newPidNs,
    boolean daemonize,
    List<String> firecrackerArgs) {

  /** The directories {@code ip netns add} binds a named network namespace in. */
  public static final List<String> NETNS_DIRS = List.of("/run/netns", "/var/run/netns");

  public JailerCommand {
    Inputs.absolutePath("jailer", jailer);
    Inputs.absolutePath("exec file", execFile);
    // The jailer's chroot: the JailPath rules (jail base, exec name, id) in one place.
    new JailPath(chrootBaseDir, NoFollowPaths.leaf(execFile), id);
    notOption("id", id);
    Inputs.id("uid", uid);
    Inputs.id("gid", gid);
    Objects.requireNonNull(parentCgroup, "parentCgroup (use \"\" for none)");
    if (!parentCgroup.isEmpty()) {
      checkParentCgroup(parentCgroup);
    }
    cgroups = List.copyOf(cgroups);
    Set<String> files = new HashSet<>();
    for (Cgroup c : cgroups) {
      if (!files.add(c.file())) {
        throw new InvalidInputException("cgroup", "cgroup file " + RefusedException.quote(c.file()) + " is set twice");
      }
    }
    Objects.requireNonNull(netns, "netns (use \"\" for none)");
    if (!netns.isEmpty()) {
      checkNetns(netns);
    }
    resourceLimits = List.copyOf(resourceLimits);
    Set<String> resources = new HashSet<>();
    for (ResourceLimit r : resourceLimits) {
      if (!resources.add(r.resource())) {
        throw new InvalidInputException("resource limit", "resource " + RefusedException.quote(r.resource()) + " is limited twice");
      }
    }
    firecrackerArgs = List.copyOf(firecrackerArgs);
    for (String a : firecrackerArgs) {
      if (a.isEmpty() || a.indexOf('\0') >= 0) {
        throw new InvalidInputException("firecracker argument", "an argument is empty or holds a NUL byte");
      }
      Inputs.requireRepresentable("firecracker argument", "argument", a);
    }
  }

  /**
   * One {@code --cgroup <file>=<value>}: a cgroup v2 interface file of the VM's cgroup and what
   * the jailer writes to it.
   *
   * @param file {@code <controller>.<knob>}, e.g. {@code memory.max}
   * @param value e.g. {@code 536870912}
   */
  public record Cgroup(String file, String value) {
    public Cgroup {
      checkCgroupFile(file);
      if (value == null || value.isEmpty()) {
        throw new InvalidInputException("cgroup", "the value of cgroup file " + RefusedException.quote(file) + " is empty");
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (Character.isWhitespace(c) || c == '=' || c < 0x20 || c == 0x7f) {
          throw new InvalidInputException("cgroup", "the value " + RefusedException.quote(value) + " of cgroup file "
              + RefusedException.quote(file) + " holds white space, '=' or a control character (the jailer splits at '=')");
        }
      }
      notOption("cgroup", value);
      Inputs.requireRepresentable("cgroup", "value", value);
    }

    /** Parses {@code <file>=<value>}, as given to {@code --cgroup}. */
    public static Cgroup parse(String setting) {
      int eq = setting == null ? -1 : setting.indexOf('=');
      if (eq < 0) {
        throw new InvalidInputException("cgroup", RefusedException.quote(String.valueOf(setting))
            + " is not <controller>.<knob>=<value>");
      }
      return new Cgroup(setting.substring(0, eq), setting.substring(eq + 1));
    }

    /** The argument the jailer reads. */
    public String argument() {
      return file + "=" + value;
    }
  }

  /**
   * One {@code --resource-limit <resource>=<value>}: a {@code setrlimit} the jailer makes before
   * exec.
   *
   * @param resource {@code fsize} ({@code RLIMIT_FSIZE}, bytes) or {@code no-file}
   *     ({@code RLIMIT_NOFILE}, the jailer's default 2048)
   * @param value the limit, {@code >= 0}
   */
  public record ResourceLimit(String resource, long value) {
    /** The resources the jailer knows ({@code resource_limits.rs}). */
    public static final List<String> RESOURCES = List.of("fsize", "no-file");

    public ResourceLimit {
      if (!RESOURCES.contains(resource)) {
        throw new InvalidInputException("resource limit", "resource " + RefusedException.quote(String.valueOf(resource))
            + " is not one the jailer knows (" + String.join(", ", RESOURCES) + ")");
      }
      if (value < 0) {
        throw new InvalidInputException("resource limit", "the limit of " + resource + " is negative: " + value);
      }
    }

    /** Parses {@code <resource>=<value>}, as given to {@code --resource-limit}. */
    public static ResourceLimit parse(String setting) {
      int eq = setting == null ? -1 : setting.indexOf('=');
      if (eq < 0) {
        throw new InvalidInputException("resource limit", RefusedException.quote(String.valueOf(setting))
            + " is not <resource>=<value>");
      }
      String number = setting.substring(eq + 1);
      long value;
      try {
        value = number.matches("-?[0-9]{1,19}") ? Long.parseLong(number) : Long.MIN_VALUE;
      } catch (NumberFormatException e) {
        value = Long.MIN_VALUE;
      }
      if (value == Long.MIN_VALUE) {
        throw new InvalidInputException("resource limit", "the limit " + RefusedException.quote(number)
            + " is not a decimal number (0 to " + Long.MAX_VALUE + ")");
      }
      return new ResourceLimit(setting.substring(0, eq), value);
    }

    /** The argument the jailer reads. */
    public String argument() {
      return resource + "=" + value;
    }
  }

  /**
   * A builder starting from the staged chroot: the id, the exec file, the uid, the gid and the
   * jail base are the spec's, so the jailer's chroot is {@code spec.chrootRoot()}.
   */
  public static Builder builder(String jailer, ChrootSpec spec) {
    JailPath jail = spec.jailPath();
    return new Builder(jailer, jail.jailBase(), spec.firecrackerHostPath(), jail.id()).uid(spec.uid()).gid(spec.gid());
  }

  /**
   * A builder starting from a chroot and the exec file; the exec file's name must be the
   * chroot's exec name (the jailer names the directory after it). Set the uid and the gid.
   */
  public static Builder builder(String jailer, JailPath jail, String execFile) {
    Inputs.absolutePath("exec file", execFile);
    if (!NoFollowPaths.leaf(execFile).equals(jail.execName())) {
      throw new InvalidInputException("exec file", RefusedException.quote(execFile) + " is not named "
          + RefusedException.quote(jail.execName()) + ", the exec name of " + RefusedException.quote(jail.chrootRoot())
          + ": the jailer names the directory after the binary's file name");
    }
    return new Builder(jailer, jail.jailBase(), execFile, jail.id());
  }

  /** Builds a {@link JailerCommand}; {@link #build()} checks everything. */
  public static final class Builder {
    private final String jailer;
    private final String chrootBaseDir;
    private final String execFile;
    private final String id;
    private Integer uid;
    private Integer gid;
    private String parentCgroup = "";
    private final List<Cgroup> cgroups = new ArrayList<>();
    private String netns = "";
    private final List<ResourceLimit> resourceLimits = new ArrayList<>();
    private boolean newPidNs;
    private boolean daemonize;
    private final List<String> firecrackerArgs = new ArrayList<>();

    private Builder(String jailer, String chrootBaseDir, String execFile, String id) {
      this.jailer = jailer;
      this.chrootBaseDir = chrootBaseDir;
      this.execFile = execFile;
      this.id = id;
    }

    public Builder uid(int uid) {
      this.uid = uid;
      return this;
    }

    public Builder gid(int gid) {
      this.gid = gid;
      return this;
    }

    /** {@code --parent-cgroup}, relative to the cgroup v2 root, e.g. {@code fcproc}. */
    public Builder parentCgroup(String parentCgroup) {
      this.parentCgroup = Objects.requireNonNull(parentCgroup, "parentCgroup");
      return this;
    }

    /** One {@code --cgroup <file>=<value>}. */
    public Builder cgroup(String file, String value) {
      cgroups.add(new Cgroup(file, value));
      return this;
    }

    public Builder cgroup(Cgroup cgroup) {
      cgroups.add(Objects.requireNonNull(cgroup, "cgroup"));
      return this;
    }

    /** {@code --netns}, e.g. {@code /run/netns/vm1}. */
    public Builder netns(String netns) {
      this.netns = Objects.requireNonNull(netns, "netns");
      return this;
    }

    /** One {@code --resource-limit <resource>=<value>}. */
    public Builder resourceLimit(String resource, long value) {
      resourceLimits.add(new ResourceLimit(resource, value));
      return this;
    }

    public Builder resourceLimit(ResourceLimit limit) {
      resourceLimits.add(Objects.requireNonNull(limit, "limit"));
      return this;
    }

    public Builder newPidNs(boolean newPidNs) {
      this.newPidNs = newPidNs;
      return this;
    }

    public Builder daemonize(boolean daemonize) {
      this.daemonize = daemonize;
      return this;
    }

    /**
     * Firecracker's {@code --api-sock <path>}: the path inside the chroot (Firecracker runs in
     * it), e.g. {@code /run/firecracker.socket}; its host path, the chroot followed by it, is what
     * {@code socket chown} and {@code vm pid --api-sock} take.
     */
    public Builder apiSock(String pathInChroot) {
      Inputs.socketPath("api sock", pathInChroot);
      return firecrackerArgs("--api-sock", pathInChroot);
    }

    /**
     * Firecracker's {@code --config-file <path>}: a file inside the chroot, an absolute path or a
     * name (relative to the chroot's root, Firecracker's working directory).
     */
    public Builder configFile(String pathInChroot) {
      if (pathInChroot != null && pathInChroot.startsWith("/")) {
        Inputs.absolutePath("config file", pathInChroot);
      } else {
        Inputs.name("config file", pathInChroot);
        notOption("config file", pathInChroot);
      }
      return firecrackerArgs("--config-file", pathInChroot);
    }

    /** More of Firecracker's arguments, after {@code --}, as they are. */
    public Builder firecrackerArgs(String... args) {
      firecrackerArgs.addAll(List.of(args));
      return this;
    }

    public JailerCommand build() {
      if (uid == null) {
        throw new InvalidInputException("uid", "the uid is required");
      }
      if (gid == null) {
        throw new InvalidInputException("gid", "the gid is required");
      }
      return new JailerCommand(jailer, id, execFile, uid, gid, chrootBaseDir, parentCgroup, cgroups, netns,
          resourceLimits, newPidNs, daemonize, firecrackerArgs);
    }
  }

  /** The chroot the jailer computes, {@code <chroot base dir>/<exec file name>/<id>/root}. */
  public JailPath jailPath() {
    return new JailPath(chrootBaseDir, NoFollowPaths.leaf(execFile), id);
  }

  /** The command line, argv[0] the jailer. */
  public List<String> argv() {
    List<String> a = new ArrayList<>();
    a.add(jailer);
    a.add("--id");
    a.add(id);
    a.add("--exec-file");
    a.add(execFile);
    a.add("--uid");
    a.add(Integer.toString(uid));
    a.add("--gid");
    a.add(Integer.toString(gid));
    a.add("--chroot-base-dir");
    a.add(chrootBaseDir);
    if (!parentCgroup.isEmpty() || !cgroups.isEmpty()) {
      a.add("--cgroup-version");
      a.add("2");
    }
    if (!parentCgroup.isEmpty()) {
      a.add("--parent-cgroup");
      a.add(parentCgroup);
    }
    for (Cgroup c : cgroups) {
      a.add("--cgroup");
      a.add(c.argument());
    }
    if (!netns.isEmpty()) {
      a.add("--netns");
      a.add(netns);
    }
    for (ResourceLimit r : resourceLimits) {
      a.add("--resource-limit");
      a.add(r.argument());
    }
    if (newPidNs) {
      a.add("--new-pid-ns");
    }
    if (daemonize) {
      a.add("--daemonize");
    }
    if (!firecrackerArgs.isEmpty()) {
      a.add("--");
      a.addAll(firecrackerArgs);
    }
    return List.copyOf(a);
  }

  /** A value that is an argument of its own may not begin with '-' (see the class comment). */
  private static void notOption(String field, String value) {
    if (value.startsWith("-")) {
      throw new InvalidInputException(field, RefusedException.quote(value)
          + " begins with '-': the jailer would take it for an option, not a value");
    }
  }

  private static void checkParentCgroup(String parent) {
    if (parent.startsWith("/")) {
      throw new InvalidInputException("parent cgroup", RefusedException.quote(parent)
          + " is absolute: the jailer takes it relative to the cgroup v2 root and refuses a root component");
    }
    notOption("parent cgroup", parent);
    for (String component : parent.split("/", -1)) {
      if (component.isEmpty() || component.equals(".") || component.equals("..")) {
        throw new InvalidInputException("parent cgroup", RefusedException.quote(parent)
            + " has an empty, '.' or '..' component (the jailer refuses '.' and '..')");
      }
      Inputs.name("parent cgroup", component);
      for (int i = 0; i < component.length(); i++) {
        char c = component.charAt(i);
        if (Character.isWhitespace(c) || c < 0x20 || c == 0x7f) {
          throw new InvalidInputException("parent cgroup", RefusedException.quote(parent)
              + " holds white space or a control character");
        }
      }
    }
  }

  private static void checkCgroupFile(String file) {
    boolean ok = file != null && file.matches("[a-z][a-z0-9_]*\\.[a-z0-9_]+(\\.[a-z0-9_]+)*");
    if (!ok) {
      throw new InvalidInputException("cgroup", "cgroup file " + RefusedException.quote(String.valueOf(file))
          + " is not <controller>.<knob> (lower-case letters, digits and '_', e.g. memory.max)");
    }
  }

  private static void checkNetns(String netns) {
    Inputs.absolutePath("netns", netns);
    String dir = NoFollowPaths.parent(netns);
    if (!NETNS_DIRS.contains(dir)) {
      throw new InvalidInputException("netns", RefusedException.quote(netns)
          + " is not a named network namespace directly under " + String.join(" or ", NETNS_DIRS));
    }
    String name = NoFollowPaths.leaf(netns);
    Inputs.name("netns", name);
    notOption("netns", name);
  }
}
