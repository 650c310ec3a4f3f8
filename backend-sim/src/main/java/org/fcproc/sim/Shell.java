package org.fcproc.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.fcproc.host.CommandResult;
import org.fcproc.host.Credentials;
import org.fcproc.host.Errno;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.LinkInfo;

/**
 * The few commands fcproc runs, interpreted against the model with the caller's permissions:
 * {@code ip} (link, addr, tuntap), {@code pgrep}, {@code kill}, {@code chmod}, {@code chown},
 * and {@code sudo} in front of any of them (passwordless, so it simply runs the rest as root).
 * A command a test installed ({@link SimHost#installCommand}) is looked up first, by its exact
 * argv[0], after any {@code sudo} prefix. Anything else exits 127 as a shell reports a command it
 * cannot find.
 *
 * <p>{@code pgrep -f} matches a Java regular expression ({@code Matcher.find}) against the
 * command line, argv joined by spaces; procps uses POSIX extended regexps, which agree with
 * Java's on the patterns fcproc passes (socket paths).
 */
final class Shell {
  private final SimHost host;

  Shell(SimHost host) {
    this.host = host;
  }

  private static final class Out {
    final StringBuilder stdout = new StringBuilder();
    final StringBuilder stderr = new StringBuilder();
    int code;

    Out fail(int exit, String message) {
      code = exit;
      stderr.append(message).append('\n');
      return this;
    }
  }

  CommandResult run(List<String> argv, Access access) {
    Out out = new Out();
    dispatch(argv, access, Map.of(), out);
    return new CommandResult(argv, out.code, out.stdout.toString(), out.stderr.toString());
  }

  /**
   * @param env variables the command's process has besides the host's: {@code sudo} sets
   *     {@code SUDO_UID}, {@code SUDO_GID} and {@code SUDO_USER} (the invoking user's), as sudo(8)
   *     does, so a command run under sudo can tell who called it
   */
  private void dispatch(List<String> argv, Access access, Map<String, String> env, Out out) {
    if (argv.isEmpty()) {
      out.fail(127, "sh: empty command");
      return;
    }
    String cmd = argv.get(0);
    List<String> args = argv.subList(1, argv.size());
    java.util.Optional<SimCommand> installed = host.installedCommand(cmd);
    if (installed.isPresent()) {
      runInstalled(installed.get(), argv, access, env, out);
      return;
    }
    switch (cmd) {
      case "sudo" -> {
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty() && rest.get(0).startsWith("-")) {
          rest.remove(0); // -n, -E: no password is ever asked
        }
        Credentials invoker = access.credentials();
        Map<String, String> sudoEnv = Map.of("SUDO_UID", Integer.toString(invoker.uid()),
            "SUDO_GID", Integer.toString(invoker.gid()), "SUDO_USER", "uid" + invoker.uid());
        dispatch(rest, host.accessFor(Credentials.root()), sudoEnv, out);
      }
      case "ip", "/sbin/ip", "/usr/sbin/ip", "/bin/ip", "/usr/bin/ip" -> ip(args, access, out);
      case "pgrep", "/usr/bin/pgrep" -> pgrep(args, out);
      case "kill", "/bin/kill", "/usr/bin/kill" -> kill(args, access, out);
      case "chmod", "/bin/chmod", "/usr/bin/chmod" -> chmod(args, access, out);
      case "chown", "/bin/chown", "/usr/bin/chown" -> chown(args, access, out);
      default -> out.fail(127, cmd + ": command not found");
    }
  }

  /** An installed command ({@link SimHost#installCommand}): its handler, as its own process. */
  private void runInstalled(SimCommand command, List<String> argv, Access access, Map<String, String> env, Out out) {
    List<String> own = List.copyOf(argv);
    HostOps asCaller = host.as(access.credentials(), env);
    CommandResult r = host.outsideCall(() -> command.run(own, asCaller));
    if (r == null) {
      out.fail(1, argv.get(0) + ": the installed command returned no result");
      return;
    }
    out.code = r.exitCode();
    out.stdout.append(r.stdout());
    out.stderr.append(r.stderr());
  }

  // ---------------------------------------------------------------- ip

  private void ip(List<String> a, Access access, Out out) {
    String obj = a.isEmpty() ? "" : a.get(0);
    List<String> rest = a.isEmpty() ? List.of() : a.subList(1, a.size());
    String verb = rest.isEmpty() ? "show" : rest.get(0);
    List<String> args = rest.isEmpty() ? List.of() : stripDev(rest.subList(1, rest.size()));
    NetLinks links = host.netLinks();
    boolean changes = !(verb.equals("show") || verb.equals("list"));
    if (changes && !access.privileged()) {
      if (obj.equals("tuntap")) {
        out.fail(1, "ioctl(TUNSETIFF): Operation not permitted");
      } else {
        out.fail(2, "RTNETLINK answers: Operation not permitted");
      }
      return;
    }
    switch (obj + " " + verb) {
      case "link show", "link list" -> {
        if (args.isEmpty()) {
          for (LinkInfo l : links.all()) {
            out.stdout.append(links.describe(l.name()));
          }
        } else if (!links.exists(args.get(0))) {
          out.fail(1, "Device \"" + args.get(0) + "\" does not exist.");
        } else {
          out.stdout.append(links.describe(args.get(0)));
        }
      }
      case "link add" -> {
        List<String> b = new ArrayList<>(args);
        if (!b.isEmpty() && b.get(0).equals("name")) {
          b.remove(0);
        }
        int t = b.indexOf("type");
        if (b.isEmpty() || t < 0 || t + 1 >= b.size()) {
          out.fail(1, "Not enough information: \"type\" argument is required");
          return;
        }
        String name = b.get(0);
        LinkInfo.Kind kind = switch (b.get(t + 1)) {
          case "bridge" -> LinkInfo.Kind.BRIDGE;
          case "veth" -> LinkInfo.Kind.VETH;
          default -> LinkInfo.Kind.OTHER;
        };
        if (links.exists(name)) {
          out.fail(2, "RTNETLINK answers: File exists");
          return;
        }
        links.create(name, kind);
        int peer = b.indexOf("peer");
        if (kind == LinkInfo.Kind.VETH && peer >= 0 && peer + 2 < b.size() + 1) {
          String peerName = b.get(b.size() - 1);
          if (!links.exists(peerName)) {
            links.create(peerName, LinkInfo.Kind.VETH);
          }
        }
      }
      case "link del", "link delete" -> {
        if (args.isEmpty() || !links.exists(args.get(0))) {
          out.fail(1, "Cannot find device \"" + (args.isEmpty() ? "" : args.get(0)) + "\"");
          return;
        }
        links.delete(args.get(0));
      }
      case "link set" -> linkSet(args, links, out);
      case "addr add", "address add" -> {
        int dev = a.indexOf("dev");
        if (args.isEmpty() || dev < 0 || dev + 1 >= a.size()) {
          out.fail(1, "Not enough information: \"dev\" argument is required.");
          return;
        }
        String cidr = args.get(0);
        String name = a.get(dev + 1);
        if (!cidr.matches("\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?")) {
          out.fail(1, "Error: any valid prefix is expected rather than \"" + cidr + "\".");
          return;
        }
        if (!cidr.contains("/")) {
          cidr = cidr + "/32";
        }
        if (!links.exists(name)) {
          out.fail(1, "Cannot find device \"" + name + "\"");
          return;
        }
        if (!links.addAddress(name, cidr)) {
          out.fail(2, "RTNETLINK answers: File exists");
        }
      }
      case "tuntap add" -> {
        String name = args.isEmpty() ? "" : args.get(0);
        int mode = a.indexOf("mode");
        if (name.isEmpty() || mode < 0 || mode + 1 >= a.size() || !a.get(mode + 1).equals("tap")) {
          out.fail(1, "Usage: ip tuntap add dev NAME mode tap [user U] [group G]");
          return;
        }
        int owner = intAfter(a, "user");
        int group = intAfter(a, "group");
        if (links.exists(name)) {
          out.fail(1, "ioctl(TUNSETIFF): Device or resource busy");
          return;
        }
        links.createTap(name, owner, group);
      }
      default -> out.fail(1, "Object \"" + obj + "\" / command \"" + verb + "\" is unknown to the simulator, try \"ip help\".");
    }
  }

  private static int intAfter(List<String> a, String key) {
    int i = a.indexOf(key);
    if (i < 0 || i + 1 >= a.size()) {
      return -1;
    }
    String v = a.get(i + 1);
    return v.equals("root") ? 0 : Integer.parseInt(v);
  }

  private static List<String> stripDev(List<String> args) {
    if (!args.isEmpty() && args.get(0).equals("dev")) {
      return args.subList(1, args.size());
    }
    return args;
  }

  private void linkSet(List<String> args, NetLinks links, Out out) {
    if (args.isEmpty() || !links.exists(args.get(0))) {
      out.fail(1, "Cannot find device \"" + (args.isEmpty() ? "" : args.get(0)) + "\"");
      return;
    }
    String name = args.get(0);
    for (int i = 1; i < args.size(); i++) {
      switch (args.get(i)) {
        case "up" -> links.setUp(name, true);
        case "down" -> links.setUp(name, false);
        case "nomaster" -> links.setMaster(name, "");
        case "master" -> {
          String br = i + 1 < args.size() ? args.get(++i) : "";
          if (!links.exists(br)) {
            out.fail(1, "Device \"" + br + "\" does not exist.");
            return;
          }
          if (links.get(br).orElseThrow().kind() != LinkInfo.Kind.BRIDGE) {
            out.fail(2, "RTNETLINK answers: Invalid argument");
            return;
          }
          links.setMaster(name, br);
        }
        default -> {
          out.fail(1, "Error: argument \"" + args.get(i) + "\" is wrong: unknown to the simulator");
          return;
        }
      }
    }
  }

  // ---------------------------------------------------------------- processes

  private void pgrep(List<String> args, Out out) {
    boolean newest = false;
    boolean full = false;
    String pattern = null;
    for (String arg : args) {
      switch (arg) {
        case "-n" -> newest = true;
        case "-f" -> full = true;
        case "-nf", "-fn" -> {
          newest = true;
          full = true;
        }
        default -> pattern = arg;
      }
    }
    if (pattern == null) {
      out.fail(2, "pgrep: no matching criteria specified");
      return;
    }
    Pattern p;
    try {
      p = Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      out.fail(2, "pgrep: cannot compile regular expression '" + pattern + "'");
      return;
    }
    List<SimProcess> matches = new ArrayList<>();
    for (SimProcess proc : host.processTable().all()) {
      String subject = full ? String.join(" ", proc.argv) : comm(proc);
      if (p.matcher(subject).find()) {
        matches.add(proc);
      }
    }
    if (matches.isEmpty()) {
      out.code = 1;
      return;
    }
    if (newest) {
      SimProcess best = matches.get(0);
      for (SimProcess m : matches) {
        if (m.startTime > best.startTime || (m.startTime == best.startTime && m.pid > best.pid)) {
          best = m;
        }
      }
      out.stdout.append(best.pid).append('\n');
      return;
    }
    for (SimProcess m : matches) {
      out.stdout.append(m.pid).append('\n');
    }
  }

  /** The kernel's {@code comm}: the executable's base name, 15 bytes at most. */
  private static String comm(SimProcess p) {
    String first = p.argv.isEmpty() ? p.executable : p.argv.get(0);
    String base = first.substring(first.lastIndexOf('/') + 1);
    return base.length() > 15 ? base.substring(0, 15) : base;
  }

  private void kill(List<String> args, Access access, Out out) {
    int signal = 15;
    List<String> pids = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-s") && i + 1 < args.size()) {
        signal = signalNumber(args.get(++i));
      } else if (a.startsWith("-") && a.length() > 1) {
        signal = signalNumber(a.substring(1));
      } else {
        pids.add(a);
      }
    }
    if (signal < 0) {
      out.fail(1, "kill: invalid signal specification");
      return;
    }
    for (String pid : pids) {
      try {
        host.signal(new Op("kill", pid, access), Integer.parseInt(pid), signal);
      } catch (NumberFormatException e) {
        out.fail(1, "kill: failed to parse argument: '" + pid + "'");
      } catch (HostException e) {
        out.fail(1, "kill: (" + pid + ") - " + strerror(e.errno()));
      }
    }
  }

  private static int signalNumber(String s) {
    String n = s.startsWith("SIG") ? s.substring(3) : s;
    return switch (n) {
      case "KILL", "9" -> 9;
      case "TERM", "15" -> 15;
      case "INT", "2" -> 2;
      case "HUP", "1" -> 1;
      case "0" -> 0;
      default -> -1;
    };
  }

  // ---------------------------------------------------------------- files

  private void chmod(List<String> args, Access access, Out out) {
    List<String> ops = operands(args);
    if (ops.size() < 2 || !ops.get(0).matches("[0-7]{1,4}")) {
      out.fail(1, "chmod: the simulator takes an octal mode and paths");
      return;
    }
    int mode = Integer.parseInt(ops.get(0), 8);
    for (String path : ops.subList(1, ops.size())) {
      Op op = new Op("chmod", path, access);
      try {
        host.vfs().chmod(op, host.vfs().resolve(op, path, true), mode);
      } catch (HostException e) {
        out.fail(1, "chmod: " + verb(e) + " '" + path + "': " + strerror(e.errno()));
      }
    }
  }

  private void chown(List<String> args, Access access, Out out) {
    boolean noDereference = args.contains("-h");
    List<String> ops = operands(args);
    if (ops.size() < 2) {
      out.fail(1, "chown: missing operand");
      return;
    }
    String spec = ops.get(0);
    int uid;
    int gid = -1;
    try {
      String[] parts = spec.split(":", -1);
      uid = parts[0].isEmpty() ? -1 : id(parts[0]);
      if (parts.length > 1 && !parts[1].isEmpty()) {
        gid = id(parts[1]);
      }
    } catch (NumberFormatException e) {
      out.fail(1, "chown: invalid user: '" + spec + "'");
      return;
    }
    for (String path : ops.subList(1, ops.size())) {
      Op op = new Op(noDereference ? "lchown" : "chown", path, access);
      try {
        host.vfs().chown(op, host.vfs().resolve(op, path, !noDereference), uid, gid);
      } catch (HostException e) {
        out.fail(1, "chown: " + verb(e) + " '" + path + "': " + strerror(e.errno()));
      }
    }
  }

  private static int id(String s) {
    return s.equals("root") ? 0 : Integer.parseInt(s);
  }

  private static List<String> operands(List<String> args) {
    List<String> out = new ArrayList<>();
    boolean options = true;
    for (String a : args) {
      if (options && a.equals("--")) {
        options = false;
      } else if (options && a.startsWith("-") && a.length() > 1) {
        continue;
      } else {
        out.add(a);
      }
    }
    return out;
  }

  private static String verb(HostException e) {
    return e.is(Errno.ENOENT) || e.is(Errno.ENOTDIR) || e.is(Errno.ELOOP) ? "cannot access" : "changing";
  }

  /** {@code strerror(3)} for the errnos these commands can meet. */
  static String strerror(Errno e) {
    return switch (e) {
      case EPERM -> "Operation not permitted";
      case ENOENT -> "No such file or directory";
      case ESRCH -> "No such process";
      case EACCES -> "Permission denied";
      case EEXIST -> "File exists";
      case ENOTDIR -> "Not a directory";
      case EISDIR -> "Is a directory";
      case EINVAL -> "Invalid argument";
      case EROFS -> "Read-only file system";
      case ELOOP -> "Too many levels of symbolic links";
      case EOPNOTSUPP -> "Operation not supported";
      case EBUSY -> "Device or resource busy";
      default -> e.name();
    };
  }
}
