/**
 * Sudo mode end to end, on the real kernel, with the real {@code sudo}: an unprivileged caller
 * that exists only inside the test JVM's throwaway namespaces runs {@code fcproc --mode sudo},
 * which runs {@code sudo -n <java> -jar <jar> --mode root --json ...} under the one documented
 * sudoers rule, and the root helper applies its policy {@code /etc/fcproc/helper.conf}.
 *
 * <ul>
 *   <li>{@link org.fcproc.linux.sudo.SudoSandbox} builds that machine (users, sudoers, policy,
 *       installed jar, tmpfs mounts) and resets it between tests;
 *   <li>{@link org.fcproc.linux.sudo.Caller} runs commands as the caller ({@code setpriv});
 *   <li>{@link org.fcproc.linux.sudo.HostState} is what an attack must leave unchanged;
 *   <li>{@link org.fcproc.linux.sudo.AuditListener} receives the helper's audit datagrams;
 *   <li>{@code SudoFlowIT} the ordinary flow, {@code SudoRefusalIT} the attacks through the
 *       command line, {@code SudoDirectCallIT} the attacks typed to sudo directly,
 *       {@code SudoPolicyIT} an untrustworthy policy file.
 * </ul>
 *
 * <p>Run them (Failsafe, after the shaded jar is built):
 * {@code mvn -B -pl backend-linux -am verify -Dit.test='Sudo*IT' -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}.
 * As root they need sudo, setpriv, ip and python3, and fail naming what is missing; not root,
 * they skip, printing why.
 */
package org.fcproc.linux.sudo;
