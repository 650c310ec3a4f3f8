Feature: A scenario whose fault targets a call that never comes
  Run by VacuousScenariosTest, never by the catalogue's suites: this scenario must FAIL. The
  socket hand-off detaches nothing, so a fault on its first "unmount" is never injected.

  Scenario: The fault waits for a call the operation never makes
    Given a host with the standard layout
    And a directory "/run/fcproc" owned by 1000:1000 with mode 0755
    And a firecracker socket at "/run/fcproc/vm1.sock"
    And fcproc's first "unmount" call fails with EIO
    When fcproc hands the socket "/run/fcproc/vm1.sock" to 1000:1000
    Then the operation succeeds
