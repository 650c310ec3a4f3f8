package org.fcproc.sim;

/**
 * How a fake Firecracker's API server answers (what its guest then does is
 * {@link GuestBehaviour}'s). Each mode is one situation real Firecracker can be in; the wire
 * format of every answer is micro-http's, as {@link ApiServer} describes. Set with
 * {@link SimHost#setApiMode}.
 */
public enum ApiMode {
  /** A started x86_64 microVM: {@code SendCtrlAltDel} gets {@code 204}. The default. */
  BOOTED,
  /**
   * Not started yet ({@code InstanceStart} not sent): {@code SendCtrlAltDel} gets {@code 400}
   * "The requested operation is not supported before starting the microVM."
   */
  NOT_BOOTED,
  /** Firecracker on aarch64: {@code SendCtrlAltDel} gets {@code 400} "SendCtrlAltDel does not supported on aarch64." */
  AARCH64,
  /**
   * Ten other clients hold connections (micro-http's limit): each new connection is accepted
   * only to get the fixed {@code 503} and be closed unread. (Ten connections really held to the
   * server have the same effect in every mode.)
   */
  FULL,
  /** The API thread takes requests but never answers (a wedged VMM thread): reads time out. */
  SILENT,
  /** Nothing accepts: the listen backlog is full, so {@code connect} waits until its deadline. */
  NOT_ACCEPTING,
  /**
   * The server accepts but never reads: writes fill the socket buffer
   * ({@link ApiConnection#SOCKET_BUFFER} bytes) and then wait until their deadline; nothing is
   * ever answered.
   */
  NOT_READING
}
