@sim-only @exploration
Feature: Exhaustive exploration: every adversary move at every moment, every call failing
  A scenario shows one attack at one moment. These try each move of a table in every gap
  between fcproc's host calls — before the first, between any two, after the last — and, in
  other runs, make each host call fail in turn. Every run starts from a fresh host arranged by
  the Givens and is checked against the jail invariant (no host inode outside the VM's area
  changed by fcproc, nothing mounted or detached outside the chroot) and against the
  operation's promise: it succeeded and did its job, or it stopped with an error that names a
  path. The adversary is uid 1000, with its own permissions: a move it may not make on Linux is
  counted as refused and the run goes on.

  Background:
    Given a host with the standard layout
    And fcproc runs as root

  Scenario Outline: Staging withstands every move at every moment (<host>)
    Given a directory "/srv/jail/firecracker" owned by root with mode 0711
    And <setup>
    When every move below is tried in every gap of the staging of "/srv/jail/firecracker/vm1/root" for 1000:1000, and every host call fails in turn:
      | swap for symlink | /srv/jail/firecracker/vm1                  | /                                |
      | swap for symlink | /srv/jail/firecracker/vm1/root             | /                                |
      | swap for symlink | /srv/jail/firecracker/vm1/root             | /etc                             |
      | swap for symlink | /srv/jail/firecracker/vm1/root/usr         | /etc                             |
      | swap for symlink | /srv/jail/firecracker/vm1/root/dev         | /dev                             |
      | swap for symlink | /srv/jail/firecracker/vm1/root/dev         | /etc                             |
      | swap for symlink | /srv/jail/firecracker/vm1/root/usr/lib     | /                                |
      | plant symlink    | /srv/jail/firecracker/vm1/root             | /                                |
      | plant symlink    | /srv/jail/firecracker/vm1/root/vmlinux     | /etc/shadow                      |
      | plant symlink    | /srv/jail/firecracker/vm1/root/initrd.img  | /etc/shadow                      |
      | plant symlink    | /srv/jail/firecracker/vm1/root/rootfs      | /etc/shadow                      |
      | plant symlink    | /srv/jail/firecracker/vm1/root/firecracker | /etc/passwd                      |
      | plant symlink    | /srv/jail/firecracker/vm1/root/lib         | /                                |
      | plant symlink    | /srv/jail/firecracker/vm1/root/usr/lib64   | /etc                             |
      | plant symlink    | /srv/jail/firecracker/vm1/root/dev/vhost-vsock | /etc/shadow                  |
      | plant hard link  | /srv/jail/firecracker/vm1/root/x           | /etc/shadow                      |
      | plant hard link  | /srv/jail/firecracker/vm1/root/vmlinux     | /etc/passwd                      |
      | plant FIFO       | /srv/jail/firecracker/vm1/root/dev/vhost-vsock |                              |
      | plant FIFO       | /srv/jail/firecracker/vm1/root/firecracker |                                  |
      | plant device     | /srv/jail/firecracker/vm1/root/dev/vhost-vsock | 8:0                          |
      | plant file       | /srv/jail/firecracker/vm1/root/usr         |                                  |
      | plant file       | /srv/jail/firecracker/vm1/root/dev         |                                  |
      | bind mount       | /etc                                       | /srv/jail/firecracker/vm1/root         |
      | bind mount       | /etc                                       | /srv/jail/firecracker/vm1/root/dev     |
      | bind mount       | /etc                                       | /srv/jail/firecracker/vm1/root/usr/lib |
      | bind mount       | /                                          | /srv/jail/firecracker/vm1/root/usr     |
      | remove directory | /srv/jail/firecracker/vm1/root/usr         |                                  |
      | remove directory | /srv/jail/firecracker/vm1/root/dev         |                                  |
      | exchange         | /srv/jail/firecracker/vm1/root             | /srv/jail/firecracker/vm1/decoy  |
      | exchange         | /srv/jail/firecracker/vm1/root/dev         | /srv/jail/firecracker/vm1/decoy  |
      | exchange         | /srv/jail/firecracker/vm1/root/usr         | /srv/jail/firecracker/vm1/decoy  |
    Then no run breaks the jail invariant
    And at least 4500 runs were made
    And the adversary made at least 100 of its moves

    Examples:
      | host                                       | setup                                                                                   |
      | a fresh jail: the VM's directory is made and given to uid 1000 during staging | fcproc runs as root                          |
      | a VM directory left by an earlier VM  | a directory "/srv/jail/firecracker/vm1" owned by 1000:1000 with mode 0755                        |
      | hard links to others' files allowed   | the host allows hard links to files one does not own                                              |

  Scenario Outline: Cleanup withstands every move at every moment (<host>)
    Given <setup>
    And a directory "/srv/jail/firecracker" owned by root with mode 0711
    And a jailer chroot staged at "/srv/jail/firecracker/vm1/root" for 1000:1000
    And a directory "/srv/jail/firecracker/vm1/decoy" owned by 1000:1000 with mode 0755
    When every move below is tried in every gap of the cleanup of "/srv/jail/firecracker/vm1/root", and every host call fails in turn:
      | swap for symlink | /srv/jail/firecracker/vm1                  | /                                |
      | swap for symlink | /srv/jail/firecracker/vm1/root             | /                                |
      | swap for symlink | /srv/jail/firecracker/vm1/root             | /etc                             |
      | swap for symlink | /srv/jail/firecracker/vm1/root/usr         | /etc                             |
      | swap for symlink | /srv/jail/firecracker/vm1/root/dev         | /dev                             |
      | swap for symlink | /srv/jail/firecracker/vm1/root/usr/lib     | /usr/lib                         |
      | plant symlink    | /srv/jail/firecracker/vm1/root/vmlinux     | /etc/shadow                      |
      | plant symlink    | /srv/jail/firecracker/vm1/root/x           | /                                |
      | plant symlink    | /srv/jail/firecracker/vm1/root/dev/y       | /etc                             |
      | plant hard link  | /srv/jail/firecracker/vm1/root/x           | /etc/shadow                      |
      | plant hard link  | /srv/jail/firecracker/vm1/root/dev/y       | /usr/lib/libc.so.6               |
      | plant hard link  | /srv/jail/firecracker/vm1/root/z           | /etc/passwd                      |
      | plant FIFO       | /srv/jail/firecracker/vm1/root/dev/vhost-vsock |                              |
      | plant FIFO       | /srv/jail/firecracker/vm1/root/pipe        |                                  |
      | plant device     | /srv/jail/firecracker/vm1/root/dev/sda     | 8:0                              |
      | plant file       | /srv/jail/firecracker/vm1/root/usr/lib/evil |                                 |
      | plant file       | /srv/jail/firecracker/vm1/root/evil        |                                  |
      | bind mount       | /etc                                       | /srv/jail/firecracker/vm1/root/usr/lib |
      | bind mount       | /                                          | /srv/jail/firecracker/vm1/root/dev     |
      | bind mount       | /etc                                       | /srv/jail/firecracker/vm1/root         |
      | bind mount       | /usr                                       | /srv/jail/firecracker/vm1/root/usr     |
      | remove directory | /srv/jail/firecracker/vm1/root/usr         |                                  |
      | remove directory | /srv/jail/firecracker/vm1/root/dev         |                                  |
      | exchange         | /srv/jail/firecracker/vm1/root             | /srv/jail/firecracker/vm1/decoy  |
      | exchange         | /srv/jail/firecracker/vm1/root/dev         | /srv/jail/firecracker/vm1/decoy  |
      | exchange         | /srv/jail/firecracker/vm1/root/usr         | /srv/jail/firecracker/vm1/decoy  |
    Then no run breaks the jail invariant
    And at least 1800 runs were made
    And the adversary made at least 100 of its moves

    Examples:
      | host                                | setup                                                  |
      | hard links protected                | fcproc runs as root                                    |
      | hard links to others' files allowed | the host allows hard links to files one does not own   |

  Scenario: The socket hand-off withstands every move at every moment
    The runtime directory is root's, as fcproc makes it; the VM's directory in it is uid 1000's.

    Given a directory "/run/fcproc" owned by root with mode 0711
    And a directory "/run/fcproc/vm1" owned by 1000:1000 with mode 0755
    And a directory "/run/fcproc/vm1/decoy" owned by 1000:1000 with mode 0755
    And a socket at "/run/other.sock" owned by root with mode 0600
    And a firecracker socket at "/run/fcproc/vm1/api.sock"
    When every move below is tried in every gap of the hand-off of "/run/fcproc/vm1/api.sock" to 1000:1000, and every host call fails in turn:
      | swap for symlink | /run/fcproc/vm1/api.sock | /etc/shadow           |
      | swap for symlink | /run/fcproc/vm1/api.sock | /run/other.sock       |
      | swap for symlink | /run/fcproc/vm1/decoy    | /etc                  |
      | plant symlink    | /run/fcproc/vm1/api.sock | /etc/shadow           |
      | plant hard link  | /run/fcproc/vm1/api.sock | /etc/shadow           |
      | plant hard link  | /run/fcproc/vm1/api.sock | /run/other.sock       |
      | plant FIFO       | /run/fcproc/vm1/api.sock |                       |
      | plant device     | /run/fcproc/vm1/api.sock | 8:0                   |
      | plant file       | /run/fcproc/vm1/api.sock |                       |
      | exchange         | /run/fcproc/vm1/api.sock | /run/fcproc/vm1/decoy |
      | remove directory | /run/fcproc/vm1/decoy    |                       |
      | bind mount       | /etc                     | /run/fcproc/vm1       |
    Then no run breaks the jail invariant
    And at least 200 runs were made
    And the adversary made at least 50 of its moves

  Scenario: The background hand-off withstands every move at every moment
    Given a directory "/run/fcproc" owned by root with mode 0711
    And a directory "/run/fcproc/vm1" owned by 1000:1000 with mode 0755
    And a firecracker socket at "/run/fcproc/vm1/api.sock"
    And a firecracker socket at "/run/fcproc/vm1/vsock.sock"
    When every move below is tried in every gap of the background hand-off of "/run/fcproc/vm1/api.sock" and "/run/fcproc/vm1/vsock.sock" to 1000:1000, and every host call fails in turn:
      | swap for symlink | /run/fcproc/vm1/api.sock   | /etc/shadow |
      | swap for symlink | /run/fcproc/vm1/vsock.sock | /etc/passwd |
      | swap for symlink | /run/fcproc/vm1            | /etc        |
      | plant hard link  | /run/fcproc/vm1/vsock.sock | /etc/shadow |
      | plant FIFO       | /run/fcproc/vm1/api.sock   |             |
      | plant file       | /run/fcproc/vm1/vsock.sock |             |
    Then no run breaks the jail invariant
    And at least 100 runs were made

  Scenario: Creating the runtime directory withstands every move at every moment
    Here the runtime directory is made in a directory uid 1000 owns, which may rename it away
    at any moment: what is checked is that nothing outside that directory changes, and that a
    runtime directory still at its path has its mode.

    Given a directory "/home/dev" owned by 1000:1000 with mode 0755
    And the configured runtime directory is "/home/dev/run"
    When every move below is tried in every gap of the creation of the runtime directory, and every host call fails in turn:
      | swap for symlink | /home/dev     | /etc        |
      | swap for symlink | /home/dev/run | /etc        |
      | plant symlink    | /home/dev/run | /etc        |
      | plant file       | /home/dev/run |             |
      | plant FIFO       | /home/dev/run |             |
      | plant hard link  | /home/dev/run | /etc/shadow |
    Then no run breaks the jail invariant
    And at least 20 runs were made
