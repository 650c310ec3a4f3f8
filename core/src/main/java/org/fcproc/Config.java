package org.fcproc;

import java.util.Objects;

/**
 * The seed's {@code Config}: host networking and runtime paths. Fields are checked where they
 * are used, so that an operation that does not need a field does not fail on it (the seed's
 * {@code ResolveBinary} reports an empty binary in its own words, for example).
 *
 * @param firecrackerBin a path (containing {@code /}) or a bare name looked up on {@code PATH}
 * @param bridgeName the host bridge, e.g. {@code fcbr0}
 * @param bridgeIp the bridge's IPv4 address
 * @param cidr the prefix length, e.g. {@code 24}
 * @param runtimeDir the runtime socket directory
 */
public record Config(String firecrackerBin, String bridgeName, String bridgeIp, String cidr, String runtimeDir) {
  public Config {
    Objects.requireNonNull(firecrackerBin, "firecrackerBin (use \"\" for none)");
    Objects.requireNonNull(bridgeName, "bridgeName (use \"\" for none)");
    Objects.requireNonNull(bridgeIp, "bridgeIp (use \"\" for none)");
    Objects.requireNonNull(cidr, "cidr (use \"\" for none)");
    Objects.requireNonNull(runtimeDir, "runtimeDir (use \"\" for none)");
  }
}
