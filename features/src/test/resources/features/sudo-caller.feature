@class:sudo-caller
Feature: The caller of the sudo helper is the adversary
  In sudo mode fcproc's privileged helper runs as root for a caller it does not trust: the one
  sudoers rule admits any arguments. The helper does for that caller only what the root-owned
  policy at /etc/fcproc/helper.conf allows, opens the caller's files with the caller's own
  identity, and refuses everything else before the host is touched. Each scenario here is a call
  such a caller (uid 1000) makes, run by fcproc exactly as the helper runs it.

  Background:
    Given a host with the standard layout
    And the privileged helper's policy is:
      """
      jail_base   = /srv/jail/firecracker
      socket_dir  = /run/fcproc
      tap_prefix  = fc-
      bridge_name = fcbr0
      bridge_ip   = 172.16.0.1
      cidr        = 24
      """
    And fcproc is the privileged helper serving the sudo caller 1000:1000

  Scenario: The caller stages and cleans up its own VM within the policy
    When fcproc stages the jailer chroot "/srv/jail/firecracker/vm1/root" for 1000:1000 with:
      | kernel | /var/lib/fcproc/images/vmlinux | vmlinux |
    Then the operation succeeds
    And "/srv/jail/firecracker/vm1/root/vmlinux" is a hard link of "/var/lib/fcproc/images/vmlinux"
    And "/var/lib/fcproc/images/vmlinux" is a file owned by root with mode 0644
    And nothing is mounted outside "/srv/jail/firecracker/vm1/root"
    When fcproc cleans up the jailer chroot "/srv/jail/firecracker/vm1/root"
    Then the operation succeeds
    And "/srv/jail/firecracker/vm1/root" does not exist
    And nothing is mounted at or under "/srv/jail/firecracker"

  @U1
  Rule: Cleanup is pointed at a directory that is not a jailer chroot
    Invariant: Nothing outside the jailer's layout is ever deleted, whoever asks for it.

    Scenario: The caller asks the helper to clean up another user's home directory
      Given a directory "/home/victim/.ssh" owned by 1001:1001 with mode 0700
      And a file "/home/victim/.ssh/authorized_keys" owned by 1001:1001 with mode 0600 containing "ssh-ed25519 AAAA victim"
      When fcproc cleans up the jailer chroot "/home/victim"
      Then the input is rejected with "is not a jailer chroot"
      And the host is unchanged

  @U2
  Rule: Cleanup is pointed at a jail outside the policy's bases
    Invariant: The helper deletes only chroots beneath a jail_base of its policy.

    Scenario: The caller asks the helper to clean up another service's jail
      Given a directory "/srv/other/firecracker/vm1/root" owned by root with mode 0755
      And a file "/srv/other/firecracker/vm1/root/data" owned by root with mode 0644 containing "another service's VM"
      When fcproc cleans up the jailer chroot "/srv/other/firecracker/vm1/root"
      Then the operation is refused because "is not a jail_base"
      And the host is unchanged

  @U3
  Rule: A source the caller cannot read is named for staging
    Invariant: The helper never links, copies or gives away a file the caller could not read
    itself; nothing is staged.

    Scenario: The kernel is a file only root may read
      Given a file "/root/vmlinux" owned by root with mode 0600 containing "root's own kernel"
      When fcproc stages the jailer chroot "/srv/jail/firecracker/vm1/root" for 1000:1000 with:
        | kernel | /root/vmlinux | vmlinux |
      Then the operation is refused because "may not read it"
      And the host is unchanged

    Scenario: The drive is another VM's root-only image
      When fcproc stages the jailer chroot "/srv/jail/firecracker/vm1/root" for 1000:1000 with:
        | kernel | /var/lib/fcproc/images/vmlinux      | vmlinux |
        | drive  | /var/lib/fcproc/vms/vm1/rootfs.ext4 | rootfs  |
      Then the operation is refused because "may not read it"
      And the host is unchanged

  @U4
  Rule: A block device the caller cannot open is named as a drive
    Invariant: A device becomes a VM's drive only if the caller could open it for reading and
    writing itself.

    Scenario: The drive is a root-only block device
      When fcproc stages the jailer chroot "/srv/jail/firecracker/vm1/root" for 1000:1000 with:
        | kernel | /var/lib/fcproc/images/vmlinux | vmlinux |
        | drive  | /dev/dm-7                      | data    |
      Then the operation is refused because "may not read it"
      And the host is unchanged

  @U5
  Rule: The VM is to run as another user
    Invariant: A VM's uid and gid are the caller's own, or within the policy's vm_ids.

    Scenario: The caller stages a VM for uid 1001
      When fcproc stages the jailer chroot "/srv/jail/firecracker/vm1/root" for 1001:1001 with:
        | kernel | /var/lib/fcproc/images/vmlinux | vmlinux |
      Then the operation is refused because "uid 1001 is neither the caller's nor within vm_ids"
      And the host is unchanged

  @U6
  Rule: A socket of another service is to be handed to the caller
    Invariant: Only sockets beneath a socket_dir or a chroot of a jail_base are ever handed off.

    Scenario: A root socket outside every jail and the runtime directory
      Given a directory "/run/other" owned by root with mode 0755
      And a socket at "/run/other/api.sock" owned by root with mode 0600
      When fcproc hands the socket "/run/other/api.sock" to 1000:1000
      Then the input is rejected with "is neither beneath a jailer chroot"
      And the host is unchanged

    Scenario: A socket in the chroot of a jail the policy does not cover
      Given a directory "/srv/other/firecracker/vm1/root/run" owned by root with mode 0755
      And a socket at "/srv/other/firecracker/vm1/root/run/firecracker.socket" owned by root with mode 0600
      When fcproc hands the socket "/srv/other/firecracker/vm1/root/run/firecracker.socket" to 1000:1000
      Then the operation is refused because "beneath neither a socket_dir nor a chroot of a jail_base"
      And the host is unchanged

  @U7
  Rule: A bare pid is to be killed
    Invariant: The helper signals only a VM confirmed through its API socket beneath a jail of the
    policy; a pid alone may name any process.

    Scenario: The caller asks the helper to kill a process by its pid
      Given a firecracker serving the API socket "/run/other/api.sock"
      When fcproc kills the firecracker serving "/run/other/api.sock"
      Then the operation is refused because "a bare pid may be any process"
      And the firecracker serving "/run/other/api.sock" is still running

    Scenario: The API socket is not beneath a jail
      Given a firecracker serving the API socket "/run/other/api.sock"
      When fcproc kills the firecracker serving "/run/other/api.sock", checking its API socket
      Then the operation is refused because "not beneath a jailer chroot"
      And the firecracker serving "/run/other/api.sock" is still running

  @U8
  Rule: Another bridge, or a TAP without the policy's prefix
    Invariant: The helper sets up only the policy's bridge and TAPs whose names begin with its
    tap_prefix.

    Scenario: The caller asks for a bridge of its own
      Given the configured bridge is "other0" with the address "10.9.0.1" and prefix length "16"
      When fcproc ensures the bridge
      Then the operation is refused because "is the policy's bridge"
      And the link "other0" does not exist

    Scenario: The caller asks for a TAP without the prefix
      Given the host has a bridge "fcbr0" that is down with the address "172.16.0.1/24"
      When fcproc creates the TAP "evil0" owned by 1000:1000
      Then the operation is refused because "tap_prefix"
      And the link "evil0" does not exist

  @U9
  Rule: The policy is a file someone besides root could have written
    Invariant: An untrustworthy policy makes every privileged command refuse; it is never read as
    a grant.

    Scenario: The policy file is writable by everyone
      Given a directory "/srv/jail/firecracker/vm1/root" owned by 1000:1000 with mode 0755
      And "/etc/fcproc/helper.conf" has mode 0666
      When fcproc cleans up the jailer chroot "/srv/jail/firecracker/vm1/root"
      Then the operation is refused because "writable by its group and others"
      And the host is unchanged
