package dev.timeline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import akka.persistence.testkit.javadsl.SnapshotTestKit;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.timeline.core.UserEntity.BecameCelebrity;
import dev.timeline.core.UserEntity.Event;
import dev.timeline.core.UserEntity.Followed;
import dev.timeline.core.UserEntity.FollowerAdded;
import dev.timeline.core.UserEntity.FollowerRemoved;
import dev.timeline.core.UserEntity.FollowersImported;
import dev.timeline.core.UserEntity.FollowingImported;
import dev.timeline.core.UserEntity.Mentioned;
import dev.timeline.core.UserEntity.Registered;
import dev.timeline.core.UserEntity.State;
import dev.timeline.core.UserEntity.TweetPosted;
import dev.timeline.core.UserEntity.Unfollowed;
import dev.timeline.core.UserProtocol.AddFollower;
import dev.timeline.core.UserProtocol.Command;
import dev.timeline.core.UserProtocol.Deliver;
import dev.timeline.core.UserProtocol.Delivered;
import dev.timeline.core.UserProtocol.Follow;
import dev.timeline.core.UserProtocol.Followers;
import dev.timeline.core.UserProtocol.GetFollowers;
import dev.timeline.core.UserProtocol.GetHomeSources;
import dev.timeline.core.UserProtocol.GetHomeTimeline;
import dev.timeline.core.UserProtocol.GetProfile;
import dev.timeline.core.UserProtocol.GetUserTimeline;
import dev.timeline.core.UserProtocol.HomeSources;
import dev.timeline.core.UserProtocol.ImportFollowers;
import dev.timeline.core.UserProtocol.ImportFollowing;
import dev.timeline.core.UserProtocol.PostTweet;
import dev.timeline.core.UserProtocol.Profile;
import dev.timeline.core.UserProtocol.PullFrom;
import dev.timeline.core.UserProtocol.Register;
import dev.timeline.core.UserProtocol.Registration;
import dev.timeline.core.UserProtocol.RemoveFollower;
import dev.timeline.core.UserProtocol.TimelinePage;
import dev.timeline.core.UserProtocol.Unfollow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserEntityTest {

  private static final String PID = "User|alice";

  private static ActorTestKit testKit;

  @BeforeAll
  static void startSystem() {
    // reference.conf of the module asks for a cluster and the JDBC journal; this test runs the
    // behaviour directly (no sharding) on the in-memory persistence testkit plugins.
    Config config = ConfigFactory.parseString("""
            akka.actor.provider = local
            akka.remote.artery.enabled = off
            akka.actor.serialize-messages = on
            akka.loglevel = WARNING
            """)
        .withFallback(EventSourcedBehaviorTestKit.config());
    testKit = ActorTestKit.create("UserEntityTest", config);
  }

  @AfterAll
  static void stopSystem() {
    testKit.shutdownTestKit();
  }

  /** The followees' own tweets, as the home view's rebuild reads them (newest first, paged). */
  private static final Map<String, List<Tweet>> FOLLOWEE_TWEETS = new ConcurrentHashMap<>();
  /** Followees that never answer a rebuild... */
  private static final Set<String> SILENT = ConcurrentHashMap.newKeySet();
  /** ...and how many first asks fail (then they answer). */
  private static final Map<String, AtomicInteger> FAILING = new ConcurrentHashMap<>();
  private static final AtomicInteger ASKS = new AtomicInteger();

  private static final HomeView.Source FOLLOWEES = (id, limit, cursor) -> {
    ASKS.incrementAndGet();
    if (SILENT.contains(id)) return new CompletableFuture<>();
    AtomicInteger failures = FAILING.get(id);
    if (failures != null && failures.getAndDecrement() > 0)
      return CompletableFuture.failedFuture(new java.util.concurrent.TimeoutException("no answer from " + id));
    Timeline own = Timeline.of(FOLLOWEE_TWEETS.getOrDefault(id, List.of()));
    List<Tweet> page = own.page(cursor, limit + 1);
    return CompletableFuture.completedFuture(TimelinePage.within(page, limit, 128 * 1024, false, false));
  };

  @BeforeEach
  void clearStorage() {
    PersistenceTestKit.create(testKit.system()).clearAll();
    SnapshotTestKit.create(testKit.system()).clearAll();
    FOLLOWEE_TWEETS.clear();
    SILENT.clear();
    FAILING.clear();
    ASKS.set(0);
  }

  /** Commands, events and state all go through the real (Jackson CBOR) serializers and back. */
  private static EventSourcedBehaviorTestKit<Command, Event, State> kit(TimelineSettings settings) {
    return EventSourcedBehaviorTestKit.create(
        testKit.system(),
        UserWriter.create("alice", settings, FOLLOWEES),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  /** Settings with the reference page budget and pull cap. */
  static TimelineSettings settings(int home, int own, int snapshotEvery, int instances, Strategy strategy, int threshold) {
    return TestSettings.with(String.format("""
        home-timeline-size = %d, user-timeline-size = %d, snapshot-every = %d
        fan-out { instances = %d, strategy = %s, hybrid-threshold = %d }
        """, home, own, snapshotEvery, instances, strategy, threshold));
  }

  private static EventSourcedBehaviorTestKit<Command, Event, State> kit() {
    return kit(settings(3, 3, 1000, 4, Strategy.PUSH, 1000));
  }

  private static EventSourcedBehaviorTestKit<Command, Event, State> registered() {
    var kit = kit();
    register(kit, "Alice");
    return kit;
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static CommandResultWithReply<Command, Event, State, StatusReply<Registration>> register(
      EventSourcedBehaviorTestKit<Command, Event, State> kit, String name) {
    return kit.runCommand(r -> new Register(name, r));
  }

  private static CommandResultWithReply<Command, Event, State, StatusReply<Tweet>> post(
      EventSourcedBehaviorTestKit<Command, Event, State> kit, String text, Optional<String> requestId) {
    return kit.runCommand(r -> new PostTweet(text, requestId, r));
  }

  private static Tweet posted(EventSourcedBehaviorTestKit<Command, Event, State> kit, String text) {
    var result = post(kit, text, Optional.empty());
    return result.reply().getValue();
  }

  private static CommandResultWithReply<Command, Event, State, StatusReply<Long>> follow(
      EventSourcedBehaviorTestKit<Command, Event, State> kit, String id) {
    return kit.runCommand(r -> new Follow(id, r));
  }

  private static CommandResultWithReply<Command, Event, State, StatusReply<Long>> unfollow(
      EventSourcedBehaviorTestKit<Command, Event, State> kit, String id) {
    return kit.runCommand(r -> new Unfollow(id, r));
  }

  private static CommandResultWithReply<Command, Event, State, StatusReply<Done>> addFollower(
      EventSourcedBehaviorTestKit<Command, Event, State> kit, String id, long version) {
    return kit.runCommand(r -> new AddFollower(id, version, r));
  }

  private static CommandResultWithReply<Command, Event, State, StatusReply<Done>> removeFollower(
      EventSourcedBehaviorTestKit<Command, Event, State> kit, String id, long version) {
    return kit.runCommand(r -> new RemoveFollower(id, version, r));
  }

  /** Deliveries in these tests come in this batch, and each must be acknowledged with it. */
  private static final long BATCH = 7;
  private static final Delivered DELIVERED = new Delivered(BATCH);

  private static CommandResultWithReply<Command, Event, State, Delivered> deliver(
      EventSourcedBehaviorTestKit<Command, Event, State> kit, Tweet tweet) {
    return kit.runCommand(r -> new Deliver(List.of(tweet), BATCH, r));
  }

  private static TimelinePage home(
      EventSourcedBehaviorTestKit<Command, Event, State> kit, int limit, Optional<String> cursor) {
    CommandResultWithReply<Command, Event, State, StatusReply<TimelinePage>> result =
        kit.runCommand(r -> new GetHomeTimeline(limit, cursor, r));
    assertTrue(result.hasNoEvents());
    return result.reply().getValue();
  }

  private static TimelinePage own(
      EventSourcedBehaviorTestKit<Command, Event, State> kit, int limit, Optional<String> cursor) {
    CommandResultWithReply<Command, Event, State, StatusReply<TimelinePage>> result =
        kit.runCommand(r -> new GetUserTimeline(limit, cursor, r));
    assertTrue(result.hasNoEvents());
    return result.reply().getValue();
  }

  private static Profile profile(EventSourcedBehaviorTestKit<Command, Event, State> kit) {
    CommandResultWithReply<Command, Event, State, StatusReply<Profile>> result = kit.runCommand(GetProfile::new);
    assertTrue(result.hasNoEvents());
    return result.reply().getValue();
  }

  private static Tweet tweetOf(String author, long postedAt) {
    return new Tweet(Tweet.idFor(postedAt, author), author, "by " + author + " at " + postedAt, postedAt, null);
  }

  private static List<String> ids(TimelinePage page) {
    return page.tweets().stream().map(Tweet::id).toList();
  }

  /** Asserts an error reply of the given kind, with no event written. */
  private static void assertRejected(Rejection kind, CommandResultWithReply<Command, Event, State, ? extends StatusReply<?>> result) {
    StatusReply<?> reply = result.reply();
    assertTrue(reply.isError(), () -> "expected " + kind + " but was " + reply);
    assertEquals(Optional.of(kind), Rejection.of(reply.getError()), () -> reply.getError().getMessage());
    assertTrue(reply.getError().getMessage().startsWith(kind.name() + ": "));
    assertTrue(result.hasNoEvents(), () -> "unexpected events " + result.events());
  }

  /** A follow or unfollow answers its version: the follower's sequence number when it took effect. */
  private static void assertVersion(long expected, CommandResultWithReply<Command, Event, State, StatusReply<Long>> result) {
    assertTrue(result.reply().isSuccess(), () -> "expected a version but was " + result.reply());
    assertEquals(expected, result.reply().getValue());
  }

  private static void assertAck(CommandResultWithReply<Command, Event, State, StatusReply<Done>> result) {
    assertTrue(result.reply().isSuccess(), () -> "expected ack but was " + result.reply());
    assertEquals(Done.getInstance(), result.reply().getValue());
  }

  // ---- Register -------------------------------------------------------------------------------

  @Test
  void registerCreatesTheUser() {
    var kit = kit();
    var result = register(kit, "  Alice Liddell ");
    assertEquals(new Registered("Alice Liddell"), result.event());
    assertEquals(1, result.events().size());
    assertTrue(result.reply().isSuccess());
    assertEquals(new Registration(new Profile("alice", "Alice Liddell", 0, 0, 0), true), result.reply().getValue());
    assertEquals("Alice Liddell", result.state().name());
    assertTrue(result.state().isRegistered());
  }

  @Test
  void registerAgainWithTheSameNameIsIdempotent() {
    var kit = registered();
    var again = register(kit, "Alice");
    assertTrue(again.hasNoEvents());
    assertEquals(new Registration(new Profile("alice", "Alice", 0, 0, 0), false), again.reply().getValue());
    // The name is compared after stripping, as it was stored.
    var padded = register(kit, " Alice ");
    assertTrue(padded.hasNoEvents());
    assertFalse(padded.reply().getValue().created());
  }

  @Test
  void registerWithAnotherNameConflicts() {
    var kit = registered();
    assertRejected(Rejection.CONFLICT, register(kit, "Mallory"));
    assertEquals("Alice", kit.getState().name());
  }

  @Test
  void registerWithABadNameIsInvalid() {
    var kit = kit();
    assertRejected(Rejection.INVALID, register(kit, ""));
    assertRejected(Rejection.INVALID, register(kit, "   \t "));
    assertRejected(Rejection.INVALID, register(kit, null));
    assertRejected(Rejection.INVALID, register(kit, "x".repeat(UserEntity.MAX_NAME_LENGTH + 1)));
    assertFalse(kit.getState().isRegistered());
    // The limit itself is fine, and the check applies once registered too.
    var ok = register(kit, "x".repeat(UserEntity.MAX_NAME_LENGTH));
    assertTrue(ok.reply().getValue().created());
    assertRejected(Rejection.INVALID, register(kit, " "));
  }

  // ---- unregistered user ----------------------------------------------------------------------

  @Test
  void everyCommandOnAnUnregisteredUserIsNotFound() {
    var kit = kit();
    assertRejected(Rejection.NOT_FOUND, kit.<StatusReply<Profile>>runCommand(GetProfile::new));
    assertRejected(Rejection.NOT_FOUND, follow(kit, "bob"));
    assertRejected(Rejection.NOT_FOUND, unfollow(kit, "bob"));
    assertRejected(Rejection.NOT_FOUND, kit.<StatusReply<Done>>runCommand(r -> new AddFollower("bob", 0, r)));
    assertRejected(Rejection.NOT_FOUND, kit.<StatusReply<Done>>runCommand(r -> new RemoveFollower("bob", 0, r)));
    assertRejected(Rejection.NOT_FOUND, post(kit, "hello", Optional.of("req-1")));
    assertRejected(Rejection.NOT_FOUND, kit.<StatusReply<Followers>>runCommand(GetFollowers::new));
    assertRejected(Rejection.NOT_FOUND,
        kit.<StatusReply<TimelinePage>>runCommand(r -> new GetHomeTimeline(10, Optional.empty(), r)));
    assertRejected(Rejection.NOT_FOUND,
        kit.<StatusReply<TimelinePage>>runCommand(r -> new GetUserTimeline(10, Optional.empty(), r)));
    assertEquals(State.unregistered(), kit.getState());
  }

  @Test
  void deliverToAnUnregisteredUserIsAcknowledgedWithoutAnEvent() {
    var kit = kit();
    var result = deliver(kit, tweetOf("bob", 1000));
    assertEquals(DELIVERED, result.reply());
    assertTrue(result.hasNoEvents());
    assertEquals(State.unregistered(), result.state());
  }

  // ---- Follow / Unfollow ----------------------------------------------------------------------

  @Test
  void followPersistsFollowedOnce() {
    var kit = registered();
    var first = follow(kit, "bob");
    assertVersion(2, first); // Registered is 1
    assertEquals(List.of(new Followed("bob")), first.events());
    assertTrue(first.state().following().contains("bob"));

    var second = follow(kit, "bob");
    assertVersion(2, second);
    assertTrue(second.hasNoEvents());
    assertEquals(1, second.state().following().size());
    assertEquals(new Profile("alice", "Alice", 0, 1, 0), profile(kit));
  }

  @Test
  void followingYourselfIsInvalid() {
    var kit = registered();
    assertRejected(Rejection.INVALID, follow(kit, "alice"));
    assertEquals(0, kit.getState().following().size());
  }

  @Test
  void followingABadIdIsInvalid() {
    var kit = registered();
    assertRejected(Rejection.INVALID, follow(kit, ""));
    assertRejected(Rejection.INVALID, follow(kit, "bob smith"));
    assertRejected(Rejection.INVALID, follow(kit, "bob/../x"));
    assertRejected(Rejection.INVALID, follow(kit, "é"));
    assertRejected(Rejection.INVALID, follow(kit, "b".repeat(65)));
    assertEquals(0, kit.getState().following().size());
    // The boundaries of the id pattern are accepted.
    assertVersion(2, follow(kit, "b".repeat(64)));
    assertVersion(3, follow(kit, "Bob_9-x"));
    assertEquals(2, kit.getState().following().size());
  }

  @Test
  void unfollow() {
    var kit = registered();
    follow(kit, "bob");
    var result = unfollow(kit, "bob");
    assertVersion(3, result);
    assertEquals(List.of(new Unfollowed("bob")), result.events());
    assertFalse(result.state().following().contains("bob"));

    var notFollowed = unfollow(kit, "bob");
    assertVersion(3, notFollowed);
    assertTrue(notFollowed.hasNoEvents());
    var never = unfollow(kit, "carol");
    assertVersion(3, never);
    assertTrue(never.hasNoEvents());
  }

  // ---- AddFollower / RemoveFollower -----------------------------------------------------------

  @Test
  void followersAreAddedAndRemovedIdempotently() {
    var kit = registered();
    var added = kit.<StatusReply<Done>>runCommand(r -> new AddFollower("carol", 0, r));
    assertAck(added);
    assertEquals(List.of(new FollowerAdded("carol", 0)), added.events());
    var again = kit.<StatusReply<Done>>runCommand(r -> new AddFollower("carol", 0, r));
    assertAck(again);
    assertTrue(again.hasNoEvents());
    assertAck(kit.<StatusReply<Done>>runCommand(r -> new AddFollower("bob", 0, r)));

    var followers = kit.<StatusReply<Followers>>runCommand(GetFollowers::new);
    assertTrue(followers.hasNoEvents());
    assertEquals(List.of("bob", "carol"), followers.reply().getValue().ids());
    assertEquals(new Profile("alice", "Alice", 2, 0, 0), profile(kit));

    var removed = kit.<StatusReply<Done>>runCommand(r -> new RemoveFollower("carol", 0, r));
    assertAck(removed);
    assertEquals(List.of(new FollowerRemoved("carol", 0)), removed.events());
    var removedAgain = kit.<StatusReply<Done>>runCommand(r -> new RemoveFollower("carol", 0, r));
    assertAck(removedAgain);
    assertTrue(removedAgain.hasNoEvents());
    var neverThere = kit.<StatusReply<Done>>runCommand(r -> new RemoveFollower("dave", 0, r));
    assertAck(neverThere);
    assertTrue(neverThere.hasNoEvents());
    assertEquals(List.of("bob"), kit.<StatusReply<Followers>>runCommand(GetFollowers::new).reply().getValue().ids());
  }

  /**
   * The fan-out carries each Followed/Unfollowed again, at least once and possibly late, after the
   * direct call: a change older than the newest applied for that follower changes nothing.
   */
  @Test
  void aLateOrReplayedFollowerChangeNeverUndoesANewerOne() {
    var kit = registered();
    // bob: followed at 5, unfollowed at 7, followed again at 9; the fan-out replays all three.
    assertEquals(List.of(new FollowerAdded("bob", 5)), addFollower(kit, "bob", 5).events());
    assertEquals(List.of(new FollowerRemoved("bob", 7)), removeFollower(kit, "bob", 7).events());
    assertEquals(List.of(new FollowerAdded("bob", 9)), addFollower(kit, "bob", 9).events());
    for (long old : List.of(5L, 7L, 9L)) {
      var replayed = old == 7 ? removeFollower(kit, "bob", old) : addFollower(kit, "bob", old);
      assertAck(replayed);
      assertTrue(replayed.hasNoEvents(), "version " + old + " replayed: " + replayed.events());
    }
    assertTrue(kit.getState().followers().contains("bob"), "the unfollow at 7 did not undo the follow at 9");

    // carol: the unfollow (at 6) arrives before the follow it undoes (at 4), which must not revive her.
    assertEquals(List.of(new FollowerRemoved("carol", 6)), removeFollower(kit, "carol", 6).events(), "a tombstone");
    assertTrue(addFollower(kit, "carol", 4).hasNoEvents());
    assertFalse(kit.getState().followers().contains("carol"));
    assertEquals(1, profile(kit).followers());
  }

  @Test
  void aNewerVersionIsRecordedEvenWhenTheFollowersStayTheSame() {
    var kit = registered();
    addFollower(kit, "bob", 5);
    // The follow at 5 was undone at 7 and made again at 9; 7 is still on its way.
    assertEquals(List.of(new FollowerAdded("bob", 9)), addFollower(kit, "bob", 9).events());
    assertTrue(removeFollower(kit, "bob", 7).hasNoEvents(), "7 is older than 9");
    assertTrue(kit.getState().followers().contains("bob"));
    assertEquals(9, kit.getState().followerVersions().get("bob"));

    // Unversioned (imports, 0) apply as before, until a versioned change is applied.
    kit.<StatusReply<Done>>runCommand(r -> new ImportFollowers(List.of("dave"), r));
    assertEquals(List.of(new FollowerRemoved("dave", 0)), removeFollower(kit, "dave", 0).events());
    assertEquals(List.of(new FollowerAdded("dave", 0)), addFollower(kit, "dave", 0).events());
    assertTrue(removeFollower(kit, "bob", 0).hasNoEvents(), "0 is older than 9");
  }

  /** Events and snapshots written before follower changes had versions still read, as version 0. */
  @Test
  void followerEventsAndSnapshotsWithoutVersionsStillRead() throws Exception {
    var serialization = akka.serialization.SerializationExtension.get(testKit.system());
    var cbor = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.cbor.CBORFactory());
    java.util.function.BiFunction<Object, java.util.Map<String, Object>, Object> readAs = (like, fields) -> {
      var serializer = serialization.findSerializerFor(like);
      try {
        return serialization.deserialize(cbor.writeValueAsBytes(fields), serializer.identifier(),
            akka.serialization.Serializers.manifestFor(serializer, like)).get();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
    assertEquals(new FollowerAdded("carol", 0), readAs.apply(new FollowerAdded("x", 1), java.util.Map.of("followerId", "carol")));
    assertEquals(new FollowerRemoved("carol", 0), readAs.apply(new FollowerRemoved("x", 1), java.util.Map.of("followerId", "carol")));

    var kit = registered();
    addFollower(kit, "bob", 3);
    State state = kit.getState();
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> fields = cbor.readValue(serialization.serialize(state).get(), java.util.Map.class);
    assertTrue(fields.remove("followerVersions") != null);
    State old = (State) readAs.apply(state, fields);
    assertEquals(state.followers(), old.followers());
    assertEquals(Versions.empty(), old.followerVersions());
  }

  // ---- strategies, imports, mentions ----------------------------------------------------------

  private static EventSourcedBehaviorTestKit<Command, Event, State> registered(Strategy strategy, int threshold) {
    var kit = kit(settings(10, 10, 1000, 4, strategy, threshold));
    register(kit, "Alice");
    return kit;
  }

  @Test
  void hybridMakesACelebrityExactlyAtTheThreshold() {
    var kit = registered(Strategy.HYBRID, 3);
    kit.<StatusReply<Done>>runCommand(r -> new AddFollower("f1", 0, r));
    var second = kit.<StatusReply<Done>>runCommand(r -> new AddFollower("f2", 0, r));
    assertEquals(List.of(new FollowerAdded("f2", 0)), second.events());
    var below = post(kit, "below", Optional.empty());
    assertFalse(((TweetPosted) below.event()).pulled(), "2 of 3 followers: pushed");

    var third = kit.<StatusReply<Done>>runCommand(r -> new AddFollower("f3", 0, r));
    assertEquals(List.of(new FollowerAdded("f3", 0), new BecameCelebrity("alice")), third.events());
    assertTrue(profile(kit).celebrity());
    var at = post(kit, "at", Optional.empty());
    assertTrue(((TweetPosted) at.event()).pulled(), "3 of 3 followers: pulled");

    var fourth = kit.<StatusReply<Done>>runCommand(r -> new AddFollower("f4", 0, r));
    assertEquals(List.of(new FollowerAdded("f4", 0)), fourth.events(), "a celebrity once");
  }

  @Test
  void pushNeverPullsAndPullAlwaysDoes() {
    var push = registered(Strategy.PUSH, 1);
    push.<StatusReply<Done>>runCommand(r -> new AddFollower("f1", 0, r));
    assertFalse(((TweetPosted) post(push, "p", Optional.empty()).event()).pulled());
    assertFalse(profile(push).celebrity());
    var pull = registered(Strategy.PULL, 1000);
    assertTrue(((TweetPosted) post(pull, "p", Optional.empty()).event()).pulled());
  }

  @Test
  void homeSourcesNameTheFolloweesToPullFrom() {
    var hybrid = registered(Strategy.HYBRID, 3);
    follow(hybrid, "bob");
    follow(hybrid, "carol");
    hybrid.<Done>runCommand(r -> new PullFrom("carol", r));
    hybrid.<Done>runCommand(r -> new PullFrom("dave", r)); // not followed (yet): not read
    var sources = hybrid.<StatusReply<HomeSources>>runCommand(r -> new GetHomeSources(10, Optional.empty(), r));
    assertEquals(List.of("carol"), sources.reply().getValue().pullFrom());
    unfollow(hybrid, "carol");
    assertEquals(List.of(), hybrid.<StatusReply<HomeSources>>runCommand(
        r -> new GetHomeSources(10, Optional.empty(), r)).reply().getValue().pullFrom(), "unfollowing stops pulling");
  }

  @Test
  void importsAddBothSidesOnceAndSkipInvalidIds() {
    var kit = registered(Strategy.HYBRID, 3);
    var following = kit.<StatusReply<Done>>runCommand(r -> new ImportFollowing(List.of("bob", "carol", "bob", "alice", "bad id"), r));
    assertAck(following);
    assertEquals(List.of(new FollowingImported(List.of("bob", "carol"))), following.events());
    assertTrue(kit.<StatusReply<Done>>runCommand(r -> new ImportFollowing(List.of("carol"), r)).hasNoEvents());

    var followers = kit.<StatusReply<Done>>runCommand(r -> new ImportFollowers(List.of("f1", "f2", "f3"), r));
    assertEquals(List.of(new FollowersImported(List.of("f1", "f2", "f3")), new BecameCelebrity("alice")), followers.events());
    assertEquals(new Profile("alice", "Alice", 3, 2, 0, true), profile(kit));
    var later = kit.<StatusReply<Done>>runCommand(r -> new ImportFollowers(List.of("f4"), r));
    assertEquals(List.of(new FollowersImported(List.of("f4"), true)), later.events(), "a celebrity's new followers must pull");
  }

  @Test
  void followersComeInPagesAfterACursor() {
    var kit = registered();
    for (String f : List.of("a", "b", "c", "d", "e")) kit.<StatusReply<Done>>runCommand(r -> new AddFollower(f, 0, r));
    var first = kit.<StatusReply<Followers>>runCommand(r -> new GetFollowers(Optional.empty(), 2, r)).reply().getValue();
    assertEquals(new Followers(List.of("a", "b"), true), first);
    var last = kit.<StatusReply<Followers>>runCommand(r -> new GetFollowers(Optional.of("c"), 2, r)).reply().getValue();
    assertEquals(new Followers(List.of("d", "e"), false), last);
  }

  @Test
  void aMentionIsDeliveredToANonFollowerAndOthersAreNot() {
    var kit = registered();
    Tweet stranger = tweetOf("zed", 10);
    assertTrue(deliver(kit, stranger).hasNoEvents(), "not followed, not mentioned");
    Tweet mention = new Tweet(Tweet.idFor(11, "zed"), "zed", "hi @alice", 11, null, List.of("alice"), List.of());
    assertEquals(List.of(new Mentioned(mention)), deliver(kit, mention).events());
    assertEquals(List.of(mention), home(kit, 10, Optional.empty()).tweets());
    assertTrue(deliver(kit, mention).hasNoEvents(), "a mention is written once");
  }

  @Test
  void aPostKeepsMentionsAndMediaButNotTheAuthorsOwnMention() {
    var kit = registered();
    var media = List.of(new Tweet.Media("42", "png"));
    var result = kit.<StatusReply<Tweet>>runCommand(
        r -> new PostTweet("hi @bob", Optional.empty(), List.of("bob", "alice", "bob"), media, r));
    Tweet tweet = result.reply().getValue();
    assertEquals(List.of("bob"), tweet.mentions());
    assertEquals(media, tweet.media());
    assertRejected(Rejection.INVALID, kit.<StatusReply<Tweet>>runCommand(
        r -> new PostTweet("hi", Optional.empty(), List.of("no good"), List.of(), r)));
  }

  // ---- PostTweet ------------------------------------------------------------------------------

  @Test
  void postPersistsTheTweetWithATimeOrderedId() {
    var kit = registered();
    long before = System.currentTimeMillis();
    var result = post(kit, "hello world", Optional.empty());
    long after = System.currentTimeMillis();
    Tweet tweet = result.reply().getValue();
    assertEquals(List.of(new TweetPosted(tweet)), result.events());
    assertEquals("alice", tweet.authorId());
    assertEquals("hello world", tweet.text());
    assertNull(tweet.requestId());
    assertEquals(Tweet.idFor(tweet.postedAt(), "alice"), tweet.id());
    assertTrue(tweet.postedAt() >= before && tweet.postedAt() <= after, () -> "postedAt " + tweet.postedAt());
    assertEquals(tweet.postedAt(), result.state().lastPostedAt());

    // It is in the user's own tweets and in their home timeline.
    assertEquals(List.of(tweet), own(kit, 10, Optional.empty()).tweets());
    assertEquals(List.of(tweet), home(kit, 10, Optional.empty()).tweets());
    assertEquals(new Profile("alice", "Alice", 0, 0, 1), profile(kit));
  }

  @Test
  void quickSuccessivePostsHaveStrictlyIncreasingIds() {
    var kit = kit(settings(50, 50, 1000, 4, Strategy.PUSH, 1000));
    register(kit, "Alice");
    List<Tweet> tweets = new ArrayList<>();
    for (int i = 0; i < 30; i++) tweets.add(posted(kit, "tweet " + i));
    for (int i = 1; i < tweets.size(); i++) {
      Tweet prev = tweets.get(i - 1), next = tweets.get(i);
      assertTrue(next.postedAt() > prev.postedAt(), "postedAt " + prev.postedAt() + " then " + next.postedAt());
      assertTrue(next.id().compareTo(prev.id()) > 0, prev.id() + " then " + next.id());
    }
    assertEquals(30, own(kit, 100, Optional.empty()).tweets().size());
    assertEquals(30L, profile(kit).tweets());
  }

  @Test
  void postedAtNeverGoesBackEvenIfTheClockIsBehind() {
    var kit = registered();
    // A tweet from the "future" (as if the previous host's clock was ahead) recovered from the journal.
    long future = System.currentTimeMillis() + 3_600_000;
    Tweet earlier = new Tweet(Tweet.idFor(future, "alice"), "alice", "from the future", future, null);
    kit.initialize(new Registered("Alice"), new TweetPosted(earlier));
    Tweet next = posted(kit, "now");
    assertEquals(future + 1, next.postedAt());
    assertEquals(Tweet.idFor(future + 1, "alice"), next.id());
  }

  @Test
  void tweetLengthIsCountedInCodePoints() {
    var kit = kit(settings(10, 10, 1000, 4, Strategy.PUSH, 1000));
    register(kit, "Alice");
    String emojis = "😀".repeat(UserEntity.MAX_TEXT_LENGTH);
    assertEquals(2 * UserEntity.MAX_TEXT_LENGTH, emojis.length(), "two chars per emoji");
    var ok = post(kit, emojis, Optional.empty());
    assertTrue(ok.reply().isSuccess(), () -> ok.reply().toString());
    assertEquals(emojis, ok.reply().getValue().text());
    assertEquals(1, ok.events().size());

    assertRejected(Rejection.INVALID, post(kit, emojis + "😀", Optional.empty()));
    assertRejected(Rejection.INVALID, post(kit, "a".repeat(UserEntity.MAX_TEXT_LENGTH + 1), Optional.empty()));
    assertTrue(post(kit, "a".repeat(UserEntity.MAX_TEXT_LENGTH), Optional.empty()).reply().isSuccess());
    assertEquals(2L, profile(kit).tweets());
  }

  @Test
  void blankTweetsAreInvalid() {
    var kit = registered();
    assertRejected(Rejection.INVALID, post(kit, "", Optional.empty()));
    assertRejected(Rejection.INVALID, post(kit, "  \n\t ", Optional.empty()));
    assertRejected(Rejection.INVALID, post(kit, null, Optional.empty()));
    assertEquals(0L, profile(kit).tweets());
  }

  @Test
  void overlongRequestIdIsInvalid() {
    var kit = registered();
    assertRejected(Rejection.INVALID,
        post(kit, "hi", Optional.of("r".repeat(UserEntity.MAX_REQUEST_ID_LENGTH + 1))));
    var ok = post(kit, "hi", Optional.of("r".repeat(UserEntity.MAX_REQUEST_ID_LENGTH)));
    assertEquals("r".repeat(UserEntity.MAX_REQUEST_ID_LENGTH), ok.reply().getValue().requestId());
  }

  @Test
  void aRetriedPostAnswersWithTheSameTweet() {
    var kit = registered();
    var first = post(kit, "only once", Optional.of("req-1"));
    Tweet tweet = first.reply().getValue();
    assertEquals("req-1", tweet.requestId());
    assertEquals(1, first.events().size());

    var retry = post(kit, "only once", Optional.of("req-1"));
    assertTrue(retry.hasNoEvents());
    assertEquals(tweet, retry.reply().getValue());
    // Even with other text: the request id decides.
    var changed = post(kit, "different text", Optional.of("req-1"));
    assertTrue(changed.hasNoEvents());
    assertEquals(tweet, changed.reply().getValue());

    // Another request id is another tweet.
    var other = post(kit, "only once", Optional.of("req-2"));
    assertEquals(1, other.events().size());
    assertTrue(other.reply().getValue().id().compareTo(tweet.id()) > 0);
    assertEquals(2L, profile(kit).tweets());
  }

  @Test
  void anEmptyRequestIdMeansNone() {
    var kit = registered();
    var a = post(kit, "one", Optional.of(""));
    var b = post(kit, "one", Optional.of(""));
    assertEquals(1, a.events().size());
    assertEquals(1, b.events().size());
    assertNull(a.reply().getValue().requestId());
    assertEquals(2L, profile(kit).tweets());
  }

  @Test
  void ownPagesKeepRequestIdsAndHomePagesNever() {
    var kit = registered();
    follow(kit, "bob");
    Tweet mine = post(kit, "mine", Optional.of("secret-1")).reply().getValue();
    Tweet plain = post(kit, "plain", Optional.empty()).reply().getValue();
    assertEquals("secret-1", kit.getState().ownTweets().tweets().get(1).requestId(), "kept for retries");
    // Even if a delivered copy carried one.
    deliver(kit, new Tweet(Tweet.idFor(mine.postedAt() - 5, "bob"), "bob", "his", mine.postedAt() - 5, "secret-2"));

    TimelinePage ownPage = own(kit, 10, Optional.empty());
    TimelinePage homePage = home(kit, 10, Optional.empty());
    assertEquals(List.of(plain, mine), ownPage.tweets(), "the author's own page: each post as made, request id and all");
    assertEquals("secret-1", ownPage.tweets().get(1).requestId());
    assertEquals(3, homePage.tweets().size());
    homePage.tweets().forEach(t -> assertNull(t.requestId(), t.toString()));
    var sources = kit.<StatusReply<HomeSources>>runCommand(r -> new GetHomeSources(10, Optional.empty(), r));
    assertEquals(homePage, sources.reply().getValue().stored(), "the stored part of a merged home page too");
  }

  /** 1024 four-byte characters: a 200-tweet page of them is 800 KiB, over Artery's 256 KiB frame. */
  static String bigText(int i) {
    String prefix = "#" + i + " ";
    return prefix + "\uD83D\uDE00".repeat(UserEntity.MAX_TEXT_LENGTH - prefix.length());
  }

  @Test
  void pagesStayWithinTheByteBudgetAndPageOn() {
    var kit = kit(settings(100, 100, 1000, 4, Strategy.PUSH, 1000));
    register(kit, "Alice");
    List<Tweet> posted = new ArrayList<>();
    for (int i = 0; i < 60; i++) posted.add(post(kit, bigText(i), Optional.of("big-" + i)).reply().getValue());
    assertEquals(UserEntity.MAX_TEXT_LENGTH, posted.get(0).text().codePointCount(0, posted.get(0).text().length()));
    List<Tweet> newestFirst = new ArrayList<>(posted);
    java.util.Collections.reverse(newestFirst);

    for (boolean ownPages : List.of(true, false)) {
      List<Tweet> read = new ArrayList<>();
      Optional<String> cursor = Optional.empty();
      do {
        TimelinePage page = ownPages ? own(kit, 200, cursor) : home(kit, 200, cursor);
        long bytes = page.tweets().stream().mapToLong(Tweet::wireBytes).sum();
        assertTrue(bytes <= 128 * 1024, "page of " + bytes + " bytes");
        assertTrue(page.tweets().size() >= 20, "a budget of 128 KiB holds about 30 such tweets, was " + page.tweets().size());
        read.addAll(page.tweets());
        cursor = page.nextCursor();
      } while (cursor.isPresent());
      assertEquals(ownPages ? newestFirst : newestFirst.stream().map(Tweet::withoutRequestId).toList(), read,
          "every tweet once, newest first, over several pages");
    }
  }

  @Test
  void aHomeReadPullsFromAtMostTheCappedNumberOfFollowees() {
    var kit = kit(TestSettings.with("""
        home-timeline-size = 10, user-timeline-size = 10, fan-out.strategy = pull, pull-max-followees = 3"""));
    register(kit, "Alice");
    for (String f : List.of("erin", "bob", "dave", "carol")) follow(kit, f);
    var capped = kit.<StatusReply<HomeSources>>runCommand(r -> new GetHomeSources(10, Optional.empty(), r)).reply().getValue();
    assertEquals(List.of("bob", "carol", "dave"), capped.pullFrom(), "the first three in id order");
    assertTrue(capped.capped());
    unfollow(kit, "erin");
    var all = kit.<StatusReply<HomeSources>>runCommand(r -> new GetHomeSources(10, Optional.empty(), r)).reply().getValue();
    assertEquals(List.of("bob", "carol", "dave"), all.pullFrom());
    assertFalse(all.capped(), "three of three");
  }

  @Test
  void ownTweetsAndHomeAreBounded() {
    var kit = registered(); // both sizes 3
    List<Tweet> tweets = new ArrayList<>();
    for (int i = 0; i < 5; i++) tweets.add(posted(kit, "t" + i));
    List<String> newestThree = List.of(tweets.get(4).id(), tweets.get(3).id(), tweets.get(2).id());
    assertEquals(newestThree, ids(own(kit, 10, Optional.empty())));
    assertEquals(newestThree, ids(home(kit, 10, Optional.empty())));
    assertEquals(5L, profile(kit).tweets(), "the count is not bounded");
  }

  // ---- Deliver --------------------------------------------------------------------------------

  @Test
  void deliverFromAFollowedAuthorIsAddedOnce() {
    var kit = registered();
    follow(kit, "bob");
    Tweet t = tweetOf("bob", 1000);
    var result = deliver(kit, t);
    assertEquals(DELIVERED, result.reply());
    assertTrue(result.hasNoEvents(), "a delivery is a message, not a write");
    assertEquals(List.of(t), home(kit, 10, Optional.empty()).tweets());

    var duplicate = deliver(kit, t);
    assertEquals(DELIVERED, duplicate.reply());
    assertTrue(duplicate.hasNoEvents());
    assertEquals(List.of(t), home(kit, 10, Optional.empty()).tweets());
    // Delivered tweets are not the user's own.
    assertEquals(List.of(), own(kit, 10, Optional.empty()).tweets());
  }

  @Test
  void deliverFromSomeoneNotFollowedIsIgnored() {
    var kit = registered();
    follow(kit, "bob");
    var result = deliver(kit, tweetOf("carol", 1000));
    assertEquals(DELIVERED, result.reply());
    assertTrue(result.hasNoEvents());

    // Nor after unfollowing.
    unfollow(kit, "bob");
    var afterUnfollow = deliver(kit, tweetOf("bob", 2000));
    assertEquals(DELIVERED, afterUnfollow.reply());
    assertTrue(afterUnfollow.hasNoEvents());
    assertEquals(List.of(), home(kit, 10, Optional.empty()).tweets());
  }

  @Test
  void deliverOlderThanAFullHomeTimelineIsIgnored() {
    var kit = registered(); // home size 3
    follow(kit, "bob");
    deliver(kit, tweetOf("bob", 2000));
    deliver(kit, tweetOf("bob", 3000));
    deliver(kit, tweetOf("bob", 4000));
    var old = deliver(kit, tweetOf("bob", 1000));
    assertEquals(DELIVERED, old.reply());
    assertTrue(old.hasNoEvents());
    // A newer one still goes in and pushes the oldest out.
    var newer = deliver(kit, tweetOf("bob", 3500));
    assertTrue(newer.hasNoEvents());
    assertEquals(List.of(Tweet.idFor(4000, "bob"), Tweet.idFor(3500, "bob"), Tweet.idFor(3000, "bob")),
        ids(home(kit, 10, Optional.empty())));
  }

  @Test
  void outOfOrderDeliveriesEndUpNewestFirst() {
    var kit = kit(settings(10, 10, 1000, 4, Strategy.PUSH, 1000));
    register(kit, "Alice");
    follow(kit, "bob");
    follow(kit, "carol");
    deliver(kit, tweetOf("bob", 3000));
    deliver(kit, tweetOf("carol", 1000));
    deliver(kit, tweetOf("bob", 4000));
    deliver(kit, tweetOf("carol", 2000));
    deliver(kit, tweetOf("carol", 3000)); // same millisecond as bob's, other author
    assertEquals(List.of(
            Tweet.idFor(4000, "bob"), Tweet.idFor(3000, "carol"), Tweet.idFor(3000, "bob"),
            Tweet.idFor(2000, "carol"), Tweet.idFor(1000, "carol")),
        ids(home(kit, 10, Optional.empty())));
  }

  @Test
  void ownPostsAndDeliveriesInterleaveInHome() {
    var kit = kit(settings(10, 10, 1000, 4, Strategy.PUSH, 1000));
    register(kit, "Alice");
    follow(kit, "bob");
    Tweet mine = posted(kit, "mine");
    deliver(kit, tweetOf("bob", mine.postedAt() - 1));
    deliver(kit, tweetOf("bob", mine.postedAt() + 1));
    assertEquals(List.of(Tweet.idFor(mine.postedAt() + 1, "bob"), mine.id(), Tweet.idFor(mine.postedAt() - 1, "bob")),
        ids(home(kit, 10, Optional.empty())));
  }

  // ---- paging ---------------------------------------------------------------------------------

  @Test
  void userTimelinePaging() {
    var kit = kit(settings(10, 10, 1000, 4, Strategy.PUSH, 1000));
    register(kit, "Alice");
    List<Tweet> tweets = new ArrayList<>();
    for (int i = 0; i < 5; i++) tweets.add(posted(kit, "t" + i));
    // newest first: 4 3 2 1 0
    TimelinePage first = own(kit, 2, Optional.empty());
    assertEquals(List.of(tweets.get(4).id(), tweets.get(3).id()), ids(first));
    assertEquals(Optional.of(tweets.get(3).id()), first.nextCursor());

    TimelinePage second = own(kit, 2, first.nextCursor());
    assertEquals(List.of(tweets.get(2).id(), tweets.get(1).id()), ids(second));
    assertEquals(Optional.of(tweets.get(1).id()), second.nextCursor());

    TimelinePage last = own(kit, 2, second.nextCursor());
    assertEquals(List.of(tweets.get(0).id()), ids(last));
    assertEquals(Optional.empty(), last.nextCursor());

    // Exactly as many as asked, nothing older: no cursor.
    TimelinePage exact = own(kit, 5, Optional.empty());
    assertEquals(5, exact.tweets().size());
    assertEquals(Optional.empty(), exact.nextCursor());
    TimelinePage exactTail = own(kit, 1, Optional.of(tweets.get(1).id()));
    assertEquals(List.of(tweets.get(0).id()), ids(exactTail));
    assertEquals(Optional.empty(), exactTail.nextCursor());

    // Past the end, and a cursor that is no tweet of this timeline.
    TimelinePage past = own(kit, 2, Optional.of(tweets.get(0).id()));
    assertEquals(List.of(), past.tweets());
    assertEquals(Optional.empty(), past.nextCursor());
    String between = Tweet.idFor(tweets.get(2).postedAt(), "zzz"); // sorts just after tweet 2's id
    TimelinePage fromForeign = own(kit, 10, Optional.of(between));
    assertEquals(List.of(tweets.get(2).id(), tweets.get(1).id(), tweets.get(0).id()), ids(fromForeign));
  }

  @Test
  void homeTimelinePaging() {
    var kit = kit(settings(10, 10, 1000, 4, Strategy.PUSH, 1000));
    register(kit, "Alice");
    follow(kit, "bob");
    for (long at = 1000; at <= 4000; at += 1000) deliver(kit, tweetOf("bob", at));
    TimelinePage first = home(kit, 3, Optional.empty());
    assertEquals(List.of(Tweet.idFor(4000, "bob"), Tweet.idFor(3000, "bob"), Tweet.idFor(2000, "bob")), ids(first));
    assertEquals(Optional.of(Tweet.idFor(2000, "bob")), first.nextCursor());
    TimelinePage second = home(kit, 3, first.nextCursor());
    assertEquals(List.of(Tweet.idFor(1000, "bob")), ids(second));
    assertEquals(Optional.empty(), second.nextCursor());
  }

  @Test
  void emptyTimelinesHaveNoCursor() {
    var kit = registered();
    assertEquals(new TimelinePage(List.of(), Optional.empty()), home(kit, 10, Optional.empty()));
    assertEquals(new TimelinePage(List.of(), Optional.empty()), own(kit, 10, Optional.empty()));
  }

  @Test
  void aLimitBelowOneIsInvalid() {
    var kit = registered();
    posted(kit, "x");
    for (int limit : new int[] {0, -1, Integer.MIN_VALUE}) {
      assertRejected(Rejection.INVALID,
          kit.<StatusReply<TimelinePage>>runCommand(r -> new GetHomeTimeline(limit, Optional.empty(), r)));
      assertRejected(Rejection.INVALID,
          kit.<StatusReply<TimelinePage>>runCommand(r -> new GetUserTimeline(limit, Optional.empty(), r)));
    }
  }

  /** An offset read (DeathStarBench's start) skips where the timeline is: only its page is handed over. */
  @Test
  void aSkipLeavesOutTheFirstTweetsAfterTheCursor() {
    var kit = registered(Strategy.PUSH, 1000); // timelines of 10
    List<Tweet> newestFirst = new ArrayList<>();
    for (int i = 1; i <= 5; i++) newestFirst.add(0, posted(kit, "t" + i));
    List<Tweet> home = newestFirst.stream().map(Tweet::withoutRequestId).toList();
    for (boolean own : new boolean[] {true, false}) {
      List<Tweet> all = own ? newestFirst : home;
      assertEquals(new TimelinePage(all.subList(1, 3), Optional.of(all.get(2).id())), skipped(kit, own, 1, 2, Optional.empty()));
      assertEquals(new TimelinePage(all.subList(3, 5), Optional.empty()),
          skipped(kit, own, 1, 2, Optional.of(all.get(1).id())), "after the cursor, then the skip");
      assertEquals(new TimelinePage(List.of(), Optional.empty()), skipped(kit, own, 5, 2, Optional.empty()), "skipped to the end");
      assertEquals(new TimelinePage(List.of(), Optional.empty()),
          skipped(kit, own, Integer.MAX_VALUE, Integer.MAX_VALUE, Optional.empty()));
    }
  }

  private static TimelinePage skipped(EventSourcedBehaviorTestKit<Command, Event, State> kit,
                                      boolean own, int skip, int limit, Optional<String> cursor) {
    CommandResultWithReply<Command, Event, State, StatusReply<TimelinePage>> result = kit.runCommand(r -> own
        ? new GetUserTimeline(skip, limit, cursor, r) : new GetHomeTimeline(skip, limit, cursor, r));
    assertTrue(result.hasNoEvents());
    return result.reply().getValue();
  }

  @Test
  void aNegativeSkipIsInvalid() {
    var kit = registered(Strategy.HYBRID, 3);
    posted(kit, "x");
    assertRejected(Rejection.INVALID,
        kit.<StatusReply<TimelinePage>>runCommand(r -> new GetHomeTimeline(-1, 10, Optional.empty(), r)));
    assertRejected(Rejection.INVALID,
        kit.<StatusReply<TimelinePage>>runCommand(r -> new GetUserTimeline(-1, 10, Optional.empty(), r)));
    assertRejected(Rejection.INVALID,
        kit.<StatusReply<HomeSources>>runCommand(r -> new GetHomeSources(-1, 10, Optional.empty(), r)));
    follow(kit, "carol");
    kit.<Done>runCommand(r -> new PullFrom("carol", r));
    assertRejected(Rejection.INVALID,
        kit.<StatusReply<HomeSources>>runCommand(r -> new GetHomeSources(-1, 10, Optional.empty(), r))); // also when pulling
  }

  /** A read that pulls merges pages that skip nothing: the stored one holds skip + limit for it. */
  @Test
  void homeSourcesSkipOnlyWhenNothingIsPulled() {
    var kit = registered(Strategy.HYBRID, 3);
    List<Tweet> home = new ArrayList<>();
    for (int i = 1; i <= 6; i++) home.add(0, posted(kit, "t" + i).withoutRequestId());
    assertEquals(home.subList(2, 4), kit.<StatusReply<HomeSources>>runCommand(
        r -> new GetHomeSources(2, 2, Optional.empty(), r)).reply().getValue().stored().tweets(), "nobody to pull from");
    follow(kit, "carol");
    kit.<Done>runCommand(r -> new PullFrom("carol", r));
    var pulling = kit.<StatusReply<HomeSources>>runCommand(r -> new GetHomeSources(2, 2, Optional.empty(), r)).reply().getValue();
    assertEquals(List.of("carol"), pulling.pullFrom());
    assertEquals(home.subList(0, 4), pulling.stored().tweets(), "pulling: the first skip + limit");
  }

  @Test
  void theLargestLimitReturnsEverything() {
    var kit = registered();
    Tweet t = posted(kit, "x");
    assertEquals(new TimelinePage(List.of(t), Optional.empty()), home(kit, Integer.MAX_VALUE, Optional.empty()));
    assertEquals(new TimelinePage(List.of(t), Optional.empty()), own(kit, Integer.MAX_VALUE, Optional.empty()));
  }

  // ---- recovery -------------------------------------------------------------------------------

  /** Registers, follows, gains followers, posts and receives: every event type, some undone. */
  private static void busyDay(EventSourcedBehaviorTestKit<Command, Event, State> kit) {
    register(kit, "Alice");
    follow(kit, "bob");
    follow(kit, "carol");
    unfollow(kit, "carol");
    addFollower(kit, "dave", 7);
    addFollower(kit, "erin", 3);
    removeFollower(kit, "erin", 5);
    post(kit, "first", Optional.of("req-1"));
    deliver(kit, tweetOf("bob", 1000));
    post(kit, "second", Optional.empty());
    deliver(kit, tweetOf("bob", 2000));
    deliver(kit, new Tweet(Tweet.idFor(3000, "zed"), "zed", "hi @alice", 3000, null, List.of("alice"), List.of()));
  }

  @Test
  void restartReplaysEventsToTheSameState() {
    var kit = kit(settings(10, 10, 1000, 4, Strategy.PUSH, 1000));
    busyDay(kit);
    State before = kit.getState();
    assertEquals(List.of(), SnapshotTestKit.create(testKit.system()).persistedInStorage(PID), "no snapshot yet");

    State after = kit.restart().state();
    assertEquals(before, after);
    assertEquals(new Profile("alice", "Alice", 1, 1, 2), profile(kit));
    // Recovered idempotency and post ordering still hold.
    Tweet first = before.ownTweets().find(t -> "req-1".equals(t.requestId())).orElseThrow();
    var retry = post(kit, "first", Optional.of("req-1"));
    assertTrue(retry.hasNoEvents());
    assertEquals(first, retry.reply().getValue());
    assertTrue(posted(kit, "third").postedAt() > before.lastPostedAt());
  }

  @Test
  void restartFromASnapshotPlusLaterEvents() {
    var kit = kit(settings(10, 10, 4, 4, Strategy.PUSH, 1000));
    busyDay(kit); // 10 events (deliveries are not): snapshots after 4 and 8, then 2 more events
    var snapshots = SnapshotTestKit.create(testKit.system()).persistedInStorage(PID);
    assertFalse(snapshots.isEmpty(), "a snapshot every 4 events");
    assertEquals(8L, snapshots.get(snapshots.size() - 1).first().sequenceNr());
    State before = kit.getState();
    assertEquals(before, kit.restart().state());
  }

  @Test
  void restartFromTheSnapshotAlone() {
    var kit = kit(settings(10, 10, 2, 4, Strategy.PUSH, 1000));
    register(kit, "Alice");
    follow(kit, "bob");
    kit.<StatusReply<Done>>runCommand(r -> new AddFollower("dave", 0, r));
    Tweet t = post(kit, "snapshotted", Optional.of("req-1")).reply().getValue();
    State before = kit.getState();
    var snapshots = SnapshotTestKit.create(testKit.system()).persistedInStorage(PID);
    assertEquals(4L, snapshots.get(snapshots.size() - 1).first().sequenceNr());

    // With the events gone, only the (serialized) snapshot can bring the state back.
    PersistenceTestKit.create(testKit.system()).clearByPersistenceId(PID);
    State after = kit.restart().state();
    assertEquals(before, after);
    assertTrue(after.following().contains("bob"));
    assertTrue(after.followers().contains("dave"));
    assertEquals(List.of(t), after.ownTweets().tweets());
  }

  // ---- the home view, rebuilt on every start ---------------------------------------------------

  @Test
  void aRestartedEntityRebuildsItsHomeFromItsFolloweesAlthoughNothingIsRedelivered() {
    var kit = kit(settings(10, 10, 1000, 4, Strategy.PUSH, 1000));
    register(kit, "Alice");
    follow(kit, "bob");
    follow(kit, "carol");
    Tweet mine = posted(kit, "mine");
    List<Tweet> bobs = List.of(tweetOf("bob", 1000), tweetOf("bob", 3000));
    Tweet carols = tweetOf("carol", 2000);
    for (Tweet t : bobs) assertTrue(deliver(kit, t).hasNoEvents());
    assertTrue(deliver(kit, carols).hasNoEvents());
    Tweet mention = new Tweet(Tweet.idFor(2500, "zed"), "zed", "hi @alice", 2500, null, List.of("alice"), List.of());
    deliver(kit, mention);
    // What the followees' journals hold (carol also posted before she was followed: a rebuild shows it).
    FOLLOWEE_TWEETS.put("bob", bobs);
    Tweet carolsEarlier = tweetOf("carol", 500);
    FOLLOWEE_TWEETS.put("carol", List.of(carols, carolsEarlier));

    kit.restart();
    assertEquals(List.of(mine.id(), bobs.get(1).id(), mention.id(), carols.id(), bobs.get(0).id(), carolsEarlier.id()),
        ids(home(kit, 10, Optional.empty())));
    assertFalse(home(kit, 10, Optional.empty()).partial());
    assertEquals(2, ASKS.get(), "one ask per followee");
  }

  @Test
  void aRebuildReadsOnlyFolloweesWhoseTweetsArePushedNotCelebrities() {
    var hybrid = kit(settings(10, 10, 1000, 4, Strategy.HYBRID, 1000));
    register(hybrid, "Alice");
    follow(hybrid, "bob");
    follow(hybrid, "star");
    hybrid.<Done>runCommand(r -> new PullFrom("star", r));
    FOLLOWEE_TWEETS.put("bob", List.of(tweetOf("bob", 1000)));
    FOLLOWEE_TWEETS.put("star", List.of(tweetOf("star", 2000)));
    hybrid.restart();
    assertEquals(List.of(Tweet.idFor(1000, "bob")), ids(home(hybrid, 10, Optional.empty())), "the celebrity is pulled at read time");
    assertEquals(1, ASKS.get());
  }

  @Test
  void aRebuildPagesThroughAFolloweeUpToTheHomeSize() {
    var kit = kit(settings(5, 5, 1000, 4, Strategy.PUSH, 1000));
    register(kit, "Alice");
    follow(kit, "bob");
    List<Tweet> many = new ArrayList<>();
    for (int i = 1; i <= 8; i++) many.add(new Tweet(Tweet.idFor(i, "bob"), "bob", "x".repeat(1000), i, null));
    FOLLOWEE_TWEETS.put("bob", many);
    kit.restart();
    assertEquals(List.of(8L, 7L, 6L, 5L, 4L),
        home(kit, 10, Optional.empty()).tweets().stream().map(Tweet::postedAt).toList());
  }

  @Test
  void aReadWaitsForTheRebuildAndIsAnsweredPartialWhenAFolloweeDoesNotAnswerInTime() {
    var settings = TestSettings.with("""
        home-timeline-size = 10, user-timeline-size = 10, fan-out.instances = 4
        home-rebuild { read-wait = 300ms, retry-delay = 100ms }""");
    var kit = kit(settings);
    register(kit, "Alice");
    follow(kit, "bob");
    follow(kit, "slow");
    FOLLOWEE_TWEETS.put("bob", List.of(tweetOf("bob", 1000)));
    SILENT.add("slow");
    kit.restart();
    long start = System.nanoTime();
    TimelinePage page = home(kit, 10, Optional.empty());
    assertTrue(System.nanoTime() - start >= 250_000_000L, "the read waited for the rebuild");
    assertTrue(page.partial(), "a followee is missing");
    assertEquals(List.of(Tweet.idFor(1000, "bob")), ids(page));
    HomeSources sources = hybridSources(kit);
    assertTrue(sources.stored().partial());
  }

  @Test
  void aFolloweeThatFailsIsAskedAgainUntilItAnswers() {
    var settings = TestSettings.with("""
        home-timeline-size = 10, user-timeline-size = 10, fan-out.instances = 4
        home-rebuild { read-wait = 2s, retry-delay = 50ms }""");
    var kit = kit(settings);
    register(kit, "Alice");
    follow(kit, "bob");
    FOLLOWEE_TWEETS.put("bob", List.of(tweetOf("bob", 1000)));
    FAILING.put("bob", new AtomicInteger(3));
    kit.restart();
    TimelinePage page = home(kit, 10, Optional.empty());
    assertEquals(List.of(Tweet.idFor(1000, "bob")), ids(page));
    assertFalse(page.partial());
    assertEquals(4, ASKS.get(), "three failures, then the answer");
  }

  private static HomeSources hybridSources(EventSourcedBehaviorTestKit<Command, Event, State> kit) {
    return kit.<StatusReply<HomeSources>>runCommand(r -> new GetHomeSources(10, Optional.empty(), r)).reply().getValue();
  }
}
