package dev.timeline.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Map;
import java.util.TreeMap;
import scala.Option;
import scala.collection.immutable.HashMap;

/**
 * An immutable map from user id to the newest version applied for it, with cheap updates (a
 * celebrity has 100k followers; see {@link IdSet}). An id never seen has version 0, so only
 * versions above 0 are stored, and an entry stays after its id is removed elsewhere (a tombstone).
 */
public final class Versions {
  private static final Versions EMPTY = new Versions(HashMap$.empty());
  private final HashMap<String, Object> versions;

  private Versions(HashMap<String, Object> versions) {
    this.versions = versions;
  }

  public static Versions empty() {
    return EMPTY;
  }

  // DELEGATING: the value is the bare JSON object (see IdSet).
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Versions of(Map<String, Long> versions) {
    Versions out = EMPTY;
    for (var e : versions.entrySet()) out = out.advanced(e.getKey(), e.getValue());
    return out;
  }

  /** The newest version applied for {@code id}, 0 if none. */
  public long get(String id) {
    Option<Object> v = versions.get(id);
    return v.isDefined() ? (Long) v.get() : 0L;
  }

  /** With {@code id} at {@code version}, unless it already is at that or a newer one. */
  public Versions advanced(String id, long version) {
    return version > get(id) ? new Versions(versions.updated(id, version)) : this;
  }

  public int size() {
    return versions.size();
  }

  @JsonValue
  public Map<String, Long> toMap() {
    Map<String, Long> out = new TreeMap<>();
    versions.foreach(e -> out.put(e._1(), (Long) e._2()));
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Versions v && versions.equals(v.versions);
  }

  @Override
  public int hashCode() {
    return versions.hashCode();
  }

  @Override
  public String toString() {
    return "Versions" + toMap();
  }

  private static final class HashMap$ {
    static HashMap<String, Object> empty() {
      return scala.collection.immutable.HashMap$.MODULE$.empty();
    }
  }
}
