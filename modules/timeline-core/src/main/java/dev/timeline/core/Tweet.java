package dev.timeline.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A posted tweet. Its id starts with the zero-padded posting time in milliseconds followed by the
 * author id, so ids are cluster-unique (an author never posts twice in one millisecond, see
 * {@link UserEntity}) and sort in time order as plain strings.
 *
 * @param requestId the client's idempotency key, kept only in the author's own copy
 * @param mentions  ids of users the tweet is also delivered to, followers or not
 * @param media     attached media references (stored and returned, never interpreted)
 */
public record Tweet(
    String id,
    String authorId,
    String text,
    long postedAt,
    @JsonInclude(JsonInclude.Include.NON_NULL) String requestId,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> mentions,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Media> media)
    implements CborSerializable {

  public record Media(String id, String type) {}

  @JsonCreator
  public Tweet {
    mentions = mentions == null ? List.of() : List.copyOf(mentions);
    media = media == null ? List.of() : List.copyOf(media);
  }

  public Tweet(String id, String authorId, String text, long postedAt, String requestId) {
    this(id, authorId, text, postedAt, requestId, List.of(), List.of());
  }

  public static String idFor(long postedAt, String authorId) {
    return String.format("%013d-%s", postedAt, authorId);
  }

  /**
   * About the bytes this tweet takes in a serialized message: its strings in UTF-8 (what CBOR
   * and JSON carry; up to 4 bytes per character) plus room for field names and numbers.
   */
  public int wireBytes() {
    int bytes = 64 + utf8(id) + utf8(authorId) + utf8(text) + utf8(requestId);
    for (String m : mentions) bytes += 8 + utf8(m);
    for (Media m : media) bytes += 24 + utf8(m.id()) + utf8(m.type());
    return bytes;
  }

  private static int utf8(String s) {
    if (s == null) return 0;
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3; // a surrogate pair: 4
    }
    return bytes;
  }

  /** The copy that goes to followers: the request id is the author's business only. */
  public Tweet withoutRequestId() {
    return requestId == null ? this : new Tweet(id, authorId, text, postedAt, null, mentions, media);
  }
}
