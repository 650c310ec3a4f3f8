package org.fcproc.linux.jail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fake firecracker, jailed the way Firecracker's jailer jails the real one, for the kernel tests
 * of fcproc's process identity: a small static C program compiled at test time with
 * {@code gcc -static} (it must run inside a chroot that holds nothing else).
 *
 * <p>{@code fakejail CHROOT ID [--new-pid-ns]}, run as root in the test JVM's throwaway mount
 * namespace, does what the jailer does before it exec's firecracker: {@code unshare(CLONE_NEWNS)},
 * makes every mount a slave ({@code MS_SLAVE|MS_REC}, so nothing it does reaches the test's
 * namespace), binds {@code CHROOT} on itself, {@code pivot_root}s into it with the old root at
 * {@code /old_root}, detaches ({@code MNT_DETACH}) and removes that, optionally makes a new pid
 * namespace and forks (the parent writes the pid and exits, as the jailer's does), writes its pid
 * (the host's) to {@code /firecracker.pid}, and exec's {@code /firecracker --id ID --api-sock
 * /run/firecracker.socket} — a copy of itself in the chroot, which then serves the API socket:
 * it prints {@code ready <pid>}, answers {@code PUT /actions} with {@code 204 No Content} and exits
 * 0 (with {@code FAKEFC_IGNORE} in its environment it answers and keeps running, a guest that
 * ignores Ctrl-Alt-Del), anything else with a 400, and closes a connection that sends nothing.
 * Like firecracker it leaves its socket behind when it exits.
 *
 * <p>Run as {@code fakejail --id ID --api-sock PATH} directly it is an unjailed fake whose command
 * line names {@code PATH}.
 */
public final class JailedFirecracker {
  static final String C_SOURCE = """
      #define _GNU_SOURCE
      #include <errno.h>
      #include <fcntl.h>
      #include <grp.h>
      #include <sched.h>
      #include <signal.h>
      #include <stdio.h>
      #include <stdlib.h>
      #include <string.h>
      #include <sys/mount.h>
      #include <sys/socket.h>
      #include <sys/stat.h>
      #include <sys/syscall.h>
      #include <sys/un.h>
      #include <sys/wait.h>
      #include <unistd.h>

      static void die(const char *what) { fprintf(stderr, "fakejail: %s: %s\\n", what, strerror(errno)); exit(3); }

      static int write_all(int fd, const char *p, size_t n) {
        while (n > 0) {
          ssize_t w = write(fd, p, n);
          if (w < 0) { if (errno == EINTR) continue; return -1; }
          p += w; n -= (size_t) w;
        }
        return 0;
      }

      /* The jailed firecracker: argv is "/firecracker --id ID --api-sock PATH". */
      static int serve(const char *sock) {
        signal(SIGPIPE, SIG_IGN);
        int ignore = getenv("FAKEFC_IGNORE") != NULL;
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", sock);
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) { *slash = 0; if (mkdir(dir, 0755) && errno != EEXIST) die("mkdir"); }
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un a;
        memset(&a, 0, sizeof a);
        a.sun_family = AF_UNIX;
        strcpy(a.sun_path, sock);
        if (s < 0 || bind(s, (struct sockaddr *) &a, sizeof a)) die("bind");
        if (listen(s, 64)) die("listen");
        printf("ready %d\\n", (int) getpid());
        fflush(stdout);
        for (;;) {
          int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
          if (c < 0) { if (errno == EINTR) continue; die("accept"); }
          char buf[8192]; size_t n = 0; int complete = 0;
          for (;;) {
            ssize_t r = read(c, buf + n, sizeof buf - 1 - n);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            n += (size_t) r; buf[n] = 0;
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
          int put = !strncmp(buf, "PUT /actions ", 13);
          if (put) {
            const char *ok = "HTTP/1.1 204 No Content\\r\\n\\r\\n";
            write_all(c, ok, strlen(ok));
          } else {
            const char *bad = "HTTP/1.1 400 Bad Request\\r\\nContent-Length: 0\\r\\n\\r\\n";
            write_all(c, bad, strlen(bad));
          }
          close(c);
          if (put && !ignore) return 0;
        }
      }

      int main(int argc, char **argv) {
        if (argc == 5 && !strcmp(argv[1], "--id") && !strcmp(argv[3], "--api-sock")) return serve(argv[4]);
        /* fakejail CHROOT ID [--new-pid-ns] [--uid U --gid G] */
        if (argc < 3) { fprintf(stderr, "usage: fakejail CHROOT ID [--new-pid-ns] [--uid U --gid G]\\n"); return 2; }
        const char *chroot = argv[1], *id = argv[2];
        int newpid = 0; long uid = -1, gid = -1;
        for (int i = 3; i < argc; i++) {
          if (!strcmp(argv[i], "--new-pid-ns")) newpid = 1;
          else if (!strcmp(argv[i], "--uid") && i + 1 < argc) uid = atol(argv[++i]);
          else if (!strcmp(argv[i], "--gid") && i + 1 < argc) gid = atol(argv[++i]);
          else { fprintf(stderr, "fakejail: unknown argument %s\\n", argv[i]); return 2; }
        }
        if (unshare(CLONE_NEWNS)) die("unshare(CLONE_NEWNS)");
        if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL)) die("mount / MS_SLAVE|MS_REC");
        if (mount(chroot, chroot, NULL, MS_BIND | MS_REC, NULL)) die("bind the chroot on itself");
        if (chdir(chroot)) die("chdir chroot");
        if (mkdir("old_root", 0700) && errno != EEXIST) die("mkdir old_root");
        if (syscall(SYS_pivot_root, ".", "old_root")) die("pivot_root");
        if (chdir("/")) die("chdir /");
        if (umount2("old_root", MNT_DETACH)) die("umount old_root");
        if (rmdir("old_root")) die("rmdir old_root");
        pid_t fc = getpid();
        int go[2] = {-1, -1};
        if (newpid) {
          if (pipe2(go, O_CLOEXEC)) die("pipe");
          if (unshare(CLONE_NEWPID)) die("unshare(CLONE_NEWPID)");
          fc = fork();
          if (fc < 0) die("fork");
        }
        if (fc != 0) {
          int f = open("/firecracker.pid", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
          if (f < 0) die("open /firecracker.pid");
          char text[32];
          int len = snprintf(text, sizeof text, "%d", (int) fc);
          if (write_all(f, text, (size_t) len) || close(f)) die("write /firecracker.pid");
          if (newpid) { if (write_all(go[1], "g", 1)) die("write go"); return 0; }
        } else {
          char b;
          close(go[1]);
          if (read(go[0], &b, 1) != 1) die("wait for the pid file");
        }
        if (gid >= 0 && (setgroups(0, NULL) || setgid((gid_t) gid))) die("setgid");
        if (uid >= 0 && setuid((uid_t) uid)) die("setuid");
        char *const fcargv[] = {"/firecracker", "--id", (char *) id, "--api-sock", "/run/firecracker.socket", NULL};
        execv("/firecracker", fcargv);
        die("exec /firecracker");
        return 3;
      }
      """;

  /** The compiled program. */
  final Path binary;

  private JailedFirecracker(Path binary) {
    this.binary = binary;
  }

  /**
   * Compiles the fake into {@code dir}. As root, a missing gcc or static libc fails the test (the
   * kernel tests must not skip as root): install gcc and libc6-dev.
   */
  public static JailedFirecracker compile(Path dir) throws IOException, InterruptedException {
    Path src = dir.resolve("fakejail.c");
    Path bin = dir.resolve("fakejail");
    Files.writeString(src, C_SOURCE, StandardCharsets.UTF_8);
    Process p;
    try {
      p = new ProcessBuilder("gcc", "-O2", "-Wall", "-static", "-o", bin.toString(), src.toString())
          .redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("gcc is needed to build the fake jailed firecracker (install gcc and libc6-dev): " + e, e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("gcc did not finish within 120 s");
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("gcc -static failed (exit " + p.exitValue() + "; a static libc is needed, libc6-dev): " + out);
    }
    return new JailedFirecracker(bin);
  }

  /** A jailed fake: the jailer process, the pid of its firecracker (the host's) and its output. */
  public static final class Jailed {
    public final Process jailer;
    public final int pid;
    public final Path chroot;
    public final Path apiSock;

    Jailed(Process jailer, int pid, Path chroot) {
      this.jailer = jailer;
      this.pid = pid;
      this.chroot = chroot;
      this.apiSock = chroot.resolve("run/firecracker.socket");
    }
  }

  /**
   * Copies the fake to {@code <chroot>/firecracker} and jails it there; returns once it listens.
   *
   * @param ignoreCtrlAltDel the guest ignores Ctrl-Alt-Del (it keeps running after the 204)
   */
  public Jailed jail(Path chroot, String id, boolean newPidNamespace, boolean ignoreCtrlAltDel) throws IOException {
    Files.createDirectories(chroot);
    Files.copy(binary, chroot.resolve("firecracker"), StandardCopyOption.REPLACE_EXISTING);
    List<String> argv = new ArrayList<>(List.of(binary.toString(), chroot.toString(), id));
    if (newPidNamespace) {
      argv.add("--new-pid-ns");
    }
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    if (ignoreCtrlAltDel) {
      pb.environment().put("FAKEFC_IGNORE", "1");
    }
    Process p = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null || !line.startsWith("ready ")) {
      StringBuilder rest = new StringBuilder(String.valueOf(line));
      String more;
      while ((more = out.readLine()) != null) {
        rest.append(" | ").append(more);
      }
      throw new AssertionError("the jailed fake firecracker in " + chroot + " did not start: " + rest);
    }
    int pid = Integer.parseInt(Files.readString(chroot.resolve("firecracker.pid"), StandardCharsets.US_ASCII).strip());
    return new Jailed(p, pid, chroot);
  }

  /** An unjailed fake serving {@code apiSock}, its command line {@code fakejail --id ID --api-sock PATH}. */
  Process serve(String id, Path apiSock) throws IOException {
    Process p = new ProcessBuilder(binary.toString(), "--id", id, "--api-sock", apiSock.toString())
        .redirectErrorStream(true).start();
    String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    if (line == null || !line.startsWith("ready ")) {
      throw new AssertionError("the fake firecracker for " + apiSock + " did not start: " + line);
    }
    return p;
  }
}
