package org.fcproc.features.driver;

/**
 * An owner as scenarios write it: {@code root}, {@code root:shadow}, {@code 1000:1000}. Ids are
 * not checked here: input scenarios pass negative ones on purpose, for fcproc to refuse.
 */
public record Owner(int uid, int gid) {
  /** Group names the standard layout uses. */
  static int groupId(String name) {
    return switch (name) {
      case "root" -> 0;
      case "shadow" -> 42;
      default -> Integer.parseInt(name);
    };
  }

  public static Owner parse(String text) {
    String[] parts = text.split(":", 2);
    int uid = parts[0].equals("root") ? 0 : Integer.parseInt(parts[0]);
    int gid = parts.length == 1 ? uid : groupId(parts[1]);
    return new Owner(uid, gid);
  }

  public static final Owner ROOT = new Owner(0, 0);

  @Override
  public String toString() {
    return uid + ":" + gid;
  }
}
