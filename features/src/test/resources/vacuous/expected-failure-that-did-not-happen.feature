Feature: A scenario that expects its move to fail when it did not
  Run by VacuousScenariosTest, never by the catalogue's suites: this scenario must FAIL. The
  adversary owns /run/fcproc, so its swap succeeds; a stale "expected to fail" must not hide that.

  Scenario: The swap succeeds although the scenario says it cannot
    Given a host with the standard layout
    And a directory "/run/fcproc" owned by 1000:1000 with mode 0755
    And a firecracker socket at "/run/fcproc/vm1.sock"
    And the adversary swaps "/run/fcproc/vm1.sock" for a symlink to "/etc/shadow" just before fcproc's first "fstat" call
    And the adversary's move is expected to fail
    When fcproc hands the socket "/run/fcproc/vm1.sock" to 1000:1000
    Then "/etc/shadow" is unchanged
