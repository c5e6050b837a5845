package dev.timeline.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import akka.util.ByteString;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OriginFormTest {

  @Test
  void anAbsoluteTargetLosesItsSchemeAndAuthority() {
    assertEquals("GET /wrk2-api/home-timeline/read?user_id=1&start=0&stop=10 HTTP/1.1",
        OriginForm.rewriteRequestLine("GET http://localhost:8080/wrk2-api/home-timeline/read?user_id=1&start=0&stop=10 HTTP/1.1"));
    assertEquals("POST /x HTTP/1.1", OriginForm.rewriteRequestLine("POST HTTPS://user@example.com:443/x HTTP/1.1"));
    assertEquals("GET / HTTP/1.1", OriginForm.rewriteRequestLine("GET http://localhost:8080 HTTP/1.1"));
    assertEquals("GET /?a=1 HTTP/1.1", OriginForm.rewriteRequestLine("GET http://localhost?a=1 HTTP/1.1"));
    assertEquals("GET /p HTTP/1.1", OriginForm.rewriteRequestLine("GET http://h/p#frag HTTP/1.1"));
    assertNull(OriginForm.rewriteRequestLine("GET /already/origin HTTP/1.1"));
    assertNull(OriginForm.rewriteRequestLine("GET ftp://h/x HTTP/1.1"), "other schemes stay for Akka to refuse");
    assertNull(OriginForm.rewriteRequestLine("OPTIONS * HTTP/1.1"));
    assertNull(OriginForm.rewriteRequestLine("garbage"));
  }

  /** Every split of a pipelined stream gives the same output: request lines are found by framing. */
  @Test
  void pipelinedRequestsWithBodiesAreRewrittenWhereverTheStreamIsCut() {
    String in = "\r\nPOST http://localhost:8080/wrk2-api/post/compose HTTP/1.1\r\nHost: 127.0.0.1:8081\r\n"
        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 28\r\n\r\n"
        + "text=GET http://x/y HTTP/1.1"
        + "POST http://h/chunked HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5;ext=1\r\nGET h\r\n11\r\nttp://z/ HTTP/1.1\r\n0\r\nTrailer: x\r\n\r\n"
        + "GET http://localhost:8080/wrk2-api/user-timeline/read?user_id=2 HTTP/1.1\r\nHost: a\r\n\r\n";
    String expected = "\r\nPOST /wrk2-api/post/compose HTTP/1.1\r\nHost: 127.0.0.1:8081\r\n"
        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 28\r\n\r\n"
        + "text=GET http://x/y HTTP/1.1"
        + "POST /chunked HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5;ext=1\r\nGET h\r\n11\r\nttp://z/ HTTP/1.1\r\n0\r\nTrailer: x\r\n\r\n"
        + "GET /wrk2-api/user-timeline/read?user_id=2 HTTP/1.1\r\nHost: a\r\n\r\n";
    byte[] bytes = in.getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(expected, feedInPieces(bytes, bytes.length));
    for (int size = 1; size <= 17; size++) assertEquals(expected, feedInPieces(bytes, size), "pieces of " + size);
  }

  @Test
  void unclearFramingPassesEverythingThroughUntouched() {
    String smuggle = "POST http://h/a HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "0\r\n\r\nGET http://h/b HTTP/1.1\r\n\r\n";
    assertEquals("POST /a HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "0\r\n\r\nGET http://h/b HTTP/1.1\r\n\r\n", feedInPieces(smuggle.getBytes(StandardCharsets.ISO_8859_1), 5));
    String upgrade = "GET http://h/ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\nGET http://h/c HTTP/1.1\r\n\r\n";
    assertEquals("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\nGET http://h/c HTTP/1.1\r\n\r\n",
        feedInPieces(upgrade.getBytes(StandardCharsets.ISO_8859_1), 3));
  }

  private static String feedInPieces(byte[] bytes, int size) {
    OriginForm rewriter = new OriginForm();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < bytes.length; i += size) {
      ByteString piece = ByteString.fromArray(bytes, i, Math.min(size, bytes.length - i));
      out.append(rewriter.feed(piece).decodeString(StandardCharsets.ISO_8859_1));
    }
    return out.toString();
  }
}
