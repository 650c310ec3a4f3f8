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
 * @see #builder() the same fields by name, with the command line's defaults and a typed prefix length
 */
public record Config(String firecrackerBin, String bridgeName, String bridgeIp, String cidr, String runtimeDir) {
  public Config {
    Objects.requireNonNull(firecrackerBin, "firecrackerBin (use \"\" for none)");
    Objects.requireNonNull(bridgeName, "bridgeName (use \"\" for none)");
    Objects.requireNonNull(bridgeIp, "bridgeIp (use \"\" for none)");
    Objects.requireNonNull(cidr, "cidr (use \"\" for none)");
    Objects.requireNonNull(runtimeDir, "runtimeDir (use \"\" for none)");
  }

  /** A config starting from the command line's defaults: see {@link Builder}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The five fields by name, for code that embeds fcproc, starting from the {@code fcproc}
   * command line's defaults ({@code firecracker} on {@code PATH}, bridge {@code fcbr0} at
   * {@code 172.16.0.1/24}, runtime directory {@code /run/fcproc}), so that a library user and the
   * CLI agree unless told otherwise. The prefix length is an int and refused outside 0 to 32 here,
   * rather than as a string where the bridge is made.
   */
  public static final class Builder {
    private String firecrackerBin = "firecracker";
    private String bridgeName = "fcbr0";
    private String bridgeIp = "172.16.0.1";
    private int cidr = 24;
    private String runtimeDir = "/run/fcproc";

    private Builder() {}

    /** A path (containing {@code /}) or a bare name looked up on {@code PATH}. */
    public Builder firecrackerBin(String firecrackerBin) {
      this.firecrackerBin = Objects.requireNonNull(firecrackerBin, "firecrackerBin");
      return this;
    }

    /** The host bridge. */
    public Builder bridgeName(String bridgeName) {
      this.bridgeName = Objects.requireNonNull(bridgeName, "bridgeName");
      return this;
    }

    /** The bridge's IPv4 address. */
    public Builder bridgeIp(String bridgeIp) {
      this.bridgeIp = Objects.requireNonNull(bridgeIp, "bridgeIp");
      return this;
    }

    /** The prefix length, 0 to 32. */
    public Builder cidr(int prefixLength) {
      if (prefixLength < 0 || prefixLength > 32) {
        throw new InvalidInputException("cidr", "prefix length must be 0 to 32: " + prefixLength);
      }
      this.cidr = prefixLength;
      return this;
    }

    /** The runtime socket directory. */
    public Builder runtimeDir(String runtimeDir) {
      this.runtimeDir = Objects.requireNonNull(runtimeDir, "runtimeDir");
      return this;
    }

    /** The config, checked as the constructor checks it. */
    public Config build() {
      return new Config(firecrackerBin, bridgeName, bridgeIp, Integer.toString(cidr), runtimeDir);
    }
  }
}
