package org.fcproc.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.fcproc.Fcproc;
import org.fcproc.bench.SimFixtures;
import org.fcproc.sim.SimHost;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Item 6 as JMH microbenchmarks: the simulated host, no root needed. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SimBenchmarks {

  /** Building the standard simulated host. */
  @Benchmark
  public SimHost newStandardHost() {
    return SimFixtures.beforeStaging();
  }

  /** A fresh host, fcproc stages the VM's chroot and cleans it up: one simulated scenario. */
  @Benchmark
  public SimHost stageAndCleanupScenario() throws Exception {
    SimHost h = SimFixtures.beforeStaging();
    Fcproc f = Fcproc.create(h, SimFixtures.CONFIG);
    f.prepareJailerChroot(SimFixtures.SPEC);
    f.cleanupJailerChroot(SimFixtures.CHROOT);
    return h;
  }
}
