@class:binary
Feature: Resolving the firecracker binary
  The configured binary is either a path, which must exist, or a bare name looked up on PATH.
  Each way of failing has its own message, word for word the seed's.

  Background:
    Given a host with the standard layout
    And fcproc runs as root

  @seed:ResolveBinary
  Scenario: A configured path that exists is used as it is
    Given the configured firecracker binary is "/usr/bin/firecracker"
    When fcproc resolves the firecracker binary
    Then the resolved binary is "/usr/bin/firecracker"

  @seed:ResolveBinary
  Scenario: A bare name is found on PATH
    Given the configured firecracker binary is "firecracker"
    When fcproc resolves the firecracker binary
    Then the resolved binary is "/usr/bin/firecracker"

  @B1
  Rule: No firecracker binary is configured
    Invariant: An error that says no binary is configured, in the seed's words.

    Scenario: No binary configured
      Given the configured firecracker binary is ""
      When fcproc resolves the firecracker binary
      Then the operation fails with "firecracker binary not configured; install firecracker or set firecracker_bin"

  @B2
  Rule: The configured binary path does not exist
    Invariant: An error that names the missing path.

    Scenario: The configured path does not exist
      Given the configured firecracker binary is "/opt/fc/firecracker"
      When fcproc resolves the firecracker binary
      Then the operation fails with "firecracker binary not found at /opt/fc/firecracker; install firecracker or set firecracker_bin"

  @B3
  Rule: The configured bare name is not on PATH
    Invariant: An error that names the name looked for.

    Scenario: The bare name is not on PATH
      Given the configured firecracker binary is "firecracker-v2"
      When fcproc resolves the firecracker binary
      Then the operation fails with "firecracker binary \"firecracker-v2\" not found in PATH; install firecracker or set firecracker_bin"
