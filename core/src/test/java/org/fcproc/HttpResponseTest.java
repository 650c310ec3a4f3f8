package org.fcproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link HttpResponse} on the bytes Firecracker's HTTP server (micro-http) writes, and on what it never writes. */
class HttpResponseTest {
  /** A successful action: no reason phrase (the space after 204 is there), no Content-Length, keep-alive. */
  static final String NO_CONTENT = "HTTP/1.1 204 \r\nServer: Firecracker API\r\nConnection: keep-alive\r\n\r\n";
  static final String AARCH64_BODY = "{\"fault_message\":\"SendCtrlAltDel does not supported on aarch64.\"}";
  static final String AARCH64 = "HTTP/1.1 400 \r\nServer: Firecracker API\r\nConnection: keep-alive\r\n"
      + "Content-Type: application/json\r\nContent-Length: " + AARCH64_BODY.length() + "\r\n\r\n" + AARCH64_BODY;
  /** micro-http's fixed server-full answer: not even the space after 503, and an "error" key. */
  static final String SERVER_FULL = "HTTP/1.1 503\r\nServer: Firecracker API\r\nConnection: close\r\n"
      + "Content-Length: 40\r\n\r\n{ \"error\": \"Too many open connections\" }";

  private static HttpResponse.Parsed parse(String s, boolean ended) throws HttpResponse.Malformed {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return HttpResponse.parse(b, b.length, ended);
  }

  @Test
  void a204WithoutReasonOrLengthIsCompleteAtTheEndOfItsHeaders() throws Exception {
    HttpResponse.Parsed p = parse(NO_CONTENT, false);
    assertThat(p.response().status()).isEqualTo(204);
    assertThat(p.response().body()).isEmpty();
    assertThat(p.response().header("SERVER")).isEqualTo("Firecracker API");
    assertThat(p.response().header("connection")).isEqualTo("keep-alive");
    assertThat(p.consumed()).isEqualTo(NO_CONTENT.length());
    // Every shorter prefix needs more bytes; none is mistaken for a response.
    for (int i = 0; i < NO_CONTENT.length(); i++) {
      assertThat(parse(NO_CONTENT.substring(0, i), false)).as("prefix of %d bytes", i).isNull();
    }
  }

  @Test
  void a400IsReadToItsContentLengthAndNotBeyond() throws Exception {
    HttpResponse.Parsed p = parse(AARCH64 + "HTTP/1.1 204 \r\n", false);
    assertThat(p.response().status()).isEqualTo(400);
    assertThat(p.response().body()).isEqualTo(AARCH64_BODY);
    assertThat(p.consumed()).isEqualTo(AARCH64.length());
    assertThat(parse(AARCH64.substring(0, AARCH64.length() - 1), false)).isNull();
  }

  @Test
  void micro503WithoutTheSpaceAfterTheCodeIsRead() throws Exception {
    HttpResponse r = parse(SERVER_FULL, false).response();
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.body()).isEqualTo("{ \"error\": \"Too many open connections\" }");
    assertThat(r.header("connection")).isEqualTo("close");
  }

  @Test
  void aReasonPhraseFromAnotherServerIsIgnored() throws Exception {
    assertThat(parse("HTTP/1.1 204 No Content\r\n\r\n", false).response().status()).isEqualTo(204);
    assertThat(parse("HTTP/1.0 400 Bad Request\r\nContent-Length: 2\r\n\r\n{}", false).response().body()).isEqualTo("{}");
  }

  @Test
  void a204sBodyIsEmptyWhateverItsHeadersSay() throws Exception {
    HttpResponse.Parsed p = parse("HTTP/1.1 204 \r\nContent-Length: 5\r\n\r\nHTTP/", false);
    assertThat(p.response().body()).isEmpty();
    assertThat(p.consumed()).isEqualTo("HTTP/1.1 204 \r\nContent-Length: 5\r\n\r\n".length());
  }

  @Test
  void withoutALengthTheBodyRunsToTheEndOfTheStream() throws Exception {
    String s = "HTTP/1.1 500 \r\nConnection: close\r\n\r\noops";
    assertThat(parse(s, false)).isNull();
    assertThat(parse(s, true).response().body()).isEqualTo("oops");
  }

  @Test
  void whatIsNotFirecrackersHttpIsRefusedWithTheReason() {
    assertThatThrownBy(() -> parse("SSH-2.0-OpenSSH\r\n\r\n", false)).hasMessageContaining("not an HTTP/1.x status line");
    assertThatThrownBy(() -> parse("HTTP/1.1 20x \r\n\r\n", false)).hasMessageContaining("no three-digit status code");
    assertThatThrownBy(() -> parse("HTTP/1.1 2040\r\n\r\n", false)).hasMessageContaining("no three-digit status code");
    assertThatThrownBy(() -> parse("HTTP/1.1 400 \r\nContent-Length: -1\r\n\r\n", false)).hasMessageContaining("bad Content-Length");
    assertThatThrownBy(() -> parse("HTTP/1.1 400 \r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", false))
        .hasMessageContaining("two different Content-Length headers");
    assertThatThrownBy(() -> parse("HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n", false))
        .hasMessageContaining("Transfer-Encoding");
    assertThatThrownBy(() -> parse("HTTP/1.1 200 \r\nno colon here\r\n\r\n", false)).hasMessageContaining("not a header field");
    assertThatThrownBy(() -> parse("HTTP/1.1 400 \r\nContent-Length: 99999999\r\n\r\n", false))
        .hasMessageContaining("is more than");
    assertThatThrownBy(() -> parse("x".repeat(HttpResponse.MAX_HEAD_BYTES + 1), false)).hasMessageContaining("no end of headers");
  }

  @Test
  void anAnswerCutShortByTheEndOfTheStreamIsAnError() {
    assertThatThrownBy(() -> parse("", true)).hasMessageContaining("closed before any response");
    assertThatThrownBy(() -> parse("HTTP/1.1 204 \r\nServer", true)).hasMessageContaining("in the middle of the headers");
    assertThatThrownBy(() -> parse(AARCH64.substring(0, AARCH64.length() - 3), true))
        .hasMessageContaining("after " + (AARCH64_BODY.length() - 3) + " of the " + AARCH64_BODY.length() + " bytes");
  }
}
