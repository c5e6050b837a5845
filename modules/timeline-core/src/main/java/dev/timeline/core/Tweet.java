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

  /** The copy that goes to followers: the request id is the author's business only. */
  public Tweet withoutRequestId() {
    return requestId == null ? this : new Tweet(id, authorId, text, postedAt, null, mentions, media);
  }
}
