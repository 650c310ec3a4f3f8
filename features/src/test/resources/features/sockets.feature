@class:sockets
Feature: The runtime socket directory and the socket hand-off
  Firecracker creates its API and vsock sockets as root; the daemon (uid 1000) must be able to
  connect to them. fcproc gives each socket to the daemon's uid with mode 0600 — and never
  follows a symlink while doing so, or anything the daemon's uid planted at the path would
  become the daemon's.

  Background:
    Given a host with the standard layout
    And fcproc runs as root

  @seed:EnsureSocketDir
  Scenario: The runtime directory is created 0711 when fcproc runs as root
    When fcproc ensures the socket directory
    Then the operation succeeds
    And "/run/fcproc" is a directory owned by root with mode 0711

  @seed:EnsureSocketDir @sim-only
  Scenario: An existing runtime directory gets its mode set, 0700 when not root
    Given fcproc runs as uid 1000 with sudo
    And a directory "/home/dev/.run" owned by 1000:1000 with mode 0755
    And the configured runtime directory is "/home/dev/.run"
    When fcproc ensures the socket directory
    Then the operation succeeds
    And "/home/dev/.run" is a directory owned by 1000:1000 with mode 0700

  @seed:EnsureSocketDir
  Scenario: A symlink at the runtime directory is refused, not chmod-ed through
    Given a symlink "/run/fcproc" pointing to "/etc"
    When fcproc ensures the socket directory
    Then the operation is refused because "it is a symlink"
    And "/etc" is unchanged

  @seed:EnsureSocketAccessFor
  Scenario: A socket firecracker created as root is handed to the daemon's uid
    Given a firecracker socket at "/run/fcproc/vm1.sock"
    When fcproc hands the socket "/run/fcproc/vm1.sock" to 1000:1000
    Then the operation succeeds
    And "/run/fcproc/vm1.sock" is a socket owned by 1000:1000 with mode 0600

  @seed:EnsureSocketAccessFor
  Scenario: The hand-off waits for a socket that appears later
    Given a firecracker socket will appear at "/run/fcproc/vm1.sock" after 1200 ms
    When fcproc hands the socket "/run/fcproc/vm1.sock" to 1000:1000
    Then the operation succeeds
    And "/run/fcproc/vm1.sock" is a socket owned by 1000:1000 with mode 0600
    And at least 1200 ms of host time have passed

  @seed:EnsureSocketAccess @sim-only
  Scenario: Without an owner the socket is handed to fcproc's own uid, through sudo
    Given fcproc runs as uid 1000 with sudo
    And a firecracker socket at "/run/fcproc/vm1.sock"
    When fcproc hands the socket "/run/fcproc/vm1.sock" to itself
    Then the operation succeeds
    And "/run/fcproc/vm1.sock" is a socket owned by 1000:1000 with mode 0600

  @seed:EnsureSocketAccessForAsync
  Scenario: Several sockets are handed off in the background
    Given a firecracker socket at "/run/fcproc/vm1.sock"
    And a firecracker socket will appear at "/run/fcproc/vm1.vsock" after 500 ms
    When fcproc hands these sockets to 1000:1000 in the background:
      | /run/fcproc/vm1.sock  |
      |                       |
      | /run/fcproc/vm1.vsock |
    Then the operation succeeds
    And "/run/fcproc/vm1.sock" is a socket owned by 1000:1000 with mode 0600
    And "/run/fcproc/vm1.vsock" is a socket owned by 1000:1000 with mode 0600

  @seed:EnsureSocketAccessForAsync
  Scenario: With no paths to hand off the background hand-off is done at once
    When fcproc hands these sockets to 1000:1000 in the background:
      |  |
    Then the operation succeeds
    And less than 25 ms of host time have passed

  @input
  Scenario Outline: Bad socket paths are refused before the host is touched
    When fcproc hands the socket "<path>" to 1000:1000
    Then the input is rejected with "<message>"
    And the host is unchanged

    Examples:
      | path                                                                                                                | message                  |
      | run/fcproc/vm1.sock                                                                                                 | is not absolute          |
      | /run/fcproc/../vm1.sock                                                                                             | '..' component           |
      | /run/fcproc/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock | sun_path holds at most 107 |

  @input
  Scenario Outline: A bad runtime directory is refused before the host is touched
    Given the configured runtime directory is "<dir>"
    When fcproc ensures the socket directory
    Then the input is rejected with "<message>"
    And the host is unchanged

    Examples:
      | dir              | message          |
      | run/fcproc       | is not absolute  |
      | /run/../fcproc   | '..' component   |
      |                  | path is empty    |

  @input
  Scenario: A bad path among the background hand-off's is refused before anything is waited for
    Given a firecracker socket at "/run/fcproc/vm1.sock"
    When fcproc hands these sockets to 1000:1000 in the background:
      | /run/fcproc/vm1.sock |
      | relative/vm2.sock    |
    Then the input is rejected with "is not absolute"
    And the host is unchanged
    And less than 25 ms of host time have passed

  @S1
  Rule: A symlink at the socket path leads to a host secret
    Invariant: The hand-off stops, since what sits at the path is no unix socket, and the file
    the link names keeps its owner, mode and content.

    Scenario: A symlink to /etc/shadow at the socket path is refused
      Given a symlink "/run/fcproc/vm1.sock" pointing to "/etc/shadow"
      When fcproc hands the socket "/run/fcproc/vm1.sock" to 1000:1000
      Then the operation is refused because "not a unix socket (it is a symlink"
      And "/etc/shadow" is a file owned by root:shadow with mode 0640
      And "/etc/shadow" is unchanged

  @S2
  Rule: A symlink at the socket path leads to another root-owned socket
    Invariant: The hand-off stops; the socket the link names keeps its owner and mode.

    Scenario: A symlink to another root-owned socket is refused
      Given a socket at "/run/other.sock" owned by root with mode 0700
      And a symlink "/run/fcproc/vm1.sock" pointing to "/run/other.sock"
      When fcproc hands the socket "/run/fcproc/vm1.sock" to 1000:1000
      Then the operation is refused because "not a unix socket (it is a symlink"
      And "/run/other.sock" is unchanged

  @S3
  Rule: A directory on the way to the socket is a symlink to /etc
    Invariant: The walk to the socket follows no symlink: the hand-off stops and nothing under
    the link's target changes.

    Scenario: The socket's directory swapped for a symlink to /etc is refused
      Given a socket at "/etc/vm1.sock" owned by root with mode 0755
      And a directory "/run/fcproc" owned by 1000:1000 with mode 0755
      And a symlink "/run/fcproc/vms" pointing to "/etc"
      When fcproc hands the socket "/run/fcproc/vms/vm1.sock" to 1000:1000
      Then the operation is refused because "it is a symlink"
      And "/etc" is unchanged
      And "/etc/vm1.sock" is unchanged

  @S4
  Rule: A hard link to a root-owned file sits at the socket path
    Invariant: A regular file is no socket: the hand-off stops and the linked file keeps its
    owner, mode and content.

    Scenario: A hard link to a root-owned file at the socket path is refused
      Given the host allows hard links to files one does not own
      And a hard link "/run/fcproc/vm1.sock" to "/etc/shadow"
      When fcproc hands the socket "/run/fcproc/vm1.sock" to 1000:1000
      Then the operation is refused because "not a unix socket (it is a regular file"
      And "/etc/shadow" is unchanged

  @S5
  Rule: A second name for another root-owned socket sits at the socket path
    Invariant: A socket with more than one name is not the one firecracker made: the hand-off
    stops and the other socket is left as it was.

    Scenario: A hard link to another root-owned socket is refused
      Given a socket at "/run/other.sock" owned by root with mode 0700
      And a hard link "/run/fcproc/vm1.sock" to "/run/other.sock"
      When fcproc hands the socket "/run/fcproc/vm1.sock" to 1000:1000
      Then the operation is refused because "the socket has 2 hard links"
      And "/run/other.sock" is unchanged

  @S6
  Rule: A FIFO sits at the socket path
    Invariant: The hand-off stops at once, without opening the FIFO (an open would block), and
    the FIFO is left as it was.

    Scenario: A FIFO at the socket path is refused without blocking
      Given a FIFO at "/run/fcproc/vm1.sock" owned by 1000:1000 with mode 0644
      When fcproc hands the socket "/run/fcproc/vm1.sock" to 1000:1000
      Then the operation is refused because "not a unix socket (it is a FIFO"
      And less than 100 ms of host time have passed
      And "/run/fcproc/vm1.sock" is unchanged

  @S7
  Rule: A device node sits at the socket path
    Invariant: The hand-off stops and the node is left as it was.

    Scenario: A device node at the socket path is refused
      Given a block device "/run/fcproc/vm1.sock" with number 8:0 owned by root with mode 0660
      When fcproc hands the socket "/run/fcproc/vm1.sock" to 1000:1000
      Then the operation is refused because "not a unix socket (it is a block device"
      And "/run/fcproc/vm1.sock" is unchanged

  @S8
  Rule: A regular file sits at the socket path
    Invariant: The hand-off stops and the file is left as it was.

    Scenario: A regular file at the socket path is refused
      Given a file "/run/fcproc/vm1.sock" owned by 1000:1000 with mode 0644 containing "not a socket"
      When fcproc hands the socket "/run/fcproc/vm1.sock" to 1000:1000
      Then the operation is refused because "not a unix socket (it is a regular file"
      And "/run/fcproc/vm1.sock" is unchanged

  @S9
  Rule: The socket is replaced by a symlink after fcproc opened it
    Invariant: The inode fcproc checked is the inode it changes: the real socket goes to the
    daemon's uid, the symlink's target stays as it was.

    Scenario: The socket swapped for a symlink after it was opened: the real socket is handed off
      Given a directory "/run/fcproc" owned by 1000:1000 with mode 0755
      And a firecracker socket at "/run/fcproc/vm1.sock"
      And the adversary swaps "/run/fcproc/vm1.sock" for a symlink to "/etc/shadow" just before fcproc's first "fstat" call
      When fcproc hands the socket "/run/fcproc/vm1.sock" to 1000:1000
      Then the operation succeeds
      And "/run/fcproc/vm1.sock.orig" is a socket owned by 1000:1000 with mode 0600
      And "/run/fcproc/vm1.sock" is a symlink to "/etc/shadow"
      And "/etc/shadow" is unchanged

  @S10
  Rule: The socket never appears
    Invariant: The hand-off gives up when its 5 seconds of host time run out, with an error that
    names the path.

    Scenario: A socket that never appears times out after 5 seconds of host time
      When fcproc hands the socket "/run/fcproc/vm1.sock" to 1000:1000
      Then the operation fails with "firecracker socket not ready: /run/fcproc/vm1.sock: context deadline exceeded"
      And at least 5000 ms of host time have passed

  @S11
  Rule: Without root, through sudo, a symlink sits at the socket path
    Invariant: No command runs through sudo, and the symlink's target keeps its mode and owner.

    @sim-only
    Scenario: In sudo mode a symlink at the socket path is refused before any sudo chmod
      Seed-weak: the seed runs `sudo chmod 600 PATH` first, and chmod(1) follows the symlink, so
      /etc/shadow would become 0600 (and `chown -h` would then change only the link). fcproc checks
      the path through an O_PATH|O_NOFOLLOW handle before any sudo command.

      Given fcproc runs as uid 1000 with sudo
      And a symlink "/run/fcproc/vm1.sock" pointing to "/etc/shadow"
      When fcproc hands the socket "/run/fcproc/vm1.sock" to 1000:1000
      Then the operation is refused because "not a unix socket (it is a symlink"
      And "/etc/shadow" is unchanged
      And no command was run through sudo

  @S12
  Rule: One symlink among several sockets handed off in the background
    Invariant: Exactly one error, naming the bad path; every real socket is still handed off and
    the symlink's target stays as it was.

    Scenario: One symlink among three sockets gives one error naming it; the others are handed off
      Given a firecracker socket at "/run/fcproc/a.sock"
      And a symlink "/run/fcproc/b.sock" pointing to "/etc/shadow"
      And a firecracker socket at "/run/fcproc/c.sock"
      When fcproc hands these sockets to 1000:1000 in the background:
        | /run/fcproc/a.sock |
        | /run/fcproc/b.sock |
        | /run/fcproc/c.sock |
      Then the operation is refused because "not a unix socket (it is a symlink"
      And the error names "/run/fcproc/b.sock"
      And "/run/fcproc/a.sock" is a socket owned by 1000:1000 with mode 0600
      And "/run/fcproc/c.sock" is a socket owned by 1000:1000 with mode 0600
      And "/etc/shadow" is unchanged
