Feature: A scenario that says its adversary's move cannot be made
  Run by VacuousScenariosTest: this scenario must PASS, because it says the move is expected to
  fail and checks why; the operation then runs with the host as it was.

  Scenario: The swap of a root-owned file is refused, as the scenario expects
    Given a host with the standard layout
    And a directory "/run/fcproc" owned by 1000:1000 with mode 0755
    And a firecracker socket at "/run/fcproc/vm1.sock"
    And the adversary swaps "/etc/passwd" for a symlink to "/etc/shadow" just before fcproc's first "fstat" call
    And the adversary's move is expected to fail
    When fcproc hands the socket "/run/fcproc/vm1.sock" to 1000:1000
    Then show the outcome
    And the adversary's move failed with "EACCES"
    And the operation succeeds
    And "/etc/passwd" is unchanged
