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
 *   <li>{@code {errno}} — an errno name such as {@code EBUSY}.
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

  @ParameterType("E[A-Z]+")
  public Errno errno(String name) {
    return Errno.valueOf(name);
  }
}
