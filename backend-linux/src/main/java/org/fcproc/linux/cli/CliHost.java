package org.fcproc.linux.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.fcproc.host.CommandResult;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.ProcessInfo;

/**
 * The host as the command line hands it to core: the Linux host with one adjustment that only a
 * command line needs. Every other call goes straight through; core's defences are unchanged.
 *
 * <ol>
 *   <li><b>{@code pgrep -n -f PATTERN} must not find fcproc itself.</b> {@code pgrep} leaves out
 *       only its own process, and this command line holds the very path it looks for
 *       ({@code fcproc vm pid --api-sock PATH}), so {@code -n} would pick the fcproc JVM (or the
 *       {@code sudo} that started it) as the newest match. The search is run without {@code -n},
 *       this process and its ancestors are dropped, and the newest of the rest (by start time)
 *       is returned, in pgrep's own output format and exit status. (Core's {@code findPid} is
 *       written for a long-running manager that never names a VM's socket on its own command
 *       line; {@code pgrep --ignore-ancestors} does the same but needs procps-ng 4.)
 * </ol>
 */
final class CliHost implements InvocationHandler {
  private final HostOps delegate;

  private CliHost(HostOps delegate) {
    this.delegate = delegate;
  }

  /** The real host, adjusted. (On another backend — a simulated host given to
   *  {@link Main#run(HostOps, String[], java.io.PrintStream, java.io.PrintStream)} — this JVM's
   *  pids mean nothing, and the host is used as it is.) */
  static HostOps wrap(HostOps delegate) {
    return (HostOps) Proxy.newProxyInstance(
        HostOps.class.getClassLoader(), new Class<?>[] {HostOps.class}, new CliHost(delegate));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    switch (method.getName()) {
      case "run":
        if (method.getParameterCount() == 1 && args[0] instanceof List<?> argv && isNewestPgrep(argv)) {
          return newestPgrep(argv);
        }
        break;
      case "toString":
        if (method.getParameterCount() == 0) {
          return "CliHost(" + delegate + ")";
        }
        break;
      default:
        break;
    }
    try {
      return method.invoke(delegate, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  static boolean isNewestPgrep(List<?> argv) {
    return !argv.isEmpty() && "pgrep".equals(argv.get(0)) && argv.contains("-n") && argv.contains("-f");
  }

  private CommandResult newestPgrep(List<?> argv) throws HostException {
    List<String> all = new ArrayList<>();
    for (Object a : argv) {
      if (!"-n".equals(a)) {
        all.add((String) a);
      }
    }
    CommandResult listed = delegate.run(all);
    List<String> original = new ArrayList<>();
    argv.forEach(a -> original.add((String) a));
    if (listed.exitCode() > 1) {
      return new CommandResult(original, listed.exitCode(), listed.stdout(), listed.stderr());
    }
    Set<Long> excluded = selfAndAncestors();
    int best = 0;
    long bestStart = -1;
    for (String line : listed.stdout().split("\n")) {
      line = line.strip();
      if (line.isEmpty()) {
        continue;
      }
      int pid;
      try {
        pid = Integer.parseInt(line);
      } catch (NumberFormatException e) {
        continue;
      }
      if (pid <= 0 || excluded.contains((long) pid)) {
        continue;
      }
      Optional<ProcessInfo> info = delegate.process(pid);
      if (info.isEmpty()) {
        continue; // gone since pgrep listed it
      }
      long start = info.get().startTime();
      if (start > bestStart || (start == bestStart && pid > best)) {
        best = pid;
        bestStart = start;
      }
    }
    if (best == 0) {
      return new CommandResult(original, 1, "", listed.stderr());
    }
    return new CommandResult(original, 0, best + "\n", listed.stderr());
  }

  private static Set<Long> selfAndAncestors() {
    Set<Long> pids = new HashSet<>();
    Optional<ProcessHandle> p = Optional.of(ProcessHandle.current());
    while (p.isPresent() && pids.add(p.get().pid())) {
      p = p.get().parent();
    }
    return pids;
  }
}
