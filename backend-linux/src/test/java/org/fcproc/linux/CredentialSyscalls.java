package org.fcproc.linux;

import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;

/**
 * The raw {@code syscall(2)} entry of libc, for the credential calls of {@link UserThreadHost}.
 * glibc's {@code setresuid()} and friends change the credentials of every thread of the process
 * (through a signal broadcast); the raw syscalls change only the calling thread's, which is the
 * kernel's own granularity. Public only because jnr-ffi generates the implementation at runtime.
 */
public interface CredentialSyscalls {
  /** {@code syscall(number, a, b, c)}: every argument passed as a full register. */
  @SaveError
  @Variadic(fixedCount = 1)
  long syscall(long number, long a, long b, long c);
}
