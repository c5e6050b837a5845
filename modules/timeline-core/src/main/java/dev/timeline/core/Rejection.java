package dev.timeline.core;

import akka.pattern.StatusReply;
import java.util.Optional;

/**
 * Why a command was refused. It travels inside a {@link StatusReply} error message as a prefix
 * ("NOT_FOUND: ...") because StatusReply's own serializer carries only text; callers (the HTTP
 * routes) turn it back into a kind with {@link #of(Throwable)}.
 */
public enum Rejection {
  INVALID,
  NOT_FOUND,
  CONFLICT;

  public <T> StatusReply<T> reply(String message) {
    return StatusReply.error(name() + ": " + message);
  }

  /** The kind of a failed StatusReply, or empty for any other failure (timeouts, crashes). */
  public static Optional<Rejection> of(Throwable failure) {
    Throwable t = failure;
    while (t != null && !(t instanceof StatusReply.ErrorMessage)) t = t.getCause();
    if (t == null) return Optional.empty();
    String message = t.getMessage();
    for (Rejection r : values()) if (message.startsWith(r.name() + ": ")) return Optional.of(r);
    return Optional.empty();
  }

  /** The human part of a rejection's message. */
  public static String messageOf(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null && !(t instanceof StatusReply.ErrorMessage)) t = t.getCause();
    String message = t.getMessage();
    int colon = message == null ? -1 : message.indexOf(": ");
    return colon < 0 ? String.valueOf(message) : message.substring(colon + 2);
  }
}
