package dev.timeline.node;

import akka.util.ByteString;
import akka.util.ByteStringBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Rewrites the absolute-form request targets of an HTTP/1.1 request stream into origin form,
 * {@code GET http://localhost:8080/wrk2-api/x?y HTTP/1.1} into {@code GET /wrk2-api/x?y HTTP/1.1},
 * leaving every other byte as it came.
 *
 * <p>Why: RFC 9112 §3.2.2 says a server must accept the absolute form, that its target is then
 * the effective request URI, and that the Host header is then ignored. Akka HTTP 10.2 instead
 * answers {@code 400 'Host' header value of request to ... doesn't match request target authority}
 * in its parser (HttpServerBluePrint's establishAbsoluteUri, below any route or setting) whenever
 * the Host header names another authority, which is what DeathStarBench's unchanged Lua scripts
 * send through wrk ({@code http://localhost:8080/...} targets, wrk's Host of the URL it was given).
 * This node serves one origin whatever its name, so only the path and query of the target matter;
 * dropping the authority before Akka's parser sees it lets routing work on the path.
 *
 * <p>To find each request line it follows HTTP/1.1 message framing (RFC 9112 §6): header lines up
 * to the empty line, then a {@code Content-Length} body or a chunked one (chunk sizes, data,
 * trailers). Anything it does not understand (a message that switches protocols, conflicting or
 * malformed framing headers, a line longer than {@link #MAX_LINE}) switches it to passing every
 * further byte through untouched: Akka's parser then judges the stream, as it would without this.
 *
 * <p>Not thread-safe: one instance per connection, fed its bytes in order.
 */
final class OriginForm {
  /** Longer lines than this are left to Akka's own limits (far below it by default). */
  static final int MAX_LINE = 64 * 1024;

  private enum State { REQUEST_LINE, HEADERS, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, PASS_THROUGH }

  private State state = State.REQUEST_LINE;
  private final ByteStringBuilder line = new ByteStringBuilder();
  private long remaining;        // body or chunk bytes still to pass
  private long contentLength;    // of the message whose headers are being read; -1 when none
  private boolean chunked;
  private boolean switching;     // Upgrade or CONNECT: after this message the stream is not HTTP/1.1
  private boolean framingUnclear;

  /** The bytes to hand on for {@code chunk}: the same bytes, with any absolute-form target rewritten. */
  ByteString feed(ByteString chunk) {
    if (state == State.PASS_THROUGH) return chunk;
    ByteStringBuilder out = new ByteStringBuilder();
    int i = 0, n = chunk.length();
    while (i < n) {
      switch (state) {
        case PASS_THROUGH -> {
          out.append(chunk.slice(i, n));
          i = n;
        }
        case BODY, CHUNK_DATA -> {
          int take = (int) Math.min(remaining, n - i);
          out.append(chunk.slice(i, i + take));
          i += take;
          remaining -= take;
          if (remaining == 0) state = state == State.BODY ? State.REQUEST_LINE : State.CHUNK_END;
        }
        default -> {
          int lf = chunk.indexOf((byte) '\n', i);
          int end = lf < 0 ? n : lf + 1;
          line.append(chunk.slice(i, end));
          i = end;
          if (lf >= 0) {
            ByteString complete = line.result();
            line.clear();
            out.append(onLine(complete));
          } else if (line.length() > MAX_LINE) {
            out.append(line.result());
            line.clear();
            state = State.PASS_THROUGH;
          }
        }
      }
    }
    return out.result();
  }

  /** Handles one whole line (with its line end) in the current state; returns the bytes to pass on. */
  private ByteString onLine(ByteString bytes) {
    String text = bytes.decodeString(StandardCharsets.ISO_8859_1);
    String content = text.endsWith("\r\n") ? text.substring(0, text.length() - 2) : text.substring(0, text.length() - 1);
    switch (state) {
      case REQUEST_LINE -> {
        if (content.isEmpty()) return bytes; // RFC 9112 §2.2: empty lines before a request are ignored
        contentLength = -1;
        chunked = false;
        framingUnclear = false;
        switching = content.regionMatches(true, 0, "CONNECT ", 0, 8);
        state = State.HEADERS;
        String rewritten = rewriteRequestLine(content);
        return rewritten == null ? bytes : ByteString.fromString(rewritten + text.substring(content.length()), StandardCharsets.ISO_8859_1);
      }
      case HEADERS -> {
        if (content.isEmpty()) {
          if (framingUnclear || switching) state = State.PASS_THROUGH;
          else if (chunked) state = State.CHUNK_SIZE;
          else if (contentLength > 0) {
            remaining = contentLength;
            state = State.BODY;
          } else state = State.REQUEST_LINE;
        } else header(content);
        return bytes;
      }
      case CHUNK_SIZE -> {
        int semicolon = content.indexOf(';');
        String size = (semicolon < 0 ? content : content.substring(0, semicolon)).trim();
        try {
          remaining = Long.parseLong(size, 16);
          if (remaining < 0) throw new NumberFormatException(size);
        } catch (NumberFormatException e) {
          state = State.PASS_THROUGH;
          return bytes;
        }
        state = remaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
        return bytes;
      }
      case CHUNK_END -> {
        state = content.isEmpty() ? State.CHUNK_SIZE : State.PASS_THROUGH;
        return bytes;
      }
      case TRAILERS -> {
        if (content.isEmpty()) state = State.REQUEST_LINE;
        return bytes;
      }
      default -> throw new IllegalStateException(state.toString());
    }
  }

  private void header(String content) {
    int colon = content.indexOf(':');
    if (colon <= 0) return; // Akka's parser refuses it; the framing is not affected
    String name = content.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    String value = content.substring(colon + 1).trim();
    switch (name) {
      case "content-length" -> {
        long length;
        try {
          length = Long.parseLong(value);
        } catch (NumberFormatException e) {
          length = -2;
        }
        if (length < 0 || (contentLength >= 0 && contentLength != length)) framingUnclear = true;
        contentLength = length;
      }
      case "transfer-encoding" -> {
        String[] codings = value.split(",");
        if (codings[codings.length - 1].trim().equalsIgnoreCase("chunked")) chunked = true;
        else framingUnclear = true;
      }
      case "upgrade" -> switching = true;
      default -> { }
    }
    if (chunked && contentLength >= 0) framingUnclear = true; // RFC 9112 §6.1: a request smuggling signal
  }

  /**
   * {@code METHOD http://authority/path?query VERSION} as {@code METHOD /path?query VERSION}, or
   * null when the target is not in absolute form with an http(s) scheme.
   */
  static String rewriteRequestLine(String requestLine) {
    int firstSpace = requestLine.indexOf(' ');
    int lastSpace = requestLine.lastIndexOf(' ');
    if (firstSpace <= 0 || lastSpace <= firstSpace + 1) return null;
    String target = requestLine.substring(firstSpace + 1, lastSpace);
    int authorityStart;
    if (target.regionMatches(true, 0, "http://", 0, 7)) authorityStart = 7;
    else if (target.regionMatches(true, 0, "https://", 0, 8)) authorityStart = 8;
    else return null;
    int pathStart = authorityStart;
    while (pathStart < target.length() && "/?#".indexOf(target.charAt(pathStart)) < 0) pathStart++;
    String origin = target.substring(pathStart);
    int fragment = origin.indexOf('#'); // never sent by a conforming client; not part of the target
    if (fragment >= 0) origin = origin.substring(0, fragment);
    if (!origin.startsWith("/")) origin = "/" + origin;
    return requestLine.substring(0, firstSpace + 1) + origin + requestLine.substring(lastSpace);
  }
}
