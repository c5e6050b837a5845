package dev.timeline.node;

import akka.event.LoggingAdapter;
import akka.http.ParsingErrorHandler;
import akka.http.javadsl.model.HttpResponse;
import akka.http.scaladsl.model.ErrorInfo;
import akka.http.scaladsl.model.StatusCode;
import akka.http.scaladsl.settings.ServerSettings;

/**
 * The API's JSON error document for requests that Akka HTTP's parser refuses before any route
 * runs (a malformed request line or header, a URI or header over its limits, an unsupported
 * method): Akka's default answers those in plain text. Named by
 * {@code akka.http.server.parsing.error-handler} in this module's reference.conf.
 */
public final class ParseErrors extends ParsingErrorHandler {
  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    log.warning("Illegal request, responding with status '{}': {}", status, info.formatPretty());
    String message = info.detail().isEmpty() ? info.summary() : info.summary() + ": " + info.detail();
    return new ApiError(status, ApiError.kind(status), message).response();
  }
}
