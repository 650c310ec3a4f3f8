package org.fcproc;

import java.util.List;
import java.util.Objects;

/**
 * fcproc's own command line, as the program {@code sudo} runs for each privileged step when the
 * caller is not root (docs/DESIGN.md#socket-hand-off-checks-and-sudo-mode, catalogue S11): the argv prefix of the {@code fcproc} command,
 * e.g. {@code ["/usr/local/bin/fcproc"]} or
 * {@code ["/usr/bin/java", "-jar", "/opt/fcproc/fcproc.jar"]}.
 *
 * <h2>Why a helper, and not {@code sudo chmod}/{@code sudo chown}</h2>
 * The seed's sudo mode shells out each step as a separate command on a path name —
 * {@code sudo chmod 600 PATH}, {@code sudo chown -h U:G PATH}, {@code sudo ln}, {@code sudo cp}
 * — and {@code chmod(1)}, {@code ln(1)} and {@code cp(1)} follow a symlink the VM's uid planted at
 * the path. Checking the path as the user first and running the command as root afterwards
 * leaves a window between the check and the change that no amount of re-checking closes. With a
 * helper, a privileged operation is <em>one</em> command,
 * {@code sudo -n <helper...> --mode root --json <subcommand> <arguments>}, which runs the very
 * same core code as root mode does — handles, {@code O_PATH|O_NOFOLLOW}, resolution beneath a
 * trusted handle, every guard — inside one root process. So sudo mode is exactly root mode: the
 * check and the change are made by the same process, on the same handle, and there is no window
 * between a check made as the user and a change made as root.
 *
 * <h2>What the deployment must provide</h2>
 * <ul>
 *   <li>a sudoers rule letting the caller run this exact command as root without a password
 *       ({@code sudo -n} never prompts), e.g.
 *       {@code dev ALL=(root) NOPASSWD: /usr/local/bin/fcproc --mode root --json *};
 *   <li>the program, and for the {@code java -jar} form the jar, owned by root and writable by
 *       nobody else (whoever can replace them runs code as root);
 *   <li>the same fcproc version as the caller (the arguments and the JSON answer are fcproc's own
 *       command-line interface: {@code fcproc --help});
 *   <li>the root-owned policy {@value HelperPolicy#PATH} ({@link HelperPolicy}): what the helper
 *       may do for its caller.
 * </ul>
 * That one rule is the only privilege sudo mode needs. It does not grant what root mode can do:
 * the caller of the helper is not trusted (sudoers' {@code *} admits any argument), so the helper's
 * root process serves it through {@code ConfinedPrivilege} — the policy's jail bases, socket
 * directories, VM ids, bridge and TAP prefix; sources opened with the caller's own identity; kills
 * only of VMs — and refuses the rest, leaving an audit line for every command. The helper is never
 * given a shell line, only argv, and its {@code @file} argument expansion is off.
 *
 * @param command the program (an absolute path: {@code sudo} must not look it up on a
 *     {@code PATH}) and the arguments that come before fcproc's own
 */
public record PrivilegedHelper(List<String> command) {
  public PrivilegedHelper {
    Objects.requireNonNull(command, "command");
    command = List.copyOf(command); // also refuses null elements
    if (command.isEmpty()) {
      throw new InvalidInputException("privileged helper", "the helper command is empty");
    }
    Inputs.absolutePath("privileged helper program", command.get(0));
    for (String arg : command) {
      if (arg.indexOf('\0') >= 0) {
        throw new InvalidInputException("privileged helper", "an argument contains a NUL byte");
      }
    }
  }

  /** {@code PrivilegedHelper.of("/usr/local/bin/fcproc")}. */
  public static PrivilegedHelper of(String... command) {
    return new PrivilegedHelper(List.of(command));
  }

  /** The program {@code sudo} runs. */
  public String program() {
    return command.get(0);
  }

  @Override
  public String toString() {
    return String.join(" ", command);
  }
}
