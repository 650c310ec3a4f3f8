package org.fcproc.linux.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.InvalidInputException;
import org.fcproc.NotReadyException;
import org.fcproc.host.Credentials;
import org.fcproc.host.Errno;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fcproc socket-dir ensure} and {@code fcproc socket chown}. */
final class SocketCommands {
  private SocketCommands() {}

  @Command(name = "socket-dir", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES,
      description = "The runtime socket directory.",
      subcommands = SocketDir.Ensure.class)
  static final class SocketDir {
    @Command(name = "ensure", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES,
        description = {
          "Seed: EnsureSocketDir. Create the runtime directory, mode 0700 (0711 as root), "
              + "and set the mode even if it existed. No symlink on the path is followed (one is "
              + "refused, exit 3)."
        })
    static final class Ensure implements Action {
      @Option(names = "--runtime-dir", paramLabel = "DIR", description = "The directory (runtime_dir, default /run/fcproc).")
      String runtimeDir;

      @Override
      public Result run(Session s) throws Exception {
        Config c = Session.with(s.config(), null, null, null, null, runtimeDir);
        Fcproc fc = s.fcproc(c);
        fc.ensureSocketDir();
        String mode = fc.host().credentials().isRoot() ? "0711" : "0700";
        return new Result("runtime dir " + c.runtimeDir() + " ready, mode " + mode)
            .put("runtime_dir", c.runtimeDir())
            .put("mode", mode);
      }
    }
  }

  @Command(name = "socket", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES,
      description = "Firecracker's API and vsock sockets.",
      subcommands = Socket.Chown.class)
  static final class Socket {
    @Command(name = "chown", mixinStandardHelpOptions = true, footer = FcprocCommand.EXIT_CODES, sortOptions = false,
        description = {
          "Seed: EnsureSocketAccess / EnsureSocketAccessFor(Async). Wait for each socket, "
              + "then give it to uid:gid (default: the caller's) with mode 0600, without "
              + "following a symlink. Refused (exit 3): a symlink, anything but a unix socket, a "
              + "socket with several hard links. Without --async the paths are handed off one "
              + "after the other (5s wait each); with --async all at once (3s), and the first "
              + "error is reported. --timeout replaces those waits."
        })
    static final class Chown implements Action {
      @Parameters(arity = "1..*", paramLabel = "PATH", description = "Socket paths.")
      List<String> paths = new ArrayList<>();

      @Option(names = "--uid", paramLabel = "N", description = "New owner uid (default: the caller's; with --gid).")
      Integer uid;

      @Option(names = "--gid", paramLabel = "N", description = "New owner gid (default: the caller's; with --uid).")
      Integer gid;

      @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
          description = "How long to wait for the sockets to appear: 500ms, 5s, 2m (default 5s, 3s with --async).")
      Duration timeout;

      @Option(names = "--async", description = "Hand off every path in parallel (EnsureSocketAccessForAsync).")
      boolean async;

      @Override
      public Result run(Session s) throws Exception {
        Owner owner = Owner.of(uid, gid);
        paths.forEach(Chown::checkShape);
        Fcproc fc = s.fcproc();
        Credentials me = fc.host().credentials();
        int u = owner == null ? me.uid() : owner.uid();
        int g = owner == null ? me.gid() : owner.gid();
        if (timeout != null) {
          awaitPresent(fc.host(), paths, timeout, async ? Duration.ofMillis(25) : Duration.ofMillis(100));
        }
        if (async) {
          try {
            fc.ensureSocketAccessForAsync(paths, u, g).get();
          } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
          }
        } else {
          for (String p : paths) {
            if (owner == null) {
              fc.ensureSocketAccess(p, "socket");
            } else {
              fc.ensureSocketAccessFor(p, "socket", u, g);
            }
          }
        }
        List<String> done = new ArrayList<>();
        paths.stream().filter(p -> !p.isBlank()).forEach(done::add);
        return new Result(done.size() + " socket(s) handed to " + u + ":" + g + ", mode 0600")
            .put("paths", done)
            .put("uid", u)
            .put("gid", g)
            .put("mode", "0600");
      }

      /**
       * Refuses (exit 2) a path no socket can have, for every path before the first wait. Core
       * checks a path only when it reaches it, so without this a 210-byte path would first be
       * waited for until {@code --timeout}, and the second path of a list only after the first
       * was waited for and handed off. The rules are core's for a socket path: absolute, no
       * empty, {@code .} or {@code ..} component, no trailing {@code /}, no NUL, and at most
       * {@value #MAX_SOCKET_PATH_BYTES} bytes ({@code sizeof(sun_path)} of {@code unix(7)} less
       * its NUL). Where the path lies (beneath a chroot or the runtime directory) core checks.
       * A blank path is left to core: the seed skips it in {@code --async}.
       */
      static void checkShape(String path) {
        if (path.isBlank()) {
          return;
        }
        String why = null;
        if (path.indexOf('\0') >= 0) {
          why = "contains a NUL byte";
        } else if (!path.startsWith("/")) {
          why = "is not absolute";
        } else if (path.length() > 1 && (path.endsWith("/")
            || java.util.Arrays.stream(path.substring(1).split("/", -1))
                .anyMatch(c -> c.isEmpty() || c.equals(".") || c.equals("..")))) {
          why = "has an empty, '.' or '..' component, or ends with '/'";
        } else {
          int bytes = path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
          if (bytes > MAX_SOCKET_PATH_BYTES) {
            why = "is " + bytes + " bytes; sun_path holds at most " + MAX_SOCKET_PATH_BYTES;
          }
        }
        if (why != null) {
          throw new InvalidInputException("socket path", "socket path " + Audit.quote(path) + " " + why);
        }
      }

      /** {@code sizeof(sun_path) - 1}: the NUL terminator needs the last byte. */
      static final int MAX_SOCKET_PATH_BYTES = 107;

      /**
       * {@code --timeout}: core's waits are fixed (5 s, 3 s async), so the command line waits
       * for the paths itself, with one deadline for all, before core's own wait (which then
       * finds them at once). It only looks ({@code lstat}, no symlink followed at the end); a
       * path that is not absolute is left to core to refuse.
       */
      private static void awaitPresent(HostOps host, List<String> paths, Duration timeout, Duration interval)
          throws NotReadyException, InterruptedException {
        long deadline = host.nanoTime() + timeout.toNanos();
        for (String p : paths) {
          if (p == null || p.isBlank() || !p.startsWith("/") || p.indexOf('\0') >= 0) {
            continue;
          }
          while (!present(host, p)) {
            if (host.nanoTime() > deadline) {
              throw new NotReadyException("socket", p);
            }
            host.sleep(interval);
          }
        }
      }

      private static boolean present(HostOps host, String path) {
        try {
          host.lstat(path);
          return true;
        } catch (HostException e) {
          return !e.is(Errno.ENOENT); // anything but ENOENT: let core look and report it
        }
      }
    }
  }
}
