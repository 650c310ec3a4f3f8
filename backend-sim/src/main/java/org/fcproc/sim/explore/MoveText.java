package org.fcproc.sim.explore;

import java.util.ArrayList;
import java.util.List;
import org.fcproc.host.DeviceNumber;
import org.fcproc.host.FileType;

/**
 * The text form of moves: writing a path so that it reads back exactly, and reading a move back
 * from {@link Move#describe()}. A schedule's text is what a CI log shows and what
 * {@code -Dfcproc.explore.replay} takes, so it must survive any path — spaces, newlines,
 * commas, parentheses and the arrow included.
 *
 * <p>A plain path is written as is; any other string is written in double quotes with
 * {@code \\ \" \n \t} escaped. Arguments are separated by {@code ,}, a symlink's target by
 * {@code ->}.
 */
final class MoveText {
  private MoveText() {}

  static void checkPath(String what, String path) {
    if (path == null || path.isEmpty() || path.charAt(0) != '/') {
      throw new IllegalArgumentException(what + " must be an absolute path, not " + (path == null ? "null" : quote(path)));
    }
    if (path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(what + " contains NUL: " + quote(path));
    }
    for (String c : path.split("/")) {
      if (c.equals("..") || c.equals(".")) {
        throw new IllegalArgumentException(what + " must be a clean path (no . or ..): " + quote(path));
      }
    }
    if (path.length() > 1 && path.endsWith("/")) {
      throw new IllegalArgumentException(what + " must not end with /: " + quote(path));
    }
  }

  /** A symlink's text: anything but empty or NUL-bearing (relative targets are allowed). */
  static void checkTarget(String target) {
    if (target == null || target.isEmpty() || target.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("symlink target must be non-empty and free of NUL");
    }
  }

  static String quote(String s) {
    if (isPlain(s)) {
      return s;
    }
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        default -> sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  private static boolean isPlain(String s) {
    if (s.isEmpty() || s.equals("->")) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c == ',' || c == '"' || c == '(' || c == ')' || c == '\\' || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** Reads a move back from its {@link Move#describe()} text. */
  static Move parse(String text) {
    int open = text.indexOf('(');
    if (open <= 0 || !text.endsWith(")")) {
      throw bad(text, "expected Name(arguments)");
    }
    String name = text.substring(0, open);
    List<String> tokens = tokens(text.substring(open + 1, text.length() - 1), text);
    return switch (name) {
      case "SwapForSymlink" -> {
        expect(tokens, text, "arg", "->", "arg");
        yield new Move.SwapForSymlink(tokens.get(0), tokens.get(2));
      }
      case "PlantSymlink" -> {
        expect(tokens, text, "arg", "->", "arg");
        yield new Move.PlantSymlink(tokens.get(0), tokens.get(2));
      }
      case "PlantHardLink" -> {
        expect(tokens, text, "arg", ",", "arg");
        yield new Move.PlantHardLink(tokens.get(0), tokens.get(2));
      }
      case "PlantFifo" -> {
        expect(tokens, text, "arg");
        yield new Move.PlantFifo(tokens.get(0));
      }
      case "PlantFile" -> {
        expect(tokens, text, "arg");
        yield new Move.PlantFile(tokens.get(0));
      }
      case "RemoveDirectory" -> {
        expect(tokens, text, "arg");
        yield new Move.RemoveDirectory(tokens.get(0));
      }
      case "PlantDevice" -> {
        expect(tokens, text, "arg", ",", "arg", ",", "arg");
        FileType type = switch (tokens.get(2)) {
          case "char" -> FileType.CHAR_DEVICE;
          case "block" -> FileType.BLOCK_DEVICE;
          default -> throw bad(text, "device type must be char or block");
        };
        String[] mm = tokens.get(4).split(":");
        if (mm.length != 2) {
          throw bad(text, "device must be major:minor");
        }
        try {
          yield new Move.PlantDevice(tokens.get(0), type, new DeviceNumber(Integer.parseInt(mm[0]), Integer.parseInt(mm[1])));
        } catch (NumberFormatException e) {
          throw bad(text, "device must be major:minor");
        }
      }
      case "BindMount" -> {
        expect(tokens, text, "arg", ",", "arg");
        yield new Move.BindMount(tokens.get(0), tokens.get(2));
      }
      case "Exchange" -> {
        expect(tokens, text, "arg", ",", "arg");
        yield new Move.Exchange(tokens.get(0), tokens.get(2));
      }
      default -> throw bad(text, "unknown move " + quote(name));
    };
  }

  /** Arguments come out as their (unquoted) text; separators as the strings {@code "\0,"} and
   *  {@code "\0->"} so that they cannot be confused with an argument. */
  private static List<String> tokens(String s, String whole) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ' ') {
        i++;
      } else if (c == ',') {
        out.add("\0,");
        i++;
      } else if (s.startsWith("->", i) && (i + 2 == s.length() || s.charAt(i + 2) == ' ')) {
        out.add("\0->");
        i += 2;
      } else if (c == '"') {
        StringBuilder sb = new StringBuilder();
        i++;
        boolean closed = false;
        while (i < s.length()) {
          char d = s.charAt(i++);
          if (d == '"') {
            closed = true;
            break;
          }
          if (d == '\\') {
            if (i >= s.length()) {
              throw bad(whole, "dangling escape");
            }
            char e = s.charAt(i++);
            sb.append(switch (e) {
              case 'n' -> '\n';
              case 't' -> '\t';
              case '\\' -> '\\';
              case '"' -> '"';
              default -> throw bad(whole, "unknown escape \\" + e);
            });
          } else {
            sb.append(d);
          }
        }
        if (!closed) {
          throw bad(whole, "unterminated quote");
        }
        out.add(sb.toString());
      } else {
        int start = i;
        while (i < s.length() && s.charAt(i) > ' ' && s.charAt(i) != ',' && s.charAt(i) != '"'
            && s.charAt(i) != '(' && s.charAt(i) != ')') {
          i++;
        }
        if (start == i) {
          throw bad(whole, "unexpected " + quote(String.valueOf(c)));
        }
        out.add(s.substring(start, i));
      }
    }
    return out;
  }

  private static void expect(List<String> tokens, String whole, String... shape) {
    if (tokens.size() != shape.length) {
      throw bad(whole, "expected " + shape.length + " tokens, found " + tokens.size());
    }
    for (int i = 0; i < shape.length; i++) {
      boolean separator = tokens.get(i).startsWith("\0");
      if (shape[i].equals("arg") ? separator : !tokens.get(i).equals("\0" + shape[i])) {
        throw bad(whole, "expected " + (shape[i].equals("arg") ? "an argument" : shape[i]) + " at position " + (i + 1));
      }
    }
  }

  private static IllegalArgumentException bad(String text, String why) {
    return new IllegalArgumentException("cannot read move " + quote(text) + ": " + why);
  }
}
