package dev.timeline.lab.history;

/**
 * One of an author's own tweets as read back from {@code GET /users/{id}/tweets}.
 *
 * @param id        the tweet id
 * @param requestId the client request id of the post that made it; null if it had none
 */
public record OwnTweet(String id, String requestId) {}
