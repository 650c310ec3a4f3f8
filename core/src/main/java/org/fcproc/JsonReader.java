package org.fcproc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON reader for the one object the privileged helper prints ({@link HelperCall}):
 * core has no JSON library. It reads RFC 8259 JSON into {@link Map} (insertion order), {@link List},
 * {@link String}, {@link Long} (integers) or {@link Double}, {@link Boolean} and {@code null}.
 *
 * <p>Strict, so that a garbled answer is never half-understood: exactly one value, whitespace
 * around it only; no comments, trailing commas, single quotes, leading zeros or bare control
 * characters in strings; a repeated key is an error; nesting at most {@value #MAX_DEPTH} deep.
 * Errors are {@link Malformed} with the offset.
 */
final class JsonReader {
  static final int MAX_DEPTH = 32;

  /** The text is not one well-formed JSON value. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message, int at) {
      super(message + " at offset " + at);
    }
  }

  private final String s;
  private int i;

  private JsonReader(String s) {
    this.s = s;
  }

  /** The one JSON object in {@code text}. */
  static Map<String, Object> object(String text) throws Malformed {
    JsonReader r = new JsonReader(text);
    r.skipSpace();
    if (r.i >= r.s.length() || r.s.charAt(r.i) != '{') {
      throw new Malformed("expected a JSON object", r.i);
    }
    Object v = r.value(0);
    r.skipSpace();
    if (r.i != r.s.length()) {
      throw new Malformed("text after the JSON object", r.i);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) v;
    return m;
  }

  private Object value(int depth) throws Malformed {
    if (depth > MAX_DEPTH) {
      throw new Malformed("nested too deep", i);
    }
    skipSpace();
    if (i >= s.length()) {
      throw new Malformed("unexpected end", i);
    }
    char c = s.charAt(i);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        literal("true");
        return Boolean.TRUE;
      case 'f':
        literal("false");
        return Boolean.FALSE;
      case 'n':
        literal("null");
        return null;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw new Malformed("unexpected character '" + printable(c) + "'", i);
    }
  }

  private Map<String, Object> object(int depth) throws Malformed {
    Map<String, Object> m = new LinkedHashMap<>();
    i++; // {
    skipSpace();
    if (peek() == '}') {
      i++;
      return Collections.unmodifiableMap(m);
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw new Malformed("expected a key", i);
      }
      int keyAt = i;
      String key = string();
      skipSpace();
      expect(':');
      Object v = value(depth + 1);
      if (m.containsKey(key)) {
        throw new Malformed("repeated key \"" + key + "\"", keyAt);
      }
      m.put(key, v);
      skipSpace();
      char c = next();
      if (c == '}') {
        return Collections.unmodifiableMap(m);
      }
      if (c != ',') {
        throw new Malformed("expected ',' or '}'", i - 1);
      }
    }
  }

  private List<Object> array(int depth) throws Malformed {
    List<Object> list = new ArrayList<>();
    i++; // [
    skipSpace();
    if (peek() == ']') {
      i++;
      return Collections.unmodifiableList(list);
    }
    while (true) {
      list.add(value(depth + 1));
      skipSpace();
      char c = next();
      if (c == ']') {
        return Collections.unmodifiableList(list);
      }
      if (c != ',') {
        throw new Malformed("expected ',' or ']'", i - 1);
      }
    }
  }

  private String string() throws Malformed {
    i++; // "
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (i >= s.length()) {
        throw new Malformed("unterminated string", i);
      }
      char c = s.charAt(i++);
      if (c == '"') {
        return sb.toString();
      }
      if (c < 0x20) {
        throw new Malformed("control character in a string", i - 1);
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"' -> sb.append('"');
        case '\\' -> sb.append('\\');
        case '/' -> sb.append('/');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          if (i + 4 > s.length()) {
            throw new Malformed("short \\u escape", i);
          }
          int code = 0;
          for (int k = 0; k < 4; k++) {
            int d = Character.digit(s.charAt(i + k), 16);
            if (d < 0) {
              throw new Malformed("bad \\u escape", i);
            }
            code = code * 16 + d;
          }
          i += 4;
          sb.append((char) code);
        }
        default -> throw new Malformed("bad escape '\\" + printable(e) + "'", i - 1);
      }
    }
  }

  private Object number() throws Malformed {
    int start = i;
    if (peek() == '-') {
      i++;
    }
    if (peek() == '0') {
      i++;
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9') {
        i++;
      }
    } else {
      throw new Malformed("bad number", start);
    }
    boolean integer = true;
    if (peek() == '.') {
      integer = false;
      i++;
      digits(start);
    }
    if (peek() == 'e' || peek() == 'E') {
      integer = false;
      i++;
      if (peek() == '+' || peek() == '-') {
        i++;
      }
      digits(start);
    }
    String text = s.substring(start, i);
    try {
      return integer ? (Object) Long.parseLong(text) : (Object) Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new Malformed("number out of range", start);
    }
  }

  private void digits(int start) throws Malformed {
    if (!(peek() >= '0' && peek() <= '9')) {
      throw new Malformed("bad number", start);
    }
    while (peek() >= '0' && peek() <= '9') {
      i++;
    }
  }

  private void literal(String word) throws Malformed {
    if (!s.startsWith(word, i)) {
      throw new Malformed("unexpected word", i);
    }
    i += word.length();
  }

  private void expect(char c) throws Malformed {
    if (next() != c) {
      throw new Malformed("expected '" + c + "'", i - 1);
    }
  }

  private char peek() {
    return i < s.length() ? s.charAt(i) : '\0';
  }

  private char next() throws Malformed {
    if (i >= s.length()) {
      throw new Malformed("unexpected end", i);
    }
    return s.charAt(i++);
  }

  private void skipSpace() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      i++;
    }
  }

  private static String printable(char c) {
    return c < 0x20 || c >= 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }
}
