package org.fcproc;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 response from the Firecracker API, read the way Firecracker's HTTP server
 * (micro-http) writes it — which is not quite how most servers do:
 *
 * <ul>
 *   <li>Its status line has no reason phrase. An ordinary response is {@code HTTP/1.1 204 }
 *       followed by CRLF: version, space, code, space, nothing. The "server full" answer
 *       (below) is a fixed string with not even the second space: {@code HTTP/1.1 503}. A reason
 *       phrase, as other servers (and older fakes) send, is read and ignored too.
 *   <li>Every response carries {@code Server: Firecracker API}; an ordinary one
 *       {@code Connection: keep-alive} — the server keeps the connection open after answering,
 *       so the end of a response is never the end of the stream and the body's length must come
 *       from the headers.
 *   <li>{@code 204 No Content} (what a successful {@code PUT /actions} gets) carries neither
 *       {@code Content-Type} nor {@code Content-Length}: micro-http leaves the length out for
 *       1xx and 204, as RFC 9110 §8.6 requires. Its body is empty, whatever the headers say
 *       (RFC 9112 §6.3: 1xx, 204 and 304 never have one).
 *   <li>Any other response carries {@code Content-Type: application/json} and
 *       {@code Content-Length}; an error's body is {@code {"fault_message":"..."}}.
 *   <li>When the server already has its ten connections (micro-http's {@code MAX_CONNECTIONS}),
 *       it accepts the eleventh only to write {@code HTTP/1.1 503}, {@code Server: Firecracker
 *       API}, {@code Connection: close}, {@code Content-Length: 40} and the body
 *       {@code { "error": "Too many open connections" }} — no Content-Type, and an
 *       {@code error} key, not {@code fault_message} — then closes it without reading.
 * </ul>
 *
 * <p>So: the reason phrase is optional; header names are matched without regard to case; the
 * body is empty for 1xx/204/304, else {@code Content-Length} bytes, else (no length: only a
 * server that closes after answering may do that) everything up to the end of the stream.
 * {@code Transfer-Encoding} is refused — micro-http never sends it, and a chunked body read as
 * if it were plain would be misread. Disagreeing {@code Content-Length} headers are refused
 * (RFC 9112 §6.3). Sizes are bounded, so a peer that talks forever is cut off.
 *
 * @param status the three-digit status code
 * @param headers the header fields, names lower-cased; a repeated name keeps its last value
 * @param body the body, decoded as UTF-8 (Firecracker's bodies are JSON)
 */
record HttpResponse(int status, Map<String, String> headers, String body) {
  /** The longest status line plus headers accepted. */
  static final int MAX_HEAD_BYTES = 16 * 1024;
  /** The longest body accepted. */
  static final int MAX_BODY_BYTES = 1 << 20;

  private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};

  HttpResponse {
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("status " + status + " is not a three-digit code");
    }
    headers = Map.copyOf(headers);
    if (body == null) {
      throw new IllegalArgumentException("body is null");
    }
  }

  /** A header's value, by its name in any case; null when absent. */
  String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** 1xx: an interim response, followed by the real one. */
  boolean interim() {
    return status / 100 == 1;
  }

  /** The bytes are not an HTTP/1.x response (the message says what is wrong with them). */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }

  /** A response and the number of bytes it took from the start of the input. */
  record Parsed(HttpResponse response, int consumed) {}

  /**
   * The response at the start of {@code in[0..length)}, or null when more bytes are needed to
   * know where it ends.
   *
   * @param ended the peer has hung up: no more bytes will come, so a body without a length ends
   *     here, and anything incomplete is incomplete for good
   * @throws Malformed when the bytes cannot be an HTTP/1.x response, or are incomplete at the end
   *     of the stream
   */
  static Parsed parse(byte[] in, int length, boolean ended) throws Malformed {
    int headEnd = indexOf(in, length, END_OF_HEAD);
    if (headEnd < 0) {
      if (length > MAX_HEAD_BYTES) {
        throw new Malformed("no end of headers within " + MAX_HEAD_BYTES + " bytes");
      }
      if (ended) {
        throw new Malformed(length == 0 ? "the connection closed before any response"
            : "the connection closed in the middle of the headers (" + length + " bytes)");
      }
      return null;
    }
    if (headEnd > MAX_HEAD_BYTES) {
      throw new Malformed("headers longer than " + MAX_HEAD_BYTES + " bytes");
    }
    String head = new String(in, 0, headEnd, StandardCharsets.ISO_8859_1);
    String[] lines = head.split("\r\n", -1);
    int status = statusCode(lines[0]);
    Map<String, String> headers = new LinkedHashMap<>();
    long contentLength = -1;
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      int colon = line.indexOf(':');
      if (colon <= 0 || line.substring(0, colon).strip().length() != colon) {
        throw new Malformed("not a header field: " + printable(line));
      }
      String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      if (name.equals("content-length")) {
        long n = contentLength(value);
        if (contentLength >= 0 && contentLength != n) {
          throw new Malformed("two different Content-Length headers: " + contentLength + " and " + n);
        }
        contentLength = n;
      }
      if (name.equals("transfer-encoding")) {
        throw new Malformed("Transfer-Encoding " + printable(value) + " (Firecracker never sends it)");
      }
      headers.put(name, value);
    }
    int bodyStart = headEnd + END_OF_HEAD.length;
    int bodyLength;
    if (status / 100 == 1 || status == 204 || status == 304) {
      bodyLength = 0;
    } else if (contentLength >= 0) {
      if (contentLength > MAX_BODY_BYTES) {
        throw new Malformed("Content-Length " + contentLength + " is more than " + MAX_BODY_BYTES + " bytes");
      }
      bodyLength = (int) contentLength;
      if (length - bodyStart < bodyLength) {
        if (ended) {
          throw new Malformed("the connection closed after " + (length - bodyStart) + " of the "
              + bodyLength + " bytes of the body");
        }
        return null;
      }
    } else {
      if (length - bodyStart > MAX_BODY_BYTES) {
        throw new Malformed("a body without Content-Length longer than " + MAX_BODY_BYTES + " bytes");
      }
      if (!ended) {
        return null;
      }
      bodyLength = length - bodyStart;
    }
    String body = new String(in, bodyStart, bodyLength, StandardCharsets.UTF_8);
    return new Parsed(new HttpResponse(status, headers, body), bodyStart + bodyLength);
  }

  /** {@code HTTP/1.x SP 3DIGIT [SP [reason]]}: micro-http ends the line after the code's space, or at the code. */
  private static int statusCode(String line) throws Malformed {
    if (!line.startsWith("HTTP/1.") || line.length() < "HTTP/1.x 200".length() || line.charAt(8) != ' ') {
      throw new Malformed("not an HTTP/1.x status line: " + printable(line));
    }
    String code = line.substring(9, 12);
    if (!code.chars().allMatch(c -> c >= '0' && c <= '9') || (line.length() > 12 && line.charAt(12) != ' ')) {
      throw new Malformed("no three-digit status code in the status line: " + printable(line));
    }
    int status = Integer.parseInt(code);
    if (status < 100) {
      throw new Malformed("status code " + code + " is below 100: " + printable(line));
    }
    return status;
  }

  private static long contentLength(String value) throws Malformed {
    if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new Malformed("bad Content-Length: " + printable(value));
    }
    return Long.parseLong(value);
  }

  private static int indexOf(byte[] hay, int length, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** The text for a message: control characters escaped, at most 120 characters. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (b.length() > 120) {
        b.append("...");
        break;
      }
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
