Feature: A scenario whose adversary waits for a call that never comes
  Run by VacuousScenariosTest, never by the catalogue's suites: this scenario must FAIL. The
  socket hand-off mounts nothing, so a move scheduled before its first "bindMount" never runs.

  Scenario: The move waits for a call the operation never makes
    Given a host with the standard layout
    And a directory "/run/fcproc" owned by 1000:1000 with mode 0755
    And a firecracker socket at "/run/fcproc/vm1.sock"
    And "/etc" is bind-mounted at "/run/fcproc" just before fcproc's first "bindMount" call
    When fcproc hands the socket "/run/fcproc/vm1.sock" to 1000:1000
    Then the operation succeeds
    And "/etc" is unchanged
