package org.fcproc.linux.concurrency;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for firecracker light enough to run 200 at once: a small C program compiled at test
 * time with {@code gcc}, or, when there is no gcc, the same in {@code python3 -c}.
 *
 * <p>{@code fakefc --api-sock PATH --uid U --gid G [--ignore]}: drops to {@code U:G} (no
 * supplementary groups), makes the socket's directory ({@code mkdir}, 0755, so it is owned by
 * the VM's uid, as the jailed firecracker's would be), binds and listens on PATH, prints
 * {@code ready}, and serves one HTTP/1.1 request a connection: {@code PUT /actions} naming
 * {@code SendCtrlAltDel} gets {@code 204} and the process exits 0 (with {@code --ignore}: it
 * answers and keeps running, a guest that ignores the request); anything else a {@code 400} with
 * a {@code fault_message}; a connection closed without a request (the {@code SO_PEERCRED} probe
 * of {@code findPid}) is closed. The answers are micro-http's bytes: {@code HTTP/1.1 204 } (no
 * reason phrase), {@code Server: Firecracker API}, {@code Connection: keep-alive}, no
 * Content-Length on the 204; {@code Content-Type: application/json} and {@code Content-Length}
 * on the 400. Unlike Firecracker it closes the connection after the answer (one loop serves
 * 200 of them; fcproc never sends a second request on a connection). Its command line names PATH, as
 * firecracker's does. It leaves its socket inode behind when it exits, as firecracker does.
 */
final class TinyFirecracker {
  static final String C_SOURCE = """
      #define _GNU_SOURCE
      #include <errno.h>
      #include <grp.h>
      #include <signal.h>
      #include <stdio.h>
      #include <stdlib.h>
      #include <string.h>
      #include <sys/socket.h>
      #include <sys/stat.h>
      #include <sys/un.h>
      #include <unistd.h>

      static int write_all(int fd, const char *p, size_t n) {
        while (n > 0) {
          ssize_t w = write(fd, p, n);
          if (w < 0) { if (errno == EINTR) continue; return -1; }
          p += w; n -= (size_t) w;
        }
        return 0;
      }

      int main(int argc, char **argv) {
        const char *sock = NULL; long uid = -1, gid = -1; int ignore = 0;
        for (int i = 1; i < argc; i++) {
          if (!strcmp(argv[i], "--api-sock") && i + 1 < argc) sock = argv[++i];
          else if (!strcmp(argv[i], "--uid") && i + 1 < argc) uid = atol(argv[++i]);
          else if (!strcmp(argv[i], "--gid") && i + 1 < argc) gid = atol(argv[++i]);
          else if (!strcmp(argv[i], "--ignore")) ignore = 1;
          else { fprintf(stderr, "fakefc: unknown argument %s\\n", argv[i]); return 2; }
        }
        if (!sock) { fprintf(stderr, "fakefc: --api-sock PATH is required\\n"); return 2; }
        signal(SIGPIPE, SIG_IGN);
        if (gid >= 0 && (setgroups(0, NULL) || setgid((gid_t) gid))) { perror("fakefc: setgid"); return 3; }
        if (uid >= 0 && setuid((uid_t) uid)) { perror("fakefc: setuid"); return 3; }
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", sock);
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
          *slash = 0;
          if (mkdir(dir, 0755) && errno != EEXIST) { perror("fakefc: mkdir"); return 3; }
        }
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un a;
        memset(&a, 0, sizeof a);
        a.sun_family = AF_UNIX;
        if (strlen(sock) >= sizeof a.sun_path) { fprintf(stderr, "fakefc: socket path too long\\n"); return 3; }
        strcpy(a.sun_path, sock);
        if (s < 0 || bind(s, (struct sockaddr *) &a, sizeof a)) { perror("fakefc: bind"); return 3; }
        if (listen(s, 64)) { perror("fakefc: listen"); return 3; }
        printf("ready\\n");
        fflush(stdout);
        for (;;) {
          int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
          if (c < 0) { if (errno == EINTR) continue; perror("fakefc: accept"); return 4; }
          char buf[8192];
          size_t n = 0;
          int complete = 0;
          for (;;) {
            ssize_t r = read(c, buf + n, sizeof buf - 1 - n);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            n += (size_t) r;
            buf[n] = 0;
            char *end = strstr(buf, "\\r\\n\\r\\n");
            if (end) {
              long length = 0;
              char *h = strcasestr(buf, "\\r\\ncontent-length:");
              if (h && h < end) length = atol(h + 17);
              if ((long) (n - (size_t) (end + 4 - buf)) >= length) { complete = 1; break; }
            }
            if (n >= sizeof buf - 1) break;
          }
          if (!complete) { close(c); continue; }
          int cad = !strncmp(buf, "PUT /actions ", 13) && strstr(buf, "SendCtrlAltDel") != NULL;
          if (cad) {
            const char *ok = "HTTP/1.1 204 \\r\\nServer: Firecracker API\\r\\nConnection: keep-alive\\r\\n\\r\\n";
            write_all(c, ok, strlen(ok));
          } else {
            const char *body = "{\\"fault_message\\":\\"fake firecracker: unsupported request\\"}";
            char head[256];
            int hn = snprintf(head, sizeof head,
                "HTTP/1.1 400 \\r\\nServer: Firecracker API\\r\\nConnection: keep-alive\\r\\n"
                "Content-Type: application/json\\r\\nContent-Length: %zu\\r\\n\\r\\n", strlen(body));
            write_all(c, head, (size_t) hn);
            write_all(c, body, strlen(body));
          }
          close(c);
          if (cad && !ignore) return 0;
        }
      }
      """;

  static final String PYTHON_SOURCE = """
      import os, socket, sys
      a = sys.argv[1:]
      sock = None; uid = gid = -1; ignore = False; i = 0
      while i < len(a):
          if a[i] == '--api-sock': sock = a[i + 1]; i += 2
          elif a[i] == '--uid': uid = int(a[i + 1]); i += 2
          elif a[i] == '--gid': gid = int(a[i + 1]); i += 2
          elif a[i] == '--ignore': ignore = True; i += 1
          else: sys.exit('fakefc: unknown argument ' + a[i])
      if gid >= 0:
          os.setgroups([]); os.setgid(gid)
      if uid >= 0:
          os.setuid(uid)
      try:
          os.mkdir(os.path.dirname(sock), 0o755)
      except FileExistsError:
          pass
      s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
      s.bind(sock); s.listen(64)
      print('ready', flush=True)
      while True:
          c, _ = s.accept()
          data = b''; complete = False
          while True:
              r = c.recv(8192)
              if not r: break
              data += r
              head, sep, body = data.partition(b'\\r\\n\\r\\n')
              if sep:
                  length = 0
                  for line in head.split(b'\\r\\n')[1:]:
                      k, _, v = line.partition(b':')
                      if k.strip().lower() == b'content-length': length = int(v)
                  if len(body) >= length:
                      complete = True; break
          if not complete:
              c.close(); continue
          cad = data.startswith(b'PUT /actions ') and b'SendCtrlAltDel' in data
          if cad:
              c.sendall(b'HTTP/1.1 204 \\r\\nServer: Firecracker API\\r\\nConnection: keep-alive\\r\\n\\r\\n')
          else:
              body = b'{"fault_message":"fake firecracker: unsupported request"}'
              c.sendall(b'HTTP/1.1 400 \\r\\nServer: Firecracker API\\r\\nConnection: keep-alive\\r\\n'
                        b'Content-Type: application/json\\r\\nContent-Length: %d\\r\\n\\r\\n' % len(body) + body)
          c.close()
          if cad and not ignore:
              sys.exit(0)
      """;

  /** The command that runs the fake, before its arguments. */
  final List<String> command;
  /** How it was made, for the report. */
  final String kind;

  private TinyFirecracker(List<String> command, String kind) {
    this.command = command;
    this.kind = kind;
  }

  /**
   * Compiles the C fake into {@code dir} with gcc, or falls back to python3; empty (with the
   * reason in {@code why}) when neither is there or the compile fails.
   * {@code -Dfcproc.conc.fake=python} forces the python one.
   */
  static Optional<TinyFirecracker> make(Path dir, StringBuilder why) throws IOException, InterruptedException {
    boolean forcePython = "python".equals(System.getProperty("fcproc.conc.fake"));
    Optional<Path> gcc = onPath("gcc");
    if (gcc.isPresent() && !forcePython) {
      Path src = dir.resolve("fakefc.c");
      Path bin = dir.resolve("fakefc");
      Files.writeString(src, C_SOURCE, StandardCharsets.UTF_8);
      Process p = new ProcessBuilder(gcc.get().toString(), "-O2", "-Wall", "-o", bin.toString(), src.toString())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        why.append("gcc did not finish within 60 s; ");
      } else if (p.exitValue() != 0) {
        why.append("gcc failed (exit ").append(p.exitValue()).append("): ").append(out.strip()).append("; ");
      } else {
        return Optional.of(new TinyFirecracker(List.of(bin.toString()), "C, compiled with " + gcc.get()));
      }
    } else if (gcc.isEmpty()) {
      why.append("gcc not found on PATH; ");
    }
    Optional<Path> python = onPath("python3");
    if (python.isPresent()) {
      // The interpreter itself, not a launcher (a pyenv shim takes seconds to start, longer than
      // the socket hand-off waits), started with -S -E for a fast start.
      Process p = new ProcessBuilder(python.get().toString(), "-c", "import sys; print(sys.executable)").start();
      String exe = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor(60, TimeUnit.SECONDS);
      String interpreter = p.exitValue() == 0 && !exe.isEmpty() ? exe : python.get().toString();
      return Optional.of(new TinyFirecracker(List.of(interpreter, "-S", "-E", "-c", PYTHON_SOURCE), "python3 -S -E -c (" + interpreter + ")"));
    }
    why.append("python3 not found on PATH");
    return Optional.empty();
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String d : path.split(":")) {
      if (d.isEmpty()) {
        continue;
      }
      Path p = Path.of(d, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** A started fake and its output. */
  static final class Running {
    final Process process;
    final BufferedReader out;
    final String apiSock;

    Running(Process process, String apiSock) {
      this.process = process;
      this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.apiSock = apiSock;
    }

    /** Blocks until the fake says {@code ready} (it listens); fails with what it said instead. */
    void awaitReady() throws IOException {
      String line = out.readLine();
      if (!"ready".equals(line)) {
        StringBuilder rest = new StringBuilder(String.valueOf(line));
        String more;
        while ((more = out.readLine()) != null) {
          rest.append(" | ").append(more);
        }
        throw new AssertionError("fake firecracker for " + apiSock + " did not start: " + rest);
      }
    }

    int pid() {
      return Math.toIntExact(process.pid());
    }
  }

  Running start(String apiSock, int uid, int gid, boolean ignore) throws IOException {
    List<String> argv = new ArrayList<>(command);
    argv.addAll(List.of("--api-sock", apiSock, "--uid", Integer.toString(uid), "--gid", Integer.toString(gid)));
    if (ignore) {
      argv.add("--ignore");
    }
    return new Running(new ProcessBuilder(argv).redirectErrorStream(true).start(), apiSock);
  }
}
