@class:network
Feature: Bridge and TAP devices
  VMs reach the network through a TAP device enslaved to a host bridge. fcproc creates the
  bridge with `ip`, as the seed does, and the TAP through the tun driver's ioctls when it runs
  as root (`ip` through sudo otherwise); it never touches a link it was not asked to manage.

  Background:
    Given a host with the standard layout
    And fcproc runs as root

  @seed:EnsureBridge
  Scenario: A missing bridge is added, addressed and brought up
    When fcproc ensures the bridge
    Then the operation succeeds
    And the link "fcbr0" is a bridge that is up with the address "172.16.0.1/24"

  @seed:CreateTapOwned
  Scenario: A TAP is created for the daemon's uid, attached to the bridge and brought up
    Given the host has a bridge "fcbr0" that is down with the address "172.16.0.1/24"
    When fcproc creates the TAP "tap-vm1" owned by 1000:1000
    Then the operation succeeds
    And the link "tap-vm1" is a TAP owned by 1000:1000, attached to "fcbr0" and up
    And the link "fcbr0" is a bridge that is up with the address "172.16.0.1/24"

  @seed:CreateTap
  Scenario: A TAP created without an owner belongs to the caller
    Given the host has a bridge "fcbr0" that is down with the address "172.16.0.1/24"
    When fcproc creates the TAP "tap-vm1"
    Then the operation succeeds
    And the link "tap-vm1" is a TAP owned by 0:0, attached to "fcbr0" and up

  @input
  Scenario Outline: Bad network input is refused before the host is touched
    Given the host has a bridge "fcbr0" that is down with the address "172.16.0.1/24"
    When fcproc creates the TAP "<tap>" owned by <owner>
    Then the input is rejected with "<message>"
    And the host is unchanged
    And no command was run

    Examples:
      | tap                  | owner     | message                               |
      | tap with space       | 1000:1000 | contains '/', ':', white space        |
      | a-name-that-is-long  | 1000:1000 | is longer than 15 bytes               |
      | tap-vm1              | -1:1000   | uid: id is negative                   |
      | tap\nvm1             | 1000:1000 | white space or a control character    |
      | tap\tvm1             | 1000:1000 | white space or a control character    |

  @input
  Scenario Outline: A bad bridge configuration is refused before the host is touched
    Given the configured bridge is "<name>" with the address "<ip>" and prefix length "<cidr>"
    When fcproc ensures the bridge
    Then the input is rejected with "<message>"
    And the host is unchanged
    And the link "<name>" does not exist

    Examples:
      | name     | ip          | cidr | message                          |
      | br 0     | 172.16.0.1  | 24   | contains '/', ':', white space   |
      | br\n0    | 172.16.0.1  | 24   | white space or a control char    |
      | fcbr0    | 172.16.0.300| 24   | not a dotted-quad IPv4 address   |
      | fcbr0    | 172.16.0.1  | 33   | prefix length must be 0 to 32    |
      | fcbr0    | 172.16.0    | 24   | not a dotted-quad IPv4 address   |

  @N1
  Rule: A stale TAP of the same name was left by a crashed VM
    Invariant: The TAP is made again for the new owner, attached to the bridge and up.

    Scenario: A stale TAP from a crashed VM is recreated with the new owner
      Given the host has a bridge "fcbr0" that is down with the address "172.16.0.1/24"
      And the host has a TAP "tap-vm1" owned by 2000:2000 that is down
      When fcproc creates the TAP "tap-vm1" owned by 1000:1000
      Then the operation succeeds
      And the link "tap-vm1" is a TAP owned by 1000:1000, attached to "fcbr0" and up

  @N2
  Rule: The bridge exists but is down
    Invariant: The bridge is brought up and keeps exactly one address.

    @seed:EnsureBridge
    Scenario: An existing bridge that is down is only brought up
      Given the host has a bridge "fcbr0" that is down with the address "172.16.0.1/24"
      When fcproc ensures the bridge
      Then the operation succeeds
      And the link "fcbr0" is a bridge that is up with the address "172.16.0.1/24"
      And the link "fcbr0" has exactly 1 address

  @N3
  Rule: A link with the TAP's name exists and is not a TAP
    Invariant: Creating the TAP is refused and that link is left as it was.

    Scenario: A link of the TAP's name that is not a TAP is refused and left alone
      Given the host has a bridge "fcbr0" that is down with the address "172.16.0.1/24"
      And the host has a veth link "tap-vm1"
      When fcproc creates the TAP "tap-vm1" owned by 1000:1000
      Then the operation is refused because "a link of that name exists and is a veth, not a TAP"
      And the link "tap-vm1" is a veth link
