@class:jail-staging
Feature: Staging the jailer chroot
  Before the jailer starts a VM, fcproc stages its chroot: the kernel, initrd and file drives
  hard-linked in, block devices and vhost-vsock made as nodes, the firecracker binary copied,
  the chroot bound onto itself and the host's library directories bound read-only. The per-VM
  directory belongs to the VM's uid (1000), so everything in it may be planted or swapped by
  the adversary; staging must never change anything outside the chroot.

  Background:
    Given a host with the standard layout
    And fcproc runs as root

  @seed:PrepareJailerChroot
  Scenario: The full staging sequence
    When fcproc stages the jailer chroot "/srv/jail/firecracker/vm1/root" for 1000:1000 with:
      | kernel | /var/lib/fcproc/images/vmlinux     | vmlinux    |
      | initrd | /var/lib/fcproc/images/initrd.img  | initrd.img |
      | drive  | /var/lib/fcproc/vms/vm1/rootfs.ext4 | rootfs     |
      | drive  | /dev/mapper/vm1-data               | data       |
      | vsock  |                                    |            |
    Then the operation succeeds
    And "/srv/jail" is a directory owned by root with mode 0711
    And "/srv/jail/firecracker" is a directory owned by root with mode 0711
    And "/srv/jail/firecracker/vm1" is a directory owned by 1000:1000 with mode 0755
    And "/srv/jail/firecracker/vm1/root" is a directory owned by 1000:1000 with mode 0700
    And "/srv/jail/firecracker/vm1/root/vmlinux" is a hard link of "/var/lib/fcproc/images/vmlinux"
    And "/srv/jail/firecracker/vm1/root/initrd.img" is a hard link of "/var/lib/fcproc/images/initrd.img"
    And "/srv/jail/firecracker/vm1/root/rootfs" is a hard link of "/var/lib/fcproc/vms/vm1/rootfs.ext4"
    And "/var/lib/fcproc/vms/vm1/rootfs.ext4" is a file owned by 1000:1000 with mode 0600
    And "/srv/jail/firecracker/vm1/root/data" is a block device 253:7 owned by 1000:1000 with mode 0660
    And "/srv/jail/firecracker/vm1/root/dev" is a directory owned by 1000:1000 with mode 0755
    And "/srv/jail/firecracker/vm1/root/dev/vhost-vsock" is a character device 10:241 owned by 1000:1000 with mode 0660
    And "/srv/jail/firecracker/vm1/root/firecracker" is a file owned by 1000:1000 with mode 0755
    And "/srv/jail/firecracker/vm1/root/firecracker" has the same content as "/usr/bin/firecracker"
    And "/srv/jail/firecracker/vm1/root" is a private mount of "/srv/jail/firecracker/vm1/root"
    And "/srv/jail/firecracker/vm1/root/usr" is a directory owned by root with mode 0755
    And "/srv/jail/firecracker/vm1/root/usr/lib" is a read-only mount of "/usr/lib"
    And "/srv/jail/firecracker/vm1/root/usr/lib64" is a read-only mount of "/usr/lib64"
    And "/srv/jail/firecracker/vm1/root/lib" is a symlink to "usr/lib"
    And "/srv/jail/firecracker/vm1/root/lib64" is a symlink to "usr/lib64"
    And nothing is mounted outside "/srv/jail/firecracker/vm1/root"
    And nothing outside "/srv/jail" changed except "/var/lib/fcproc/images/vmlinux, /var/lib/fcproc/images/initrd.img, /var/lib/fcproc/vms/vm1/rootfs.ext4 and its owner"

  @input
  Scenario Outline: Bad staging input is refused before the host is touched
    When fcproc stages the jailer chroot "<chroot>" for 1000:1000 with:
      | kernel | <kernel> | <name> |
    Then the input is rejected with "<message>"
    And the host is unchanged

    Examples:
      | chroot                         | kernel                         | name       | message                          |
      | /fc/vm1/root                   | /var/lib/fcproc/images/vmlinux | vmlinux    | is not a jailer chroot           |
      | /srv/jail/firecracker/vm_1/root | /var/lib/fcproc/images/vmlinux | vmlinux   | the jailer's rule                |
      | /srv/jail/other/vm1/root       | /var/lib/fcproc/images/vmlinux | vmlinux    | the jailer names the directory after the binary |
      | /srv/jail/firecracker/vm1/root | /var/lib/fcproc/images/vmlinux | run        | is reserved                      |
      | srv/jail/firecracker/vm1/root  | /var/lib/fcproc/images/vmlinux | vmlinux    | is not absolute                  |
      | /srv/jail/firecracker/vm1/root | /var/lib/fcproc/images/vmlinux | ../vmlinux | contains '/'                     |
      | /srv/jail/firecracker/vm1/root | /var/lib/fcproc/images/vmlinux | usr        | is reserved                      |
      | /srv/jail/firecracker/vm1/root | images/vmlinux                 | vmlinux    | is not absolute                  |

  @J1
  Rule: The chroot root already exists as a symlink to /
    Invariant: Staging stops before any chmod or chown, and nothing outside the per-VM directory
    changes.

    Scenario: A chroot root that is a symlink to / is refused
      Given a directory "/srv/jail/firecracker/vm1" owned by 1000:1000 with mode 0755
      And a symlink "/srv/jail/firecracker/vm1/root" pointing to "/"
      When fcproc stages the jailer chroot "/srv/jail/firecracker/vm1/root" for 1000:1000 with:
        | kernel | /var/lib/fcproc/images/vmlinux | vmlinux |
      Then the operation is refused because "it is a symlink"
      And nothing outside "/srv/jail/firecracker/vm1" changed

  @J2
  Rule: The per-VM directory is a symlink to /etc when staging starts
    Invariant: Staging stops, and /etc keeps its owner, mode and content.

    Scenario: A per-VM directory swapped for a symlink to /etc is refused
      Seed-weak: the seed's `chown uid:gid /srv/jail/firecracker/vm1` follows the symlink and gives
      /etc to uid 1000. fcproc opens every component without following a symlink.

      Given a directory "/srv/jail/firecracker" owned by root with mode 0711
      And a symlink "/srv/jail/firecracker/vm1" pointing to "/etc"
      When fcproc stages the jailer chroot "/srv/jail/firecracker/vm1/root" for 1000:1000 with:
        | kernel | /var/lib/fcproc/images/vmlinux | vmlinux |
      Then the operation is refused because "it is a symlink"
      And "/etc" is unchanged
      And nothing outside "/srv/jail/firecracker" changed

  @J3
  Rule: A symlink is planted at the kernel's name inside the chroot
    Invariant: The name ends up a hard link of the kernel image; nothing is linked into, or
    chowned through, the planted link.

    Scenario: A symlink planted at the kernel's name is replaced, never linked through
      Seed-weak: the seed's `ln -f KERNEL chroot/vmlinux` with a symlink to a directory at the name
      makes the link inside that directory — here /etc/vmlinux — and then `chown` follows the name.
      fcproc unlinks whatever is at the name (unlink never follows) and links from a checked handle.

      Given a directory "/srv/jail/firecracker/vm1/root" owned by 1000:1000 with mode 0700
      And a symlink "/srv/jail/firecracker/vm1/root/vmlinux" pointing to "/etc"
      When fcproc stages the jailer chroot "/srv/jail/firecracker/vm1/root" for 1000:1000 with:
        | kernel | /var/lib/fcproc/images/vmlinux | vmlinux |
      Then the operation succeeds
      And "/srv/jail/firecracker/vm1/root/vmlinux" is a hard link of "/var/lib/fcproc/images/vmlinux"
      And "/etc" is unchanged

  @J4
  Rule: A symlink is planted at the firecracker binary's name
    Invariant: The binary is copied into a new file; the file the link names is never written.

    Scenario: A symlink planted at the firecracker binary's name is never written through
      Seed-weak: the seed's `cp -f /usr/bin/firecracker chroot/firecracker` opens the name for
      writing and follows the symlink, overwriting /etc/passwd with the binary. fcproc creates the
      copy with O_CREAT|O_EXCL|O_NOFOLLOW after removing the name.

      Given a directory "/srv/jail/firecracker/vm1/root" owned by 1000:1000 with mode 0700
      And a symlink "/srv/jail/firecracker/vm1/root/firecracker" pointing to "/etc/passwd"
      When fcproc stages the jailer chroot "/srv/jail/firecracker/vm1/root" for 1000:1000 with:
        | kernel | /var/lib/fcproc/images/vmlinux | vmlinux |
      Then the operation succeeds
      And "/srv/jail/firecracker/vm1/root/firecracker" has the same content as "/usr/bin/firecracker"
      And "/etc/passwd" is unchanged

  @J5
  Rule: The kernel image's path is a hard link to a host secret
    Invariant: Staging stops before linking anything, because the VM's uid could not read the
    file and it has another name; the secret keeps its owner and mode.

    Scenario: A kernel path that is a hard link to a host secret is refused before linking
      Given the host allows hard links to files one does not own
      And a hard link "/var/lib/fcproc/images/evil-vmlinux" to "/etc/shadow"
      When fcproc stages the jailer chroot "/srv/jail/firecracker/vm1/root" for 1000:1000 with:
        | kernel | /var/lib/fcproc/images/evil-vmlinux | vmlinux |
      Then the operation is refused because "uid 1000 cannot read it and it has 2 hard links"
      And "/etc/shadow" is a file owned by root:shadow with mode 0640
      And "/srv/jail/firecracker/vm1/root/vmlinux" does not exist

  @J6
  Rule: A dangling symlink sits at a device node's name
    Invariant: mknod refuses the taken name (EEXIST): no node is made where the link points and
    nothing is chowned through it.

    Scenario: A dangling symlink at the vhost-vsock node's name is refused
      Given a directory "/srv/jail/firecracker/vm1/root/dev" owned by 1000:1000 with mode 0755
      And a symlink "/srv/jail/firecracker/vm1/root/dev/vhost-vsock" pointing to "/etc/evil-node"
      When fcproc stages the jailer chroot "/srv/jail/firecracker/vm1/root" for 1000:1000 with:
        | kernel | /var/lib/fcproc/images/vmlinux | vmlinux |
        | vsock  |                                |         |
      Then the operation is refused because "the name already exists (mknod: EEXIST)"
      And "/etc/evil-node" does not exist
      And "/etc" is unchanged

  @J7
  Rule: The chroot's dev directory is a symlink to the host's /dev
    Invariant: Staging stops, and no node is made or changed in the host's /dev.

    Scenario: dev/ inside the chroot being a symlink to the host's /dev is refused
      Given a directory "/srv/jail/firecracker/vm1/root" owned by 1000:1000 with mode 0700
      And a symlink "/srv/jail/firecracker/vm1/root/dev" pointing to "/dev"
      When fcproc stages the jailer chroot "/srv/jail/firecracker/vm1/root" for 1000:1000 with:
        | kernel | /var/lib/fcproc/images/vmlinux | vmlinux |
        | vsock  |                                |         |
      Then the operation is refused because "it is a symlink"
      And "/dev" is unchanged

  @J8
  Rule: A block device's name is re-pointed between the check and mknod
    Invariant: The node made in the chroot carries the numbers of the device that was checked;
    the other device is left as it was.

    Scenario: A block device swapped for another between the check and mknod: the node has the checked numbers
      The device-mapper name is re-pointed by the host (not the adversary) while staging runs.

      Given a block device "/dev/sda" with number 8:0 owned by root with mode 0660
      And "/dev/mapper/vm1-data" is re-pointed at "../sda" just before fcproc's first "mknodAt" call
      When fcproc stages the jailer chroot "/srv/jail/firecracker/vm1/root" for 1000:1000 with:
        | kernel | /var/lib/fcproc/images/vmlinux | vmlinux |
        | drive  | /dev/mapper/vm1-data           | data    |
      Then the operation succeeds
      And "/srv/jail/firecracker/vm1/root/data" is a block device 253:7 owned by 1000:1000 with mode 0660
      And "/dev/sda" is unchanged

  @J9
  Rule: The chroot's usr is a symlink to /etc when the libraries are bound
    Invariant: Staging stops: nothing is mounted outside the chroot and /etc is left as it was.

    Scenario: usr inside the chroot being a symlink to /etc stops the library binds
      Given a directory "/srv/jail/firecracker/vm1/root" owned by 1000:1000 with mode 0700
      And a symlink "/srv/jail/firecracker/vm1/root/usr" pointing to "/etc"
      When fcproc stages the jailer chroot "/srv/jail/firecracker/vm1/root" for 1000:1000 with:
        | kernel | /var/lib/fcproc/images/vmlinux | vmlinux |
      Then the operation is refused because "it is a symlink"
      And nothing is mounted outside "/srv/jail/firecracker/vm1/root"
      And "/etc" is unchanged

  @J10
  Rule: A library bind target is a symlink to /
    Invariant: Staging stops and nothing is mounted outside the chroot.

    Scenario: A library bind target that is a symlink to / stops the bind
      Given a directory "/srv/jail/firecracker/vm1/root/usr" owned by 1000:1000 with mode 0755
      And a symlink "/srv/jail/firecracker/vm1/root/usr/lib" pointing to "/"
      When fcproc stages the jailer chroot "/srv/jail/firecracker/vm1/root" for 1000:1000 with:
        | kernel | /var/lib/fcproc/images/vmlinux | vmlinux |
      Then the operation is refused because "it is a symlink"
      And nothing is mounted outside "/srv/jail/firecracker/vm1/root"
      And "/" is a directory owned by root with mode 0755

  @J11
  Rule: Staging fails part-way, at any of its host calls
    Invariant: The failure is reported, and a cleanup afterwards leaves the host exactly as it
    was before staging.

    Scenario Outline: Staging that fails at any step leaves the host as it was, once cleaned up
      The jail's base directories already exist as staging leaves them, as on a host that has run
      a VM before; the kernel image is world-readable, so staging does not change its owner.

      Given a directory "/srv/jail/firecracker/vm1" owned by 1000:1000 with mode 0755
      And "/srv/jail" has mode 0711
      And "/srv/jail/firecracker" has mode 0711
      And fcproc's first "<call>" call fails with EIO
      When fcproc stages the jailer chroot "/srv/jail/firecracker/vm1/root" for 1000:1000 with:
        | kernel | /var/lib/fcproc/images/vmlinux | vmlinux |
        | vsock  |                                |         |
      Then the operation fails with "EIO"
      When fcproc cleans up the jailer chroot "/srv/jail/firecracker/vm1/root"
      Then the operation succeeds
      And the host is unchanged

      Examples:
        | call           |
        | fchown         |
        | linkAt         |
        | mknodAt        |
        | copy           |
        | bindMount      |
        | remount        |
        | setPropagation |
        | symlinkAt      |

  @J12
  Rule: The chroot's path holds a space and a newline
    Invariant: Staged and cleaned up like any other chroot, with no mount left behind.

    Scenario: A chroot path with a space and a newline is staged and cleaned up
      The jailer's id may hold neither, but the jail base may: mountinfo escapes them.

      When fcproc stages the jailer chroot "/srv/jail 1\nx/firecracker/vm1/root" for 1000:1000 with:
        | kernel | /var/lib/fcproc/images/vmlinux | vmlinux |
      Then the operation succeeds
      And "/srv/jail 1\nx/firecracker/vm1/root/usr/lib" is a read-only mount of "/usr/lib"
      When fcproc cleans up the jailer chroot "/srv/jail 1\nx/firecracker/vm1/root"
      Then the operation succeeds
      And nothing is mounted at or under "/srv/jail 1\nx/firecracker/vm1/root"
      And "/srv/jail 1\nx/firecracker/vm1/root" does not exist
