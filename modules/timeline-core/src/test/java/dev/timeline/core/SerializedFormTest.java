package dev.timeline.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import com.typesafe.config.ConfigFactory;
import dev.timeline.core.UserEntity.BecameCelebrity;
import dev.timeline.core.UserEntity.Followed;
import dev.timeline.core.UserEntity.FollowerAdded;
import dev.timeline.core.UserEntity.FollowerRemoved;
import dev.timeline.core.UserEntity.FollowersImported;
import dev.timeline.core.UserEntity.FollowingImported;
import dev.timeline.core.UserEntity.Mentioned;
import dev.timeline.core.UserEntity.PullingFrom;
import dev.timeline.core.UserEntity.Registered;
import dev.timeline.core.UserEntity.State;
import dev.timeline.core.UserEntity.TimelineDelivered;
import dev.timeline.core.UserEntity.TweetPosted;
import dev.timeline.core.UserEntity.Unfollowed;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The journal and the snapshot store hold user events and states as Jackson CBOR under a
 * manifest that is the class's binary name: renaming, moving or un-nesting one of these classes,
 * or changing its fields, would leave existing databases unreadable. {@code serialized/user.txt}
 * holds one sample of each, as the code wrote them when the file was made: each must still
 * deserialize to the same value under the same serializer and manifest, and serialize to the
 * same bytes.
 *
 * <p>Regenerate (only for a deliberate, migrated change of the form) with
 * {@code -Dtimeline.write-serialized-samples=true}.
 */
class SerializedFormTest {
  private static final String RESOURCE = "serialized/user.txt";

  private static final ActorTestKit kit = ActorTestKit.create("SerializedFormTest", ConfigFactory.parseString("""
      akka.actor.provider = local
      akka.remote.artery.enabled = off
      """).withFallback(ConfigFactory.load()));

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static final Tweet PLAIN = new Tweet(Tweet.idFor(1700000000000L, "alice"), "alice", "hello, world", 1700000000000L, null);
  private static final Tweet FULL = new Tweet(Tweet.idFor(1700000000001L, "alice"), "alice", "hi @bob: ünïcødé 🐦", 1700000000001L,
      "req-1", List.of("bob", "carol"), List.of(new Tweet.Media("m1", "image"), new Tweet.Media("m2", "video")));

  /** One value of every persisted class, by a stable name; the states cover empty, full and null fields. */
  static Map<String, Object> samples() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("Registered", new Registered("Alice"));
    s.put("Followed", new Followed("bob"));
    s.put("Unfollowed", new Unfollowed("bob"));
    s.put("FollowerAdded", new FollowerAdded("carol", 17));
    s.put("FollowerRemoved", new FollowerRemoved("carol", 18));
    s.put("TweetPosted", new TweetPosted(PLAIN, false));
    s.put("TweetPosted.full", new TweetPosted(FULL, true));
    s.put("BecameCelebrity", new BecameCelebrity("alice"));
    s.put("PullingFrom", new PullingFrom("dave"));
    s.put("FollowingImported", new FollowingImported(List.of("bob", "carol")));
    s.put("FollowersImported", new FollowersImported(List.of("erin", "frank"), false));
    s.put("FollowersImported.pull", new FollowersImported(List.of("erin"), true));
    s.put("Mentioned", new Mentioned(FULL.withoutRequestId()));
    s.put("TimelineDelivered", new TimelineDelivered(PLAIN));
    s.put("State.unregistered", State.unregistered());
    s.put("State.full", new State("Alice", IdSet.of(List.of("bob", "carol")), IdSet.of(List.of("erin")),
        Versions.of(Map.of("erin", 3L, "frank", 5L)), IdSet.of(List.of("carol")), true,
        Timeline.of(List.of(FULL, PLAIN)), 2, Timeline.of(List.of(FULL.withoutRequestId())), 1700000000001L));
    return s;
  }

  record Sample(String name, int serializerId, String manifest, byte[] bytes) {
    String line() {
      return name + " " + serializerId + " " + manifest + " " + Base64.getEncoder().encodeToString(bytes);
    }

    static Sample parse(String line) {
      String[] f = line.split(" ");
      return new Sample(f[0], Integer.parseInt(f[1]), f[2], Base64.getDecoder().decode(f[3]));
    }
  }

  private static Sample serialized(Serialization serialization, String name, Object value) {
    var serializer = serialization.findSerializerFor(value);
    return new Sample(name, serializer.identifier(), Serializers.manifestFor(serializer, value), serialization.serialize(value).get());
  }

  @Test
  void everyStoredSampleReadsAsBeforeAndIsWrittenAsBefore() throws IOException {
    Serialization serialization = SerializationExtension.get(kit.system());
    Map<String, Object> samples = samples();
    if (Boolean.getBoolean("timeline.write-serialized-samples")) write(serialization, samples);
    List<Sample> stored = stored();
    assertEquals(List.copyOf(samples.keySet()), stored.stream().map(Sample::name).toList(), "a sample for every persisted class");
    for (Sample sample : stored) {
      Object expected = samples.get(sample.name());
      Object read = serialization.deserialize(sample.bytes(), sample.serializerId(), sample.manifest()).get();
      assertEquals(expected, read, sample.name() + " reads as it was written");
      Sample now = serialized(serialization, sample.name(), expected);
      assertEquals(sample.serializerId(), now.serializerId(), sample.name() + ": serializer");
      assertEquals(sample.manifest(), now.manifest(), sample.name() + ": manifest (the class's binary name)");
      assertArrayEquals(sample.bytes(), now.bytes(), sample.name() + ": bytes");
    }
  }

  private static List<Sample> stored() throws IOException {
    try (InputStream in = SerializedFormTest.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) throw new AssertionError(RESOURCE + " is missing");
      List<Sample> samples = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
        if (!line.isBlank() && !line.startsWith("#")) samples.add(Sample.parse(line));
      return samples;
    }
  }

  /** Into the source tree (the test runs from the module's directory), for a commit. */
  private static void write(Serialization serialization, Map<String, Object> samples) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("# name serializer-id manifest base64(bytes): see SerializedFormTest; never edit by hand");
    samples.forEach((name, value) -> lines.add(serialized(serialization, name, value).line()));
    Files.write(Path.of("src/test/resources", RESOURCE), lines);
  }
}
