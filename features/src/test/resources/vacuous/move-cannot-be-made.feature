Feature: A scenario whose adversary cannot make its move
  Run by VacuousScenariosTest, never by the catalogue's suites: this scenario must FAIL. The
  adversary (uid 1000) cannot rename in /etc (root's, 0755), so the swap fails with EACCES; were
  that failure the operation's outcome, "is unchanged" would pass without testing anything.

  Scenario: The swap of a root-owned file is refused by its parent's permissions
    Given a host with the standard layout
    And a directory "/run/fcproc" owned by 1000:1000 with mode 0755
    And a firecracker socket at "/run/fcproc/vm1.sock"
    And the adversary swaps "/etc/passwd" for a symlink to "/etc/shadow" just before fcproc's first "fstat" call
    When fcproc hands the socket "/run/fcproc/vm1.sock" to 1000:1000
    Then "/etc/passwd" is unchanged
