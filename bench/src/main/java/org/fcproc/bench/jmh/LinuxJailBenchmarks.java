package org.fcproc.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.fcproc.ChrootSpec;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.bench.Floor;
import org.fcproc.bench.JailWorkspace;
import org.fcproc.bench.Namespace;
import org.fcproc.bench.SeedWay;
import org.fcproc.linux.LinuxHost;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Items 1 and 7 as JMH microbenchmarks: one VM's chroot staged and cleaned up on the kernel, by
 * fcproc, by the bare SPI calls (the floor), and by the seed's command sequence. Runs only inside
 * {@code bench/run}'s throwaway namespaces (the setup refuses otherwise); JMH's forked JVM
 * inherits them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LinuxJailBenchmarks {
  private Fcproc fc;
  private Floor floor;
  private SeedWay seed;
  private ChrootSpec fcSpec;
  private ChrootSpec floorSpec;
  private ChrootSpec seedSpec;

  @Setup
  public void setUp() throws Exception {
    String work = Namespace.work();
    LinuxHost host = LinuxHost.create();
    JailWorkspace ws = new JailWorkspace(host, work);
    fc = Fcproc.create(host, new Config("/usr/bin/firecracker", "fcbr0", "172.16.0.1", "24", work + "/run"));
    floor = new Floor(host);
    seed = new SeedWay(host);
    long tid = Thread.currentThread().getId();
    fcSpec = ws.spec("jmh-fc-" + tid);
    floorSpec = ws.spec("jmh-floor-" + tid);
    seedSpec = ws.spec("jmh-seed-" + tid);
  }

  @Benchmark
  public void fcproc() throws Exception {
    fc.prepareJailerChroot(fcSpec);
    fc.cleanupJailerChroot(fcSpec.chrootRoot());
  }

  @Benchmark
  public void floor() throws Exception {
    floor.stage(floorSpec);
    floor.cleanup(floorSpec.chrootRoot());
  }

  @Benchmark
  public void seed() throws Exception {
    seed.prepare(seedSpec);
    seed.cleanup(seedSpec.chrootRoot());
  }
}
