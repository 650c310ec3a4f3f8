package org.fcproc.linux.sudo;

import static org.fcproc.linux.sudo.SudoSandbox.DEV;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lifecycle every sudo-mode end-to-end class shares: one {@link SudoSandbox} for the class,
 * put back as it was before each test, the caller {@link SudoSandbox#DEV} made fresh, and every
 * process a test started ended after it.
 */
@ExtendWith(Tally.class)
abstract class SandboxedCallerTest {
  static SudoSandbox sandbox;
  Caller dev;
  final List<Process> started = new ArrayList<>();

  @BeforeAll
  static void build() throws Exception {
    sandbox = SudoSandbox.open();
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (sandbox != null) {
      sandbox.close();
      sandbox = null;
    }
  }

  @BeforeEach
  void reset() throws Exception {
    sandbox.reset();
    dev = new Caller(sandbox, DEV);
  }

  @AfterEach
  void end() {
    started.forEach(Caller::end);
  }

  /** What an attack must leave as it was: the jails, the homes, the socket and policy directories. */
  static HostState host() {
    return HostState.of(Path.of("/srv"), Path.of("/home"), SudoSandbox.SOCKET_DIR, SudoSandbox.POLICY_DIR);
  }
}
