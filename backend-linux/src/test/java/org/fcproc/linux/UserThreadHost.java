package org.fcproc.linux;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;
import org.fcproc.host.HostException;
import org.fcproc.host.HostOps;
import org.fcproc.host.OpenHow;

/**
 * A {@link HostOps} of the real kernel that acts as another user, inside this (root) test JVM:
 * the testing / adversary facility of the permission contract.
 *
 * <p>Linux credentials are per thread at the syscall level. One dedicated platform thread drops
 * to {@code uid:gid} with the <em>raw</em> syscalls — {@code setgroups(0, NULL)}, {@code
 * setresgid(g, g, g)}, {@code setresuid(u, u, u)} — which, unlike glibc's wrappers, do not
 * broadcast to the other threads; it never regains root (all three uids are set, and the
 * capabilities go with uid 0). Every call of the view is then run on that thread through a
 * {@link LinuxHost}, and the caller waits for it; a {@link HostException} (or any other
 * exception) is rethrown as thrown. The rest of the JVM stays root. {@link #close()} ends the
 * thread.
 *
 * <p>Handles are file descriptors of the one process (the fd table is per process, not per
 * thread), so a handle root opened can be passed to the view and one the view opened can be used
 * by root: the kernel allows it. It grants nothing: a walk from it, a create in it, a chmod of
 * it are still checked against the credentials of the thread making the call.
 *
 * <p>Before dropping root the thread warms up (loads the classes a call needs): afterwards it
 * could not open a jar under {@code /root/.m2}.
 */
final class UserThreadHost implements InvocationHandler {
  /** The view: the host as that user, which must be closed. */
  interface View extends HostOps, AutoCloseable {
    /** Runs {@code task} on the user's thread and waits for it. */
    <T> T onThread(Callable<T> task) throws Exception;

    @Override
    void close();
  }

  private static final FutureTask<Object> STOP = new FutureTask<>(() -> null);

  private final LinuxHost host;
  private final BlockingQueue<FutureTask<?>> tasks = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  private UserThreadHost(LinuxHost host, int uid, int gid, CompletableFuture<Void> dropped) {
    this.host = host;
    this.thread = new Thread(() -> work(uid, gid, dropped), "fcproc-as-" + uid + ":" + gid);
    this.thread.setDaemon(true);
  }

  /**
   * A view of {@code host} acting as {@code uid:gid}, with no supplementary groups and no
   * capabilities.
   *
   * @throws IllegalStateException when the thread could not drop to those credentials
   */
  static View actingAs(LinuxHost host, int uid, int gid) throws Exception {
    CompletableFuture<Void> dropped = new CompletableFuture<>();
    UserThreadHost h = new UserThreadHost(host, uid, gid, dropped);
    h.thread.start();
    try {
      dropped.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not act as " + uid + ":" + gid + ": " + e.getCause().getMessage(),
          e.getCause());
    }
    return (View) Proxy.newProxyInstance(View.class.getClassLoader(), new Class<?>[] {View.class}, h);
  }

  private void work(int uid, int gid, CompletableFuture<Void> dropped) {
    try {
      warmUp();
      drop(uid, gid);
      String status = uidLine("/proc/thread-self/status");
      if (!status.matches("Uid:\\s+" + uid + "\\s+" + uid + "\\s+" + uid + "\\s+" + uid)) {
        throw new IllegalStateException("after the drop, /proc/thread-self/status says " + status);
      }
    } catch (Throwable t) {
      dropped.completeExceptionally(t);
      return;
    }
    dropped.complete(null);
    while (true) {
      FutureTask<?> task;
      try {
        task = tasks.take();
      } catch (InterruptedException e) {
        return;
      }
      if (task == STOP) {
        return;
      }
      task.run();
    }
  }

  /** Loads, as root, what the calls will need, so that no jar has to be opened afterwards. */
  private void warmUp() throws Exception {
    uidLine("/proc/thread-self/status");
    try {
      host.lstat("/nonexistent-fcproc-warm-up");
    } catch (HostException expected) {
      expected.errno();
    }
    try (var h = host.open("/", OpenHow.directoryNoFollow())) {
      host.fstat(h);
      host.statAt(h, "proc");
    }
    new FutureTask<>(() -> null).run();
  }

  /** The raw credential syscalls, on this thread only. */
  private static void drop(int uid, int gid) {
    long setgroups;
    long setresgid;
    long setresuid;
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    switch (arch) {
      case "amd64", "x86_64" -> {
        setgroups = 116;
        setresgid = 119;
        setresuid = 117;
      }
      case "aarch64" -> {
        setgroups = 159;
        setresgid = 149;
        setresuid = 147;
      }
      default -> throw new IllegalStateException("unsupported architecture: " + arch);
    }
    CredentialSyscalls sys = LibraryLoader.create(CredentialSyscalls.class).failImmediately()
        .load(Platform.getNativePlatform().getStandardCLibraryName());
    Runtime rt = Runtime.getRuntime(sys);
    if (sys.syscall(setgroups, 0, 0, 0) != 0) {
      throw new IllegalStateException("setgroups(0, NULL): errno " + rt.getLastError());
    }
    if (sys.syscall(setresgid, gid, gid, gid) != 0) {
      throw new IllegalStateException("setresgid: errno " + rt.getLastError());
    }
    if (sys.syscall(setresuid, uid, uid, uid) != 0) {
      throw new IllegalStateException("setresuid: errno " + rt.getLastError());
    }
  }

  /** The {@code Uid:} line (real, effective, saved, fs) of a {@code status} file of /proc. */
  static String uidLine(String statusFile) throws java.io.IOException {
    List<String> lines = Files.readAllLines(Path.of(statusFile), StandardCharsets.UTF_8);
    for (String line : lines) {
      if (line.startsWith("Uid:")) {
        return line.trim();
      }
    }
    throw new IllegalStateException("no Uid line in " + statusFile);
  }

  private <T> T submit(Callable<T> task) throws Exception {
    if (closed) {
      throw new IllegalStateException("the view acting as another user is closed");
    }
    if (Thread.currentThread() == thread) {
      return task.call();
    }
    FutureTask<T> f = new FutureTask<>(task);
    tasks.add(f);
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception) {
        throw (Exception) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw e;
    }
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    switch (method.getName()) {
      case "close":
        if (!closed) {
          closed = true;
          tasks.add(STOP);
          thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        return null;
      case "onThread":
        return submit((Callable<?>) args[0]);
      case "toString":
        if (method.getParameterCount() == 0) {
          return "linux acting as " + thread.getName().substring("fcproc-as-".length());
        }
        break;
      case "hashCode":
        if (method.getParameterCount() == 0) {
          return System.identityHashCode(proxy);
        }
        break;
      case "equals":
        if (method.getParameterCount() == 1) {
          return proxy == args[0];
        }
        break;
      default:
        break;
    }
    return submit(() -> {
      try {
        return method.invoke(host, args);
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception) {
          throw (Exception) cause;
        }
        throw (Error) cause;
      }
    });
  }
}
