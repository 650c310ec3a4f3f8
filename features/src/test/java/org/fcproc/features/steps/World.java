package org.fcproc.features.steps;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.fcproc.Config;
import org.fcproc.Fcproc;
import org.fcproc.features.driver.HostState;
import org.fcproc.features.driver.MountState;
import org.fcproc.features.driver.ScenarioHost;
import org.fcproc.features.driver.Backends;
import org.fcproc.host.Credentials;

/**
 * One scenario's state, shared by the step classes (PicoContainer makes one per scenario): the
 * host, who fcproc runs as and with what configuration, what the last operation did, and the
 * host's state just before the first operation — the "before" of every "unchanged".
 */
public final class World {
  /** The outcome of the last {@code When}: a value or a failure. */
  public record Outcome(Object value, Throwable error) {}

  /** An fcproc operation a {@code When} step performs. */
  public interface Operation {
    Object run(Fcproc fcproc) throws Exception;
  }

  final ScenarioHost host = Backends.create();

  Credentials caller = Credentials.root();
  /** Set when fcproc is the privileged helper serving this sudo caller (then {@link #caller} is root). */
  org.fcproc.SudoCaller sudoCaller;
  String firecrackerBin = "/usr/bin/firecracker";
  String bridgeName = "fcbr0";
  String bridgeIp = "172.16.0.1";
  String cidr = "24";
  String runtimeDir = "/run/fcproc";

  /** Every arrangement made so far, in order: replayed on a fresh host for each exploration run. */
  private final List<java.util.function.Consumer<ScenarioHost>> arrangements = new java.util.ArrayList<>();

  /** The fake firecracker serving each API socket, by socket path. */
  final Map<String, Integer> firecrackers = new HashMap<>();

  /** The moves scheduled inside the operation, checked after it and at the end of the scenario. */
  final AdversaryMoves moves = new AdversaryMoves();

  private Outcome outcome;
  private HostState before;
  private List<MountState> mountsBefore;
  private long startNanos;
  /** How many commands had run (the arrangements' own) before the first When. */
  private int commandsBefore;

  /**
   * Arranges the host: applies {@code step} now and remembers it, so that an exploration can build
   * the same host afresh for every run.
   */
  void arrange(java.util.function.Consumer<ScenarioHost> step) {
    step.accept(host);
    arrangements.add(step);
  }

  /** A fresh host of the same backend, arranged as this scenario's has been. */
  ScenarioHost rearranged() {
    ScenarioHost fresh = Backends.create();
    arrangements.forEach(a -> a.accept(fresh));
    return fresh;
  }

  Config config() {
    return new Config(firecrackerBin, bridgeName, bridgeIp, cidr, runtimeDir);
  }

  /**
   * fcproc as the scenario runs it: with {@link #caller}'s credentials — or, serving a sudo caller,
   * as the privileged helper does: root, confined to the policy it reads from the host now (so a
   * policy the host does not trust makes the operation refuse, as in the helper).
   */
  Fcproc fcproc() throws Exception {
    if (sudoCaller != null) {
      org.fcproc.host.HostOps root = host.as(Credentials.root());
      return Fcproc.forSudoCaller(root, config(), org.fcproc.HelperPolicy.load(root, org.fcproc.HelperPolicy.PATH), sudoCaller);
    }
    return Fcproc.create(host.as(caller), config());
  }

  /** Runs an operation, recording its outcome; the first one also records the host's state. */
  void act(Operation op) {
    if (before == null) {
      before = host.state();
      mountsBefore = host.mounts();
      startNanos = host.nanoTime();
      commandsBefore = host.commandsRun().size();
    }
    try {
      outcome = new Outcome(op.run(fcproc()), null);
    } catch (Exception e) {
      outcome = new Outcome(null, e);
    }
    moves.checkNoneFailed();
  }

  Outcome outcome() {
    return Objects.requireNonNull(outcome, "no operation has run yet: a Then needs a When before it");
  }

  HostState before() {
    return Objects.requireNonNull(before, "no operation has run yet: a Then needs a When before it");
  }

  List<MountState> mountsBefore() {
    before();
    return mountsBefore;
  }

  /** The commands run since the first When: fcproc's, not the arrangements'. */
  List<String> commandsSinceFirstWhen() {
    before();
    List<String> all = host.commandsRun();
    return all.subList(Math.min(commandsBefore, all.size()), all.size());
  }

  long elapsedNanos() {
    before();
    return host.nanoTime() - startNanos;
  }

  int firecrackerServing(String apiSock) {
    Integer pid = firecrackers.get(apiSock);
    if (pid == null) {
      throw new IllegalStateException("no firecracker was started for " + apiSock + " in this scenario");
    }
    return pid;
  }
}
