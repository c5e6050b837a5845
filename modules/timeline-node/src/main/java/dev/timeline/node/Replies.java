package dev.timeline.node;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.marshallers.jackson.Jackson;
import akka.http.javadsl.marshalling.Marshaller;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.server.Directives;
import akka.http.javadsl.server.Route;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import java.util.Optional;

/**
 * The success side of the toolkit every route class answers with ({@link ApiError} is the failure
 * side, {@link JsonBody} reads requests): one JSON writer for every reply body of every port.
 */
public final class Replies {
  private Replies() {}

  /**
   * Akka's mapper for the name "timeline-http" (configurable under akka.serialization.jackson),
   * which already knows records, Optional and java.time, like the one the cluster messages use.
   */
  public static <T> Marshaller<T, RequestEntity> json(ActorSystem<?> system) {
    return Jackson.marshaller(JacksonObjectMapperProvider.get(system).getOrCreate("timeline-http", Optional.empty()));
  }

  /** 200 with a plain-text body (DeathStarBench's success texts). */
  public static Route text(String body) {
    return Directives.complete(HttpResponse.create().withEntity(ContentTypes.TEXT_PLAIN_UTF8, body));
  }
}
