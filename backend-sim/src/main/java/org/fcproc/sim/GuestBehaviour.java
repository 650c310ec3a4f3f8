package org.fcproc.sim;

/**
 * How a fake Firecracker's guest answers {@code SendCtrlAltDel} once the API has taken it; whether
 * the API takes it at all (or refuses, or stalls) is {@link ApiMode}'s.
 */
public enum GuestBehaviour {
  /** The guest shuts down: the process exits 200 ms of virtual time after the request. */
  OBEYS_CTRL_ALT_DEL,
  /** The guest ignores the request (and the process ignores SIGTERM); only SIGKILL ends it. */
  IGNORES_CTRL_ALT_DEL
}
