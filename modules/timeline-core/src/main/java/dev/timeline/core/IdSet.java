package dev.timeline.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;
import scala.collection.immutable.HashSet;

/**
 * An immutable set of user ids with cheap updates. A celebrity has 100k followers; copying a
 * java.util set per follow would make building that set quadratic, so this wraps Scala's
 * persistent hash set (already on the classpath with Akka).
 */
public final class IdSet {
  private static final IdSet EMPTY = new IdSet(HashSet$.empty());
  private final HashSet<String> ids;

  private IdSet(HashSet<String> ids) {
    this.ids = ids;
  }

  public static IdSet empty() {
    return EMPTY;
  }

  // DELEGATING: the value is the bare JSON array. Left to infer the mode, Jackson 2.11 with the
  // parameter-names module (as Akka configures it) takes the parameter name for a property and
  // then fails to read the array it wrote.
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static IdSet of(List<String> ids) {
    return EMPTY.withAll(ids);
  }

  public IdSet with(String id) {
    return new IdSet(ids.incl(id));
  }

  public IdSet withAll(java.util.Collection<String> more) {
    HashSet<String> next = ids;
    for (String id : more) next = next.incl(id);
    return new IdSet(next);
  }

  public IdSet without(String id) {
    return new IdSet(ids.excl(id));
  }

  public boolean contains(String id) {
    return ids.contains(id);
  }

  public int size() {
    return ids.size();
  }

  @JsonValue
  public List<String> toList() {
    List<String> out = new ArrayList<>(ids.size());
    ids.foreach(id -> out.add(id));
    out.sort(null);
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdSet s && ids.equals(s.ids);
  }

  @Override
  public int hashCode() {
    return ids.hashCode();
  }

  @Override
  public String toString() {
    return "IdSet" + toList();
  }

  // Scala companion objects are reached through MODULE$; this keeps that noise in one place.
  private static final class HashSet$ {
    static HashSet<String> empty() {
      return scala.collection.immutable.HashSet$.MODULE$.empty();
    }
  }
}
