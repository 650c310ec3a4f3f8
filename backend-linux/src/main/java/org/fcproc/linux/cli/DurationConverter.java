package org.fcproc.linux.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --timeout} values: a positive whole number followed by {@code ms}, {@code s} or
 * {@code m} ({@code 500ms}, {@code 5s}, {@code 2m}). Anything else is a usage error (exit 2).
 */
final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern FORM = Pattern.compile("([0-9]{1,9})(ms|s|m)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    Matcher m = FORM.matcher(value == null ? "" : value);
    if (!m.matches()) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration: use a whole number followed by ms, s or m (500ms, 5s, 2m)");
    }
    long n = Long.parseLong(m.group(1));
    if (n == 0) {
      throw new TypeConversionException("'" + value + "' is not a positive duration");
    }
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      default -> Duration.ofMinutes(n);
    };
  }

  /** The form {@link #parse} accepts, for messages and JSON: {@code 500ms}, {@code 5s}, {@code 2m}. */
  static String format(Duration d) {
    if (d.toMillis() % 60_000 == 0) {
      return d.toMinutes() + "m";
    }
    if (d.toMillis() % 1000 == 0) {
      return d.toSeconds() + "s";
    }
    return d.toMillis() + "ms";
  }
}
