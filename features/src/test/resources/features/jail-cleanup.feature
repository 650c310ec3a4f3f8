@class:jail-cleanup
Feature: Cleaning up the jailer chroot
  When a VM is gone, fcproc detaches every mount under its chroot and deletes the chroot. A
  bind mount left in place would make the delete reach into the host's own directories, so
  cleanup refuses rather than guess: every guard below stops the delete, and the host keeps
  every file it had. A mount that propagated to another namespace is out of any cleanup's
  reach, so that attack (C13) is stopped when the chroot is staged.

  Background:
    Given a host with the standard layout
    And fcproc runs as root

  @input
  Scenario Outline: A bad chroot path is refused before the host is touched
    When fcproc cleans up the jailer chroot "<chroot>"
    Then the input is rejected with "<message>"
    And the host is unchanged

    Examples:
      | chroot                            | message         |
      | srv/jail/firecracker/vm1/root     | is not absolute |
      | /srv/jail/firecracker/../vm1/root | '..' component  |
      | /srv/jail//firecracker/vm1/root   | empty, '.' or '..' component |

  @input
  Scenario Outline: Only a jailer chroot is cleaned up: anything else is invalid input
    Given a directory "/home/victim/.ssh" owned by 1001:1001 with mode 0700
    When fcproc cleans up the jailer chroot "<path>"
    Then the input is rejected with "is not a jailer chroot"
    And the host is unchanged

    Examples:
      | path                        |
      | /                           |
      | /home/victim                |
      | /home/victim/.ssh           |
      | /srv/jail/firecracker/vm1   |

  Scenario: The orphan sweep reclaims a VM whose process is gone
    Given a jailer chroot staged at "/srv/jail/firecracker/vm1/root" for 1000:1000
    When fcproc sweeps the firecracker base "/srv/jail/firecracker"
    Then the sweep reclaimed "/srv/jail/firecracker/vm1"
    And the sweep reclaimed "/srv/jail/firecracker/vm1/root/usr/lib"
    And "/srv/jail/firecracker/vm1" does not exist
    And nothing is mounted at or under "/srv/jail/firecracker"
    And nothing outside "/srv/jail/firecracker" changed except "/var/lib/fcproc/images/vmlinux, /var/lib/fcproc/images/initrd.img, /var/lib/fcproc/vms/vm1/rootfs.ext4"
    And no command was run

  @sim-only
  Scenario: The orphan sweep leaves a running VM alone
    Given a jailed firecracker with id "vm1" in the chroot "/srv/jail/firecracker/vm1/root"
    When fcproc sweeps the firecracker base "/srv/jail/firecracker"
    Then the sweep left "/srv/jail/firecracker/vm1" alone as alive
    And the sweep reclaimed nothing
    And the host is unchanged

  Scenario: The orphan sweep refuses a VM whose chroot is a symlink
    Given a directory "/srv/jail/firecracker/vm1" owned by 1000:1000 with mode 0755
    And a symlink "/srv/jail/firecracker/vm1/root" pointing to "/etc"
    When fcproc sweeps the firecracker base "/srv/jail/firecracker"
    Then the sweep refused "/srv/jail/firecracker/vm1/root" because "the chroot is a symlink"
    And the sweep reclaimed nothing
    And the host is unchanged

  @C1
  Rule: The chroot root is a symlink
    Invariant: Cleanup refuses and the host is left as it was.

    Scenario: A chroot root that is a symlink is refused
      Given a directory "/srv/jail/firecracker/vm1" owned by 1000:1000 with mode 0755
      And a symlink "/srv/jail/firecracker/vm1/root" pointing to "/usr/lib"
      When fcproc cleans up the jailer chroot "/srv/jail/firecracker/vm1/root"
      Then the operation is refused because "path is a symlink"
      And the host is unchanged

  @C2
  Rule: The chroot root is a regular file
    Invariant: Cleanup refuses and the host is left as it was.

    Scenario: A chroot root that is a regular file is refused
      Given a file "/srv/jail/firecracker/vm1/root" owned by 1000:1000 with mode 0644 containing "not a dir"
      When fcproc cleans up the jailer chroot "/srv/jail/firecracker/vm1/root"
      Then the operation is refused because "not a directory"
      And the host is unchanged

  @C3
  Rule: A directory above the chroot is a symlink to /
    Invariant: Cleanup refuses because the path leads somewhere else, and the host is left as it
    was.

    Scenario: An intermediate component that is a symlink to / is refused
      Given a directory "/srv/jail/firecracker" owned by root with mode 0711
      And a symlink "/srv/jail/firecracker/vm1" pointing to "/"
      When fcproc cleans up the jailer chroot "/srv/jail/firecracker/vm1/root"
      Then the operation is refused because "it resolves elsewhere"
      And the host is unchanged

  @C4
  Rule: The chroot is swapped for a symlink to / just after its checks
    Invariant: Cleanup notices the swap and refuses; nothing outside the per-VM directory is
    deleted or changed.

    Scenario: The chroot swapped for a symlink to / right after the symlink checks: nothing outside is deleted
      A chroot that is a mount point cannot be renamed (EBUSY), so the adversary swaps one whose
      mounts are already gone, as after a crash.

      Given a directory "/srv/jail/firecracker/vm1" owned by 1000:1000 with mode 0755
      And a directory "/srv/jail/firecracker/vm1/root/run" owned by 1000:1000 with mode 0755
      And the adversary swaps "/srv/jail/firecracker/vm1/root" for a symlink to "/" just before fcproc's first "mountInfo" call
      When fcproc cleans up the jailer chroot "/srv/jail/firecracker/vm1/root"
      Then the operation is refused because "it was replaced during cleanup"
      And nothing outside "/srv/jail/firecracker/vm1" changed

    Scenario: The chroot swapped for a symlink to / between the detach and the delete: nothing outside is deleted
      Cleanup reads the mount table twice: before detaching, and again before the delete to see
      that nothing was mounted meanwhile. The swap comes just before the second reading.

      Given a directory "/srv/jail/firecracker/vm1" owned by 1000:1000 with mode 0755
      And a directory "/srv/jail/firecracker/vm1/root/run" owned by 1000:1000 with mode 0755
      And the adversary swaps "/srv/jail/firecracker/vm1/root" for a symlink to "/" just before fcproc's 2nd "mountInfo" call
      When fcproc cleans up the jailer chroot "/srv/jail/firecracker/vm1/root"
      Then the operation is refused because "it was replaced during cleanup"
      And nothing outside "/srv/jail/firecracker/vm1" changed

  @C5
  Rule: A bind mount of a host directory cannot be detached
    Invariant: The delete never starts: the host directory stays mounted and every file in it is
    kept.

    @sim-only
    Scenario: A bind mount of a host directory that cannot be detached stops the delete
      Given a jailer chroot staged at "/srv/jail/firecracker/vm1/root" for 1000:1000
      And detaching "/srv/jail/firecracker/vm1/root/usr/lib" fails with EBUSY
      When fcproc cleans up the jailer chroot "/srv/jail/firecracker/vm1/root"
      Then the operation fails with "detach \"/srv/jail/firecracker/vm1/root/usr/lib\""
      And the error says "EBUSY"
      And "/srv/jail/firecracker/vm1/root/usr/lib" is a read-only mount of "/usr/lib"
      And "/usr/lib" is unchanged
      And "/usr/lib/libc.so.6" is unchanged

  @C6
  Rule: The host's / is bind-mounted inside the chroot
    Invariant: The mount is detached before anything is deleted, and nothing outside the per-VM
    directory changes.

    Scenario: / bind-mounted inside the chroot is detached, and nothing of / is deleted
      Given a directory "/srv/jail/firecracker/vm1/root/hostroot" owned by 1000:1000 with mode 0755
      And "/" is bind-mounted at "/srv/jail/firecracker/vm1/root/hostroot"
      When fcproc cleans up the jailer chroot "/srv/jail/firecracker/vm1/root"
      Then the operation succeeds
      And "/srv/jail/firecracker/vm1/root" does not exist
      And nothing outside "/srv/jail/firecracker/vm1" changed

  @C7
  Rule: A mount appears inside the chroot after the detach loop
    Invariant: The delete stops at the new mount, and the host tree it shows is left as it was.

    Scenario: A mount appearing inside the chroot after the detach loop stops the delete
      Given a jailer chroot staged at "/srv/jail/firecracker/vm1/root" for 1000:1000
      And "/etc" is bind-mounted at "/srv/jail/firecracker/vm1/root/dev" just before fcproc's first "readDir" call
      When fcproc cleans up the jailer chroot "/srv/jail/firecracker/vm1/root"
      Then the operation is refused because "a mount appeared there during cleanup"
      And "/etc" is unchanged
      And "/etc/shadow" is unchanged

  @C8
  Rule: A mount's path holds a space and a newline
    Invariant: The mount is found in the mount table with its escapes decoded, detached, and the
    chroot removed.

    Scenario: A mount whose path holds a space and a newline is found and detached
      Given a directory "/srv/jail/firecracker/vm1/root/odd name\nhere" owned by 1000:1000 with mode 0755
      And "/usr/lib" is bind-mounted at "/srv/jail/firecracker/vm1/root/odd name\nhere"
      When fcproc cleans up the jailer chroot "/srv/jail/firecracker/vm1/root"
      Then the operation succeeds
      And nothing is mounted at or under "/srv/jail/firecracker/vm1/root"
      And "/srv/jail/firecracker/vm1/root" does not exist
      And "/usr/lib/libc.so.6" is unchanged

  @C9
  Rule: Mounts nest: the library binds sit under the chroot's bind onto itself
    Invariant: Every mount is detached, deepest first, before the chroot is removed; the host's
    libraries are left as they were.

    @seed:CleanupJailerChroot
    Scenario: A staged chroot is detached deepest-first and deleted
      Given a jailer chroot staged at "/srv/jail/firecracker/vm1/root" for 1000:1000
      When fcproc cleans up the jailer chroot "/srv/jail/firecracker/vm1/root"
      Then the operation succeeds
      And nothing is mounted at or under "/srv/jail/firecracker/vm1/root"
      And "/srv/jail/firecracker/vm1/root" does not exist
      And "/srv/jail/firecracker/vm1" is a directory owned by 1000:1000 with mode 0755
      And "/usr/lib/libc.so.6" is unchanged
      And "/var/lib/fcproc/images/vmlinux" is a file owned by root with mode 0644
      And the mounts under "/srv/jail/firecracker/vm1/root" were detached in the order "usr/lib64, usr/lib, ."

  @C10
  Rule: The chroot is already gone
    Invariant: Cleanup succeeds and changes nothing.

    Scenario: A chroot that is already gone is success
      When fcproc cleans up the jailer chroot "/srv/jail/firecracker/vm1/root"
      Then the operation succeeds
      And the host is unchanged

  @C11
  Rule: Two cleanups of one chroot run at the same time
    Invariant: Both succeed, and neither the chroot nor any of its mounts is left.

    Scenario: Two cleanups of one chroot at once both end well
      Given a jailer chroot staged at "/srv/jail/firecracker/vm1/root" for 1000:1000
      And another cleanup of "/srv/jail/firecracker/vm1/root" runs just before fcproc's first "unlinkAt" call
      When fcproc cleans up the jailer chroot "/srv/jail/firecracker/vm1/root"
      Then the operation succeeds
      And the other cleanup succeeded
      And "/srv/jail/firecracker/vm1/root" does not exist
      And nothing is mounted at or under "/srv/jail/firecracker/vm1/root"

  @C12
  Rule: A symlink inside the chroot points at a host directory
    Invariant: The link is removed; the directory it names and everything in it are left as they
    were.

    Scenario: A symlink inside the chroot to a host directory is removed, its target kept
      Given a directory "/srv/jail/firecracker/vm1/root" owned by 1000:1000 with mode 0700
      And a symlink "/srv/jail/firecracker/vm1/root/escape" pointing to "/etc"
      When fcproc cleans up the jailer chroot "/srv/jail/firecracker/vm1/root"
      Then the operation succeeds
      And "/srv/jail/firecracker/vm1/root" does not exist
      And "/etc" is unchanged
      And "/etc/shadow" is unchanged

  @C13
  Rule: The host's / is a shared mount
    Invariant: No mount made for the VM reaches another mount namespace: staging on a shared
    mount stops, and from a slave mount nothing propagates back.

    Scenario: Staging on a shared mount is refused, so nothing propagates to its peers
      Seed-weak: the seed binds the chroot onto itself and makes it private afterwards; by then the
      bind has been copied to every peer of the shared mount (other mount namespaces, the host's),
      and the cleanup's detach of the now-private mount does not reach those copies.

      Given the mount at "/" is shared
      And a directory "/mnt/peer" owned by root with mode 0755
      And "/srv" is bind-mounted at "/mnt/peer"
      When fcproc stages the jailer chroot "/srv/jail/firecracker/vm1/root" for 1000:1000 with:
        | kernel | /var/lib/fcproc/images/vmlinux | vmlinux |
      Then the operation is refused because "it is on a shared mount"
      And nothing is mounted outside "/srv/jail/firecracker/vm1/root"
      And nothing is mounted at or under "/mnt/peer/jail"

    Scenario: Made a slave, as in a service with PrivateMounts=yes, a shared host's / propagates nothing back
      Given the mount at "/" is shared
      And a directory "/mnt/peer" owned by root with mode 0755
      And "/srv" is bind-mounted at "/mnt/peer"
      And the mount at "/" is a slave
      When fcproc stages the jailer chroot "/srv/jail/firecracker/vm1/root" for 1000:1000 with:
        | kernel | /var/lib/fcproc/images/vmlinux | vmlinux |
      Then the operation succeeds
      And nothing is mounted outside "/srv/jail/firecracker/vm1/root"
      When fcproc cleans up the jailer chroot "/srv/jail/firecracker/vm1/root"
      Then the operation succeeds
      And nothing is mounted at or under "/srv/jail/firecracker/vm1/root"
      And nothing is mounted outside "/srv/jail/firecracker/vm1/root"

  @C14
  Rule: A file inside the chroot is a hard link to a host file
    Invariant: The chroot's name is removed; the host file keeps its owner, mode and single
    link.

    Scenario: A hard link inside the chroot to a host file is removed, the host file kept
      Given the host allows hard links to files one does not own
      And a directory "/srv/jail/firecracker/vm1/root" owned by 1000:1000 with mode 0700
      And a hard link "/srv/jail/firecracker/vm1/root/shadow" to "/etc/shadow"
      When fcproc cleans up the jailer chroot "/srv/jail/firecracker/vm1/root"
      Then the operation succeeds
      And "/srv/jail/firecracker/vm1/root" does not exist
      And "/etc/shadow" is a file owned by root:shadow with mode 0640
      And "/etc/shadow" has 1 link
