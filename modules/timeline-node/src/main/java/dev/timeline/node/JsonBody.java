package dev.timeline.node;

import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.server.Directives;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Request bodies read strictly, token by token: exactly one JSON object, each name at most once,
 * each value of the type its field needs. Jackson's data binding would take {@code {"text": 42}}
 * as the text "42"; here a number, boolean, object, array or null where a string belongs is a 400
 * that names the field. Streaming also keeps a 16 MiB import batch from becoming a tree first.
 */
public final class JsonBody {
  private JsonBody() {}

  /** Why a body is refused; its message goes to the client in a 400. */
  public static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  private static final JsonFactory FACTORY = new JsonFactory();

  /** Only {@code application/json} (else 415, from Akka's rejection), as text. */
  private static final Unmarshaller<HttpEntity, String> JSON_TEXT =
      Unmarshaller.forMediaType(MediaTypes.APPLICATION_JSON, Unmarshaller.entityToString());

  /** The request's JSON body, read by {@code read}: a refused body is a 400 naming the problem. */
  public static <T> Route entity(Function<String, T> read, Function<T, Route> inner) {
    return Directives.entity(JSON_TEXT, text -> {
      T value;
      try {
        value = read.apply(text);
      } catch (Invalid e) {
        return ApiError.badRequest(e.getMessage()).route();
      }
      return inner.apply(value);
    });
  }

  /** {@code {"name": "text", ...}} with names among {@code allowed}, or any names when it is empty. */
  public static Map<String, String> strings(String body, Set<String> allowed) {
    return object(body, allowed, (parser, name) -> string(parser, "field '" + ApiError.abbreviate(name) + "'"));
  }

  /** {@code {"name": ["text", ...], ...}}, any names. */
  public static Map<String, List<String>> stringLists(String body) {
    return object(body, Set.of(), (parser, name) -> {
      if (parser.currentToken() != JsonToken.START_ARRAY)
        throw new Invalid("'" + ApiError.abbreviate(name) + "' must be an array of strings, not " + describe(parser.currentToken()));
      List<String> values = new ArrayList<>();
      for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken())
        values.add(string(parser, "element " + values.size() + " of '" + ApiError.abbreviate(name) + "'"));
      return values;
    });
  }

  /** The value of a field that must be there. */
  public static String required(Map<String, String> fields, String name) {
    String value = fields.get(name);
    if (value == null) throw new Invalid("field '" + name + "' is missing");
    return value;
  }

  private interface ValueReader<V> {
    V read(JsonParser parser, String name) throws IOException;
  }

  private static <V> Map<String, V> object(String body, Set<String> allowed, ValueReader<V> value) {
    try (JsonParser parser = FACTORY.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT)
        throw new Invalid("the body must be a JSON object");
      Map<String, V> fields = new LinkedHashMap<>();
      for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
        String name = parser.getCurrentName();
        if (!allowed.isEmpty() && !allowed.contains(name))
          throw new Invalid("unknown field '" + ApiError.abbreviate(name) + "' (the fields are " + String.join(", ", new TreeSet<>(allowed)) + ")");
        parser.nextToken();
        // A repeated name would let two readers of the same body see different values.
        if (fields.put(name, value.read(parser, name)) != null)
          throw new Invalid("field '" + ApiError.abbreviate(name) + "' appears twice");
      }
      if (parser.nextToken() != null) throw new Invalid("the body must be one JSON object, with nothing after it");
      return fields;
    } catch (JsonProcessingException e) {
      throw new Invalid("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a String does no I/O
    }
  }

  private static String string(JsonParser parser, String what) throws IOException {
    if (parser.currentToken() != JsonToken.VALUE_STRING)
      throw new Invalid(what + " must be a string, not " + describe(parser.currentToken()));
    return parser.getText();
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null (leave an optional field out instead)";
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      default -> token.toString();
    };
  }

}
