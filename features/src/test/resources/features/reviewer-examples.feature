Feature: Worked examples from the reviewer's guide
  The two attacks that features/REVIEWERS.md walks through, written with existing steps only.
  The guide quotes them word for word; a test keeps the two in step.

  Background:
    Given a host with the standard layout
    And fcproc runs as root

  @example
  Scenario: A FIFO and a device node planted in the chroot are removed without blocking
    Given a directory "/srv/jail/firecracker/vm1/root" owned by 1000:1000 with mode 0700
    And a FIFO at "/srv/jail/firecracker/vm1/root/pipe" owned by 1000:1000 with mode 0600
    And a block device "/srv/jail/firecracker/vm1/root/disk" with number 8:0 owned by root with mode 0660
    When fcproc cleans up the jailer chroot "/srv/jail/firecracker/vm1/root"
    Then the operation succeeds
    And "/srv/jail/firecracker/vm1/root" does not exist
    And nothing outside "/srv/jail/firecracker/vm1" changed

  @example
  Scenario: The socket's directory swapped for a symlink to /etc just as the hand-off starts
    Given a directory "/run/fcproc" owned by 1000:1000 with mode 0755
    And a directory "/run/fcproc/vm1" owned by 1000:1000 with mode 0755
    And a socket at "/etc/api.sock" owned by root with mode 0600
    And a firecracker socket at "/run/fcproc/vm1/api.sock"
    And the adversary swaps "/run/fcproc/vm1" for a symlink to "/etc" just before fcproc's first "openAt" call
    When fcproc hands the socket "/run/fcproc/vm1/api.sock" to 1000:1000
    Then the operation is refused because "it is a symlink"
    And "/etc" is unchanged
    And "/etc/api.sock" is unchanged
