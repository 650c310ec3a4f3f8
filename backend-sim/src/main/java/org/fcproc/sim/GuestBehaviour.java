package org.fcproc.sim;

/** How a fake Firecracker's guest answers {@code SendCtrlAltDel}. */
public enum GuestBehaviour {
  /** The guest shuts down: the process exits 200 ms of virtual time after the request. */
  OBEYS_CTRL_ALT_DEL,
  /** The guest ignores the request (and the process ignores SIGTERM); only SIGKILL ends it. */
  IGNORES_CTRL_ALT_DEL
}
