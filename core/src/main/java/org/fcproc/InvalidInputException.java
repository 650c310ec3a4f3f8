package org.fcproc;

/**
 * An argument was refused before anything on the host was touched (docs/DESIGN.md#design-rules): an empty,
 * relative or {@code ..}-bearing path, a NUL or newline in a name, a socket path over 107 bytes,
 * a negative id.
 */
public final class InvalidInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;

  public InvalidInputException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  /** Which argument was wrong. */
  public String field() {
    return field;
  }
}
