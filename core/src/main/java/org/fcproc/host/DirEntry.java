package org.fcproc.host;

import java.util.Objects;

/** One entry of {@code getdents64(2)}: a name and its {@code d_type}. */
public record DirEntry(String name, FileType type, long ino) {
  public DirEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }
}
