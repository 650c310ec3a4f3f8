package org.fcproc.features.steps;

import io.cucumber.java.ParameterType;
import org.fcproc.features.driver.Owner;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.Errno;

/**
 * The words scenarios use for host values, each turned into its type once, here:
 * <ul>
 *   <li>{@code {path}} — a host path in double quotes; {@code \n} and {@code \t} inside stand for
 *       a newline and a tab, so paths with them can be written (docs/CATALOGUE.md J12, C8);
 *   <li>{@code {owner}} — {@code root}, {@code root:shadow} or {@code uid:gid};
 *   <li>{@code {mode}} — an octal mode such as {@code 0600};
 *   <li>{@code {device}} — {@code major:minor};
 *   <li>{@code {errno}} — an errno name such as {@code EBUSY};
 *   <li>{@code {ordinal}} — which call of a name: {@code first}, {@code 2nd}, {@code 3rd}...
 * </ul>
 */
public final class ParameterTypes {

  static String decodePath(String raw) {
    return raw.replace("\\n", "\n").replace("\\t", "\t");
  }

  @ParameterType("\"([^\"]*)\"")
  public String path(String raw) {
    return decodePath(raw);
  }

  @ParameterType("root(?::[a-z]+)?|-?\\d+:-?\\d+")
  public Owner owner(String text) {
    return Owner.parse(text);
  }

  @ParameterType("0[0-7]{3,4}")
  public Integer mode(String text) {
    return Integer.parseInt(text, 8);
  }

  @ParameterType("\\d+:\\d+")
  public DeviceNumber device(String text) {
    String[] p = text.split(":");
    return new DeviceNumber(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
  }

  /** Which call of a name, counting from 1: {@code first}, {@code second}, {@code third} or {@code 2nd}, {@code 4th}... */
  @ParameterType("first|second|third|[1-9]\\d*(?:st|nd|rd|th)")
  public Integer ordinal(String text) {
    switch (text) {
      case "first": return 1;
      case "second": return 2;
      case "third": return 3;
      default: return Integer.parseInt(text.substring(0, text.length() - 2));
    }
  }

  @ParameterType("E[A-Z]+")
  public Errno errno(String name) {
    return Errno.valueOf(name);
  }
}
