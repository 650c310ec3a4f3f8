package org.fcproc.bench;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.fcproc.host.HostOps;

/**
 * A {@link HostOps} that is {@code delegate}, counting each SPI call and the wall time spent in
 * it: where a VM's staging and cleanup spend their time, for the report (not for the timed rows —
 * the proxy adds its own cost). Single-threaded use.
 */
final class CountingHost {
  private final Map<String, long[]> calls = new TreeMap<>();
  final HostOps host;

  CountingHost(HostOps delegate) {
    InvocationHandler h = (proxy, method, args) -> {
      long t0 = System.nanoTime();
      try {
        return method.invoke(delegate, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      } finally {
        long[] c = calls.computeIfAbsent(method.getName(), k -> new long[2]);
        c[0]++;
        c[1] += System.nanoTime() - t0;
      }
    };
    host = (HostOps) Proxy.newProxyInstance(HostOps.class.getClassLoader(), new Class<?>[] {HostOps.class}, h);
  }

  void reset() {
    calls.clear();
  }

  /** "N calls/VM, T ms/VM in calls; top: name n× t ms, ..." over {@code vms} VMs. */
  String summary(int vms, int top) {
    long n = calls.values().stream().mapToLong(c -> c[0]).sum();
    long t = calls.values().stream().mapToLong(c -> c[1]).sum();
    String topCalls = calls.entrySet().stream()
        .filter(e -> !e.getKey().equals("credentials") && !e.getKey().equals("name"))
        .sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[1]).reversed())
        .limit(top)
        .map(e -> String.format("%s %.0f× %.3f ms", e.getKey(), e.getValue()[0] / (double) vms, e.getValue()[1] / 1e6 / vms))
        .collect(Collectors.joining(", "));
    return String.format("%.0f SPI calls per VM taking %.2f ms; by time: %s", n / (double) vms, t / 1e6 / vms, topCalls);
  }
}
