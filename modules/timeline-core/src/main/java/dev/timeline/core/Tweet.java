package dev.timeline.core;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A posted tweet. Its id starts with the zero-padded posting time in milliseconds followed by the
 * author id, so ids are cluster-unique (an author never posts twice in one millisecond, see
 * {@link UserEntity}) and sort in time order as plain strings.
 *
 * @param requestId the client's idempotency key, kept only in the author's own copy
 */
public record Tweet(
    String id,
    String authorId,
    String text,
    long postedAt,
    @JsonInclude(JsonInclude.Include.NON_NULL) String requestId)
    implements CborSerializable {

  public static String idFor(long postedAt, String authorId) {
    return String.format("%013d-%s", postedAt, authorId);
  }

  /** The copy that goes to followers: the request id is the author's business only. */
  public Tweet withoutRequestId() {
    return requestId == null ? this : new Tweet(id, authorId, text, postedAt, null);
  }
}
