package dev.timeline.node;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.handleExceptions;
import static akka.http.javadsl.server.Directives.handleRejections;
import static akka.http.javadsl.server.Directives.onComplete;
import static akka.http.javadsl.server.Directives.withRequestTimeoutResponse;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RetryAfter;
import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timeline.core.Rejection;
import dev.timeline.core.UserEntity;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * What a failure means to a client, on every port of a node: a status, a stable error kind and a
 * human message, sent as {@code {"error","message"}}. A 503 always carries {@code Retry-After: 1}.
 * With {@link JsonBody} and {@link Replies} the toolkit of every route class: errors, asks
 * ({@link #answer}) and the handling of rejections and exceptions ({@link #handled}).
 */
public record ApiError(StatusCode status, String error, String message) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public static ApiError badRequest(String message) {
    return new ApiError(StatusCodes.BAD_REQUEST, "bad_request", message);
  }

  public static ApiError notFound(String message) {
    return new ApiError(StatusCodes.NOT_FOUND, "not_found", message);
  }

  public static ApiError unavailable(String message) {
    return new ApiError(StatusCodes.SERVICE_UNAVAILABLE, "unavailable", message);
  }

  /**
   * A refused command maps to its client error; any other failure of an ask (a timeout, a shard
   * that cannot be reached) says nothing about the request, so the client may retry shortly.
   */
  public static ApiError of(Throwable failure) {
    return Rejection.of(failure).map(rejection -> {
      String message = Rejection.messageOf(failure);
      return switch (rejection) {
        case INVALID -> badRequest(message);
        case NOT_FOUND -> notFound(message);
        case CONFLICT -> new ApiError(StatusCodes.CONFLICT, "conflict", message);
      };
    }).orElseGet(() -> unavailable("no answer in time, try again: " + rootCause(failure)));
  }

  /** A user id the entities would refuse, caught before any entity is touched (so nothing starts or is journaled). */
  public static ApiError badUserId(String id) {
    return badRequest("bad user id '" + abbreviate(id) + "': must match " + UserEntity.VALID_ID);
  }

  /** The stable error kind of a status. */
  public static String kind(StatusCode status) {
    return switch (status.intValue()) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 409 -> "conflict";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      case 503 -> "unavailable";
      default -> status.reason().toLowerCase().replaceAll("[^a-z0-9]+", "_");
    };
  }

  public HttpResponse response() {
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(JSON.createObjectNode().put("error", error).put("message", message));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    HttpResponse response = HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, body);
    return status.equals(StatusCodes.SERVICE_UNAVAILABLE) ? response.addHeader(RetryAfter.create(1L)) : response;
  }

  public Route route() {
    return complete(response());
  }

  /** Completes with the ask's value, or with the error its failure stands for (every route class answers so). */
  public static <T> Route answer(CompletionStage<T> reply, Function<T, Route> onSuccess) {
    return onComplete(reply, result -> result.isSuccess() ? onSuccess.apply(result.get()) : of(result.failed().get()).route());
  }

  /** A caller's input as an error message quotes it: at most 40 characters. */
  public static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }

  /**
   * {@code inner} with every rejection, unexpected exception and request timeout answered as this document.
   * Akka's default handler knows the right status for each built-in rejection (405 with an Allow
   * header, 413 for an entity over the size limit, 415, 404 when nothing matched, ...); only its
   * plain-text bodies are rewritten.
   */
  public static Route handled(Supplier<Route> inner) {
    return withRequestTimeoutResponse(ApiError::timedOut, () -> bugsAnswered(() -> handleRejections(REJECTIONS, inner)));
  }

  /** {@code inner} with an exception it throws answered as a 500 (a bug), where rejections must still pass on. */
  static Route bugsAnswered(Supplier<Route> inner) {
    return handleExceptions(EXCEPTIONS, inner);
  }

  /** Akka's own answer to a request past akka.http.server.request-timeout is a plain-text 503 without Retry-After. */
  private static HttpResponse timedOut(HttpRequest request) {
    return unavailable("no response within the server's request timeout, try again").response();
  }

  private static final RejectionHandler REJECTIONS = RejectionHandler.defaultHandler().mapRejectionResponse(response -> {
    if (response.entity().getContentType().equals(ContentTypes.APPLICATION_JSON)) return response;
    String text = response.entity() instanceof HttpEntity.Strict strict
        ? strict.getData().decodeString(StandardCharsets.UTF_8)
        : response.status().reason();
    return new ApiError(response.status(), kind(response.status()), text.strip()).response()
        .addHeaders(response.getHeaders()); // e.g. Allow on 405
  });

  /** Reached only by a bug: every failure of an ask is mapped where it is awaited. */
  private static final ExceptionHandler EXCEPTIONS = ExceptionHandler.newBuilder()
      .match(Throwable.class, failure -> {
        LoggerFactory.getLogger(ApiError.class).error("request failed", failure);
        return new ApiError(StatusCodes.INTERNAL_SERVER_ERROR, "internal_error", failure.toString()).route();
      })
      .build();

  private static String rootCause(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null) t = t.getCause();
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
