@class:processes
Feature: Finding, stopping and killing a VM's firecracker
  A VM is a firecracker process serving an API socket. fcproc finds its PID, asks the guest to
  shut down through the API, waits for the process to exit, and kills it when it will not.

  Background:
    Given a host with the standard layout
    And fcproc runs as root

  @seed:FindPID
  Scenario: The PID is the process listening on the API socket
    Given a firecracker serving the API socket "/run/fcproc/vm1.sock"
    And a firecracker serving the API socket "/run/fcproc/vm2.sock"
    When fcproc finds the PID for the API socket "/run/fcproc/vm1.sock"
    Then the PID found is that of the firecracker serving "/run/fcproc/vm1.sock"

  @seed:FindPID
  Scenario: No socket and no process for it is an error
    When fcproc finds the PID for the API socket "/run/fcproc/vm1.sock"
    Then the operation fails with "command `pgrep -n -f (^| )/run/fcproc/vm1\.sock( |$)` exited 1"

  @seed:ResolvePID
  Scenario: The listener first, then the machine's own PID, then 0
    Given a firecracker serving the API socket "/run/fcproc/vm1.sock"
    When fcproc resolves the PID for the API socket "/run/fcproc/vm1.sock" with machine PID 4242
    Then the PID found is that of the firecracker serving "/run/fcproc/vm1.sock"
    When fcproc resolves the PID for the API socket "/run/fcproc/vm9.sock" with machine PID 4242
    Then the PID found is 4242
    And the PID found is not that of the firecracker serving "/run/fcproc/vm1.sock"
    When fcproc resolves the PID for the API socket "/run/fcproc/vm9.sock" with no machine PID
    Then the PID found is 0

  @seed:SendCtrlAltDel
  Scenario: Ctrl-Alt-Del is sent through the API socket after the socket is handed over
    Given a firecracker serving the API socket "/run/fcproc/vm1.sock"
    When fcproc sends Ctrl-Alt-Del through "/run/fcproc/vm1.sock"
    Then the operation succeeds
    And "/run/fcproc/vm1.sock" is a socket owned by root with mode 0600
    And the firecracker serving "/run/fcproc/vm1.sock" received Ctrl-Alt-Del

  @seed:SendCtrlAltDel
  Scenario: Firecracker on aarch64 refuses Ctrl-Alt-Del, and the error carries its answer
    Firecracker has SendCtrlAltDel on x86_64 only; on aarch64 its API answers 400 with a
    fault_message. The error says so, with the socket, so `vm shutdown --kill` can fall back to
    the kill and a caller can tell this refusal from the others.

    Given a firecracker serving the API socket "/run/fcproc/vm1.sock" on aarch64
    When fcproc sends Ctrl-Alt-Del through "/run/fcproc/vm1.sock"
    Then the operation fails with 'firecracker API PUT /actions on /run/fcproc/vm1.sock answered 400: fault_message "SendCtrlAltDel does not supported on aarch64."'
    And the firecracker serving "/run/fcproc/vm1.sock" received Ctrl-Alt-Del
    And the firecracker serving "/run/fcproc/vm1.sock" is still running

  @seed:WaitForExit
  Scenario: The wait ends when the guest has shut down
    Given a firecracker serving the API socket "/run/fcproc/vm1.sock"
    When fcproc sends Ctrl-Alt-Del through "/run/fcproc/vm1.sock"
    And fcproc waits up to 2000 ms for the firecracker serving "/run/fcproc/vm1.sock" to exit
    Then the operation succeeds
    And the firecracker serving "/run/fcproc/vm1.sock" is gone

  @input
  Scenario Outline: Process-group PIDs are refused before anything is signalled
    Given a firecracker serving the API socket "/run/fcproc/vm1.sock"
    When fcproc kills the process <pid>
    Then the input is rejected with "pid must be positive"
    And the firecracker serving "/run/fcproc/vm1.sock" is still running

    Examples:
      | pid |
      | 0   |
      | -1  |

  @input
  Scenario Outline: Bad input to the process operations is refused before anything is signalled or sent
    Given a firecracker serving the API socket "/run/fcproc/vm1.sock"
    When <operation>
    Then the input is rejected with "<message>"
    And the firecracker serving "/run/fcproc/vm1.sock" is still running
    And the firecracker serving "/run/fcproc/vm1.sock" did not receive Ctrl-Alt-Del
    And the host is unchanged

    Examples:
      | operation                                                               | message                |
      | fcproc finds the PID for the API socket "run/fcproc/vm1.sock"          | is not absolute        |
      | fcproc sends Ctrl-Alt-Del through "/run/fcproc/../fcproc/vm1.sock"     | '..' component         |
      | fcproc waits up to 1000 ms for the process 0 to exit                   | pid must be positive   |
      | fcproc waits up to 0 ms for the process 4242 to exit                   | duration must be positive |

  @P1
  Rule: A newer process names the API socket in its command line
    Invariant: That process is never found, waited on or killed as the VM: the VM is whoever the
    kernel says listens on the socket.

    @sim-only
    Scenario: A newer process naming the API socket in its command line is never taken for the VM
      Seed-weak: the seed's `pgrep -n -f <apiSock>` picks the newest process whose command line
      matches, here the adversary's, so a wait or a kill would go to it. fcproc asks the kernel
      who listens on the socket (SO_PEERCRED).

      Given a firecracker serving the API socket "/run/fcproc/vm1.sock"
      And a process "/usr/bin/sleep 1000 /run/fcproc/vm1.sock" started by uid 1000
      When fcproc finds the PID for the API socket "/run/fcproc/vm1.sock"
      Then the PID found is that of the firecracker serving "/run/fcproc/vm1.sock"
      When fcproc kills the firecracker serving "/run/fcproc/vm1.sock"
      Then the operation succeeds
      And the firecracker serving "/run/fcproc/vm1.sock" is gone
      And the process "/usr/bin/sleep 1000 /run/fcproc/vm1.sock" is still running

    Scenario: A VM serving a longer socket path is never taken for the VM of the socket asked about
      Seed-weak: `pgrep -n -f /run/fcproc/vm1.sock` matches `/run/fcproc/vm1.sock.old` too, so the
      seed returns the other VM. When nobody listens on the socket, fcproc asks pgrep for the path
      between spaces and takes a process only when one of its arguments is exactly the path.

      Given a firecracker serving the API socket "/run/fcproc/vm1.sock.old"
      When fcproc finds the PID for the API socket "/run/fcproc/vm1.sock"
      Then the operation fails with "exited 1"
      And the firecracker serving "/run/fcproc/vm1.sock.old" is still running

  @P2
  Rule: The VM exits and its PID is reused by an unrelated process
    Invariant: The wait sees the VM gone, and the kill refuses: the new process keeps running.

    @sim-only
    Scenario: A PID reused by an unrelated process counts as exited, and is not killed
      Given a firecracker serving the API socket "/run/fcproc/vm1.sock"
      And the firecracker serving "/run/fcproc/vm1.sock" exits and its PID is reused by "/usr/bin/sleep 1000"
      When fcproc waits up to 2000 ms for the firecracker serving "/run/fcproc/vm1.sock" to exit
      Then the operation succeeds
      And less than 100 ms of host time have passed
      And the process "/usr/bin/sleep 1000" is still running
      When fcproc kills the firecracker serving "/run/fcproc/vm1.sock", checking its API socket
      Then the operation is refused because "is not the VM's process"
      And the process "/usr/bin/sleep 1000" is still running

    @sim-only
    Scenario: A jailed VM whose API socket is gone is still found, waited for and killed
      The jailer pivots firecracker into its chroot in a mount namespace of its own: from the host
      its executable reads /firecracker and its command line names no host path, so neither pgrep
      nor the command line can tell it. fcproc takes the jailer's pid file and confirms its pid with
      the kernel: the process's root directory is the chroot, it started before the pid file was
      written, and it has --id vm1.

      Given a jailed firecracker with id "vm1" in the chroot "/srv/jailer/firecracker/vm1/root"
      And "/srv/jailer/firecracker/vm1/root/run/firecracker.socket" is removed
      When fcproc finds the PID for the API socket "/srv/jailer/firecracker/vm1/root/run/firecracker.socket"
      Then the PID found is that of the firecracker serving "/srv/jailer/firecracker/vm1/root/run/firecracker.socket"
      When fcproc waits up to 500 ms for the firecracker serving "/srv/jailer/firecracker/vm1/root/run/firecracker.socket" to exit
      Then the operation fails with "timed out waiting for VM to exit"
      And the firecracker serving "/srv/jailer/firecracker/vm1/root/run/firecracker.socket" is still running
      When fcproc kills the firecracker serving "/srv/jailer/firecracker/vm1/root/run/firecracker.socket", checking its API socket
      Then the operation succeeds
      And the firecracker serving "/srv/jailer/firecracker/vm1/root/run/firecracker.socket" is gone

  @P3
  Rule: The guest ignores Ctrl-Alt-Del
    Invariant: The wait ends with its timeout error, and the kill then ends the VM.

    @seed:Kill
    Scenario: A guest that ignores Ctrl-Alt-Del is waited for until the timeout, then killed
      Given a firecracker serving the API socket "/run/fcproc/vm1.sock" whose guest ignores Ctrl-Alt-Del
      When fcproc sends Ctrl-Alt-Del through "/run/fcproc/vm1.sock"
      And fcproc waits up to 2000 ms for the firecracker serving "/run/fcproc/vm1.sock" to exit
      Then the operation fails with "timed out waiting for VM to exit"
      And at least 2000 ms of host time have passed
      And the firecracker serving "/run/fcproc/vm1.sock" is still running
      When fcproc kills the firecracker serving "/run/fcproc/vm1.sock", checking its API socket
      Then the operation succeeds
      And the firecracker serving "/run/fcproc/vm1.sock" is gone

  @P4
  Rule: The API socket is swapped for a symlink to another VM's socket
    Invariant: The shutdown request is refused before anything is sent; the other VM receives
    nothing and keeps running.

    Scenario: An API socket swapped for a symlink to another VM's socket is refused
      Given a firecracker serving the API socket "/run/fcproc/vm1.sock"
      And a firecracker serving the API socket "/run/fcproc/vm2.sock"
      And "/run/fcproc/vm1.sock" is replaced by a symlink to "/run/fcproc/vm2.sock"
      When fcproc sends Ctrl-Alt-Del through "/run/fcproc/vm1.sock"
      Then the operation is refused because "not a unix socket (it is a symlink"
      And the firecracker serving "/run/fcproc/vm2.sock" did not receive Ctrl-Alt-Del
      And "/run/fcproc/vm2.sock" is unchanged
