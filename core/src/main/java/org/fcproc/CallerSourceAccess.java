package org.fcproc;

/** Placeholder, replaced below. */
final class CallerSourceAccess implements SourceAccess {
  private CallerSourceAccess() {}
}
