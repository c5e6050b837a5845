package dev.timeline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import dev.timeline.core.FanOut.DeliveryHandler.DeliveryBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A node's inbox hands each follower its tweets and answers a batch once, when all have acknowledged. */
class DeliveryInboxTest {
  private static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static Tweet tweet(String author, long at) {
    return new Tweet(Tweet.idFor(at, author), author, "text " + at, at, null, List.of(), List.of());
  }

  /** Followers as probes: the inbox reaches them through this map instead of sharding. */
  private record Followers(Map<String, TestProbe<UserProtocol.Command>> probes) {
    static Followers of(String... ids) {
      Map<String, TestProbe<UserProtocol.Command>> probes = new LinkedHashMap<>();
      for (String id : ids) probes.put(id, kit.createTestProbe());
      return new Followers(probes);
    }

    ActorRef<DeliveryInbox.Command> inbox(Duration timeout) {
      return kit.spawn(DeliveryInbox.create(timeout, (id, command) -> probes.get(id).ref().tell(command)));
    }

    UserProtocol.Deliver received(String id) {
      return probes.get(id).expectMessageClass(UserProtocol.Deliver.class);
    }
  }

  @Test
  void eachFollowerGetsItsTweetsAndTheBatchIsAnsweredOnceAllHaveAcknowledged() {
    Tweet a = tweet("ann", 1000), b = tweet("bob", 2000);
    Followers followers = Followers.of("f1", "f2", "f3");
    ActorRef<DeliveryInbox.Command> inbox = followers.inbox(Duration.ofSeconds(10));
    TestProbe<Done> answer = kit.createTestProbe();
    inbox.tell(new DeliveryInbox.Batch(List.of(a, b), List.of(
        new DeliveryInbox.Recipient("f1", List.of(0)),
        new DeliveryInbox.Recipient("f2", List.of(0, 1)),
        new DeliveryInbox.Recipient("f3", List.of(1))), answer.ref()));

    var d1 = followers.received("f1");
    var d2 = followers.received("f2");
    var d3 = followers.received("f3");
    assertEquals(List.of(a), d1.tweets());
    assertEquals(List.of(a, b), d2.tweets());
    assertEquals(List.of(b), d3.tweets());

    d1.replyTo().tell(new UserProtocol.Delivered(d1.number()));
    d2.replyTo().tell(new UserProtocol.Delivered(d2.number()));
    answer.expectNoMessage(Duration.ofMillis(200));
    d3.replyTo().tell(new UserProtocol.Delivered(d3.number()));
    answer.expectMessage(Done.getInstance());
    answer.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void acknowledgementsOfOneBatchDoNotCountForAnother() {
    Tweet a = tweet("ann", 1000);
    Followers followers = Followers.of("f1", "f2");
    ActorRef<DeliveryInbox.Command> inbox = followers.inbox(Duration.ofSeconds(10));
    TestProbe<Done> first = kit.createTestProbe();
    TestProbe<Done> second = kit.createTestProbe();
    inbox.tell(new DeliveryInbox.Batch(List.of(a), List.of(new DeliveryInbox.Recipient("f1", List.of(0)),
        new DeliveryInbox.Recipient("f2", List.of(0))), first.ref()));
    inbox.tell(new DeliveryInbox.Batch(List.of(a), List.of(new DeliveryInbox.Recipient("f1", List.of(0)),
        new DeliveryInbox.Recipient("f2", List.of(0))), second.ref()));
    var f1first = followers.received("f1");
    var f1second = followers.received("f1");
    var f2first = followers.received("f2");
    followers.received("f2");

    f1second.replyTo().tell(new UserProtocol.Delivered(f1second.number()));
    f1second.replyTo().tell(new UserProtocol.Delivered(f1second.number()));
    f1first.replyTo().tell(new UserProtocol.Delivered(f1first.number()));
    first.expectNoMessage(Duration.ofMillis(200));
    second.expectNoMessage(Duration.ofMillis(10));
    f2first.replyTo().tell(new UserProtocol.Delivered(f2first.number()));
    first.expectMessage(Done.getInstance());
    second.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aBatchNotFullyAcknowledgedInTimeIsNeverAnswered() {
    Followers followers = Followers.of("f1", "f2");
    ActorRef<DeliveryInbox.Command> inbox = followers.inbox(Duration.ofMillis(300));
    TestProbe<Done> answer = kit.createTestProbe();
    inbox.tell(new DeliveryInbox.Batch(List.of(tweet("ann", 1)), List.of(new DeliveryInbox.Recipient("f1", List.of(0)),
        new DeliveryInbox.Recipient("f2", List.of(0))), answer.ref()));
    var d1 = followers.received("f1");
    var d2 = followers.received("f2");
    d1.replyTo().tell(new UserProtocol.Delivered(d1.number()));
    answer.expectNoMessage(Duration.ofMillis(600));  // expired meanwhile
    d2.replyTo().tell(new UserProtocol.Delivered(d2.number()));
    answer.expectNoMessage(Duration.ofMillis(300));  // too late: its group is delivered again
  }

  @Test
  void batchesCarryEachTweetOnceAndStayWithinTheirBytes() {
    List<Tweet> tweets = new ArrayList<>();
    for (int i = 0; i < 40; i++) tweets.add(tweet("author" + i % 4, 1000 + i));
    List<Map.Entry<String, List<Tweet>>> parts = new ArrayList<>();
    for (int f = 0; f < 300; f++) parts.add(Map.entry("follower" + f, tweets.subList(f % 10, f % 10 + 20)));
    int maxBytes = 16 * 1024;

    List<DeliveryBatch> batches = DeliveryBatch.within(parts, maxBytes);

    assertTrue(batches.size() > 1, "more than one batch for " + parts.size() + " parts: " + batches.size());
    List<Map.Entry<String, List<Tweet>>> delivered = new ArrayList<>();
    for (DeliveryBatch batch : batches) {
      assertEquals(new HashSet<>(batch.tweets()).size(), batch.tweets().size(), "each tweet once in a batch");
      long bytes = 0;
      for (Tweet t : batch.tweets()) bytes += t.wireBytes();
      for (var r : batch.recipients()) bytes += DeliveryInbox.Recipient.wireBytes(r.userId(), r.tweets().size());
      assertTrue(bytes <= maxBytes, bytes + " bytes in a batch of at most " + maxBytes);
      for (var r : batch.recipients()) delivered.add(Map.entry(r.userId(), r.tweets().stream().map(batch.tweets()::get).toList()));
    }
    assertEquals(parts, delivered, "every follower gets exactly its tweets, in order");
  }
}
