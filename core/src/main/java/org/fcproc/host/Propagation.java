package org.fcproc.host;

/** Mount propagation types ({@code MS_PRIVATE}, {@code MS_SHARED}, {@code MS_SLAVE}, {@code MS_UNBINDABLE}). */
public enum Propagation {
  PRIVATE,
  SHARED,
  SLAVE,
  UNBINDABLE
}
