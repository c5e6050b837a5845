package dev.timeline.core;

import akka.Done;
import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.sharding.typed.ShardedDaemonProcessSettings;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import akka.cluster.typed.Cluster;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.Offset;
import akka.projection.HandlerRecoveryStrategy;
import akka.projection.ProjectionBehavior;
import akka.projection.ProjectionId;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.eventsourced.javadsl.EventSourcedProvider;
import akka.projection.javadsl.GroupedProjection;
import akka.projection.javadsl.Handler;
import akka.projection.javadsl.SourceProvider;
import akka.projection.jdbc.JdbcSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Push fan-out as a projection over the journal. The user events it acts on (the
 * {@link UserEntity.FanOutEvent}s, tagged by their writer) are read by tag slice; each slice is
 * one projection, and the slices are spread over the cluster by a sharded daemon process, so a
 * crashed node's slices restart on a survivor from their last stored offset. An offset is stored
 * only after every follower acknowledged, which makes delivery at-least-once; the follower's
 * {@link UserWriter} deduplicates.
 *
 * <p>The tweets of a group travel in batches, one per node that hosts followers of its authors
 * (more when they exceed a frame): each tweet once, and which of them each follower gets. The
 * node's {@link DeliveryInbox} hands them out with local tells and acknowledges the batch once all
 * its followers have. At most {@code maxInFlight} batches await that, so a celebrity's post cannot
 * flood the mailboxes. Where a follower's shard is comes from {@link ShardHomes}; a stale answer
 * costs a hop, not a delivery.
 */
public final class FanOut {
  private FanOut() {}

  public static final String NAME = "fan-out";

  /**
   * Whether the fan-out acts on {@code event}: the writer tags exactly these, and the
   * {@code DeliveryHandler} handles exactly these (see {@link UserEntity.FanOutEvent}).
   */
  static boolean actsOn(UserEntity.Event event) {
    return event instanceof UserEntity.FanOutEvent e && e.fansOut();
  }

  public static String tagFor(String persistenceId, int instances) {
    return NAME + "-" + Math.abs(persistenceId.hashCode() % instances);
  }

  /** Connections this node's projections store their offsets on, at most (one per group commit). */
  static final int OFFSET_CONNECTIONS = 2;

  /** How often a node asks sharding where the user shards are (see {@link ShardHomes}). */
  static final Duration SHARD_HOMES_EVERY = Duration.ofSeconds(1);

  /** Starts this node's {@link DeliveryInbox} and its share of the fan-out's projections. */
  public static void init(ActorSystem<?> system, TimelineSettings settings) {
    DeliveryInbox.start(system, settings.fanOut().deliveryTimeout());
    ShardHomes shardHomes = ShardHomes.start(system, SHARD_HOMES_EVERY);
    Supplier<JdbcSession> offsetSessions = Journal.pooledSessions(system, settings.journal().login(), OFFSET_CONNECTIONS);
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        NAME,
        settings.fanOut().instances(),
        i -> ProjectionBehavior.create(projection(system, settings, shardHomes, offsetSessions, NAME + "-" + i)),
        ShardedDaemonProcessSettings.create(system),
        Optional.of(ProjectionBehavior.stopMessage()));
  }

  private static GroupedProjection<Offset, EventEnvelope<UserEntity.Event>> projection(
      ActorSystem<?> system, TimelineSettings settings, ShardHomes shardHomes, Supplier<JdbcSession> offsetSessions, String tag) {
    SourceProvider<Offset, EventEnvelope<UserEntity.Event>> source =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    TimelineSettings.FanOutSettings fanOut = settings.fanOut();
    return Journal.projection(
            ProjectionId.of(NAME, tag), source, () -> new DeliveryHandler(system, settings, shardHomes), offsetSessions, system)
        .withGroup(fanOut.groupSize(), fanOut.groupWithin())
        .withRecoveryStrategy(HandlerRecoveryStrategy.retryAndFail(fanOut.retries(), fanOut.retryDelay()))
        .withRestartBackoff(fanOut.retryDelay(), fanOut.retryDelay().multipliedBy(10), 0.2);
  }

  /**
   * Handles a group of envelopes: the tweets batched by follower, beside the other events by user
   * (users in parallel, each user's in journal order).
   */
  static final class DeliveryHandler extends Handler<List<EventEnvelope<UserEntity.Event>>> {
    private final ClusterSharding sharding;
    private final ShardHomes shardHomes;
    private final Address self;
    private final ActorRefResolver resolver;
    private final Scheduler scheduler;
    private final Users users;
    private final Duration deliveryTimeout;
    private final int maxInFlight;
    /** The tweets of one batch at most (see {@link Tweet#wireBytes}), so it fits an Artery frame. */
    private final int batchMaxBytes;
    private final TimelineMetrics metrics;

    DeliveryHandler(ActorSystem<?> system, TimelineSettings settings, ShardHomes shardHomes) {
      this.sharding = ClusterSharding.get(system);
      this.shardHomes = shardHomes;
      this.self = Cluster.get(system).selfMember().address();
      this.resolver = ActorRefResolver.get(system);
      this.scheduler = system.scheduler();
      this.deliveryTimeout = settings.fanOut().deliveryTimeout();
      this.users = new Users(system, settings, deliveryTimeout);
      this.maxInFlight = settings.fanOut().maxInFlight();
      this.batchMaxBytes = settings.pageMaxBytes();
      this.metrics = TimelineMetrics.get(system);
    }

    @Override
    public CompletionStage<Done> process(List<EventEnvelope<UserEntity.Event>> envelopes) {
      Map<String, List<EventEnvelope<UserEntity.Event>>> byUser = new LinkedHashMap<>();
      Tweets tweets = new Tweets();
      for (var envelope : envelopes) {
        // Tagged by an older writer perhaps, but nothing to do now.
        if (!actsOn(envelope.event())) continue;
        if (envelope.event() instanceof UserEntity.TweetPosted posted) tweets.add(posted);
        else byUser.computeIfAbsent(envelope.persistenceId(), k -> new ArrayList<>()).add(envelope);
      }
      List<CompletableFuture<Done>> all = new ArrayList<>(byUser.size() + 1);
      all.add(deliver(tweets).toCompletableFuture());
      for (var events : byUser.values()) {
        CompletionStage<Done> chain = CompletableFuture.completedFuture(Done.getInstance());
        for (var envelope : events) {
          String userId = PersistenceIds.entityId(envelope.persistenceId());
          var event = (UserEntity.FanOutEvent) envelope.event();
          chain = chain.thenCompose(done -> handle(userId, event, envelope.sequenceNr()));
        }
        all.add(chain.toCompletableFuture());
      }
      return allDone(all);
    }

    /**
     * Every fan-out event but the tweets (batched in {@link #deliver}), in the order of
     * {@link UserEntity.FanOutEvent}'s list. {@code sequenceNr}: the event's, which versions a
     * follow or unfollow for the followee.
     */
    private CompletionStage<Done> handle(String userId, UserEntity.FanOutEvent event, long sequenceNr) {
      if (event instanceof UserEntity.Followed f) return acked(users.addFollower(userId, f.followeeId(), sequenceNr));
      if (event instanceof UserEntity.Unfollowed u) return acked(users.removeFollower(userId, u.followeeId(), sequenceNr));
      if (event instanceof UserEntity.BecameCelebrity)
        return users.forEachFollowerPage(userId, followers -> pullFrom(userId, followers)).thenApply(n -> Done.getInstance());
      if (event instanceof UserEntity.FollowersImported imported)
        return pagesInTurn(imported.ids(), 0, followers -> pullFrom(userId, followers));
      throw new IllegalArgumentException("a fan-out event without a handler: " + event);
    }

    /** The tweets of a group: per author those pushed to its followers, per mentioned user those naming it. */
    static final class Tweets {
      final Map<String, List<Tweet>> pushedBy = new LinkedHashMap<>();
      final Map<String, List<Tweet>> mentioning = new LinkedHashMap<>();
      int count;

      void add(UserEntity.TweetPosted posted) {
        Tweet tweet = posted.tweet().withoutRequestId();
        count++;
        if (!posted.pulled()) pushedBy.computeIfAbsent(tweet.authorId(), k -> new ArrayList<>()).add(tweet);
        for (String m : tweet.mentions()) mentioning.computeIfAbsent(m, k -> new ArrayList<>()).add(tweet);
      }
    }

    /**
     * Mentioned users always get the tweet; followers only when it is pushed. The first page of
     * every author's followers is fetched at once and the group's tweets are delivered grouped by
     * follower; an author with more followers (a celebrity) continues a page at a time. Counted
     * once all are acknowledged (a retried group counts again: the cost was paid again).
     */
    private CompletionStage<Done> deliver(Tweets tweets) {
      if (tweets.count == 0) return CompletableFuture.completedFuture(Done.getInstance());
      List<String> authors = List.copyOf(tweets.pushedBy.keySet());
      List<CompletableFuture<UserProtocol.Followers>> firstPages =
          authors.stream().map(a -> users.followersPage(a, Optional.empty()).toCompletableFuture()).toList();
      return CompletableFuture.allOf(firstPages.toArray(CompletableFuture[]::new)).thenCompose(v -> {
        Map<String, List<Tweet>> byFollower = new LinkedHashMap<>();
        tweets.mentioning.forEach((user, list) -> byFollower.computeIfAbsent(user, k -> new ArrayList<>()).addAll(list));
        long[] deliveries = {tweets.mentioning.values().stream().mapToLong(List::size).sum()};
        for (int i = 0; i < authors.size(); i++) {
          List<Tweet> own = tweets.pushedBy.get(authors.get(i));
          UserProtocol.Followers page = firstPages.get(i).join();
          for (String f : page.ids()) byFollower.computeIfAbsent(f, k -> new ArrayList<>()).addAll(own);
          deliveries[0] += (long) page.ids().size() * own.size();
        }
        return deliverAll(byFollower)
            .thenCompose(done -> morePages(authors, firstPages, tweets, 0, deliveries))
            .thenApply(done -> {
              metrics.fannedOut(tweets.count, deliveries[0]);
              return done;
            });
      });
    }

    /** The followers beyond the first page, author after author, a page at a time. */
    private CompletionStage<Done> morePages(List<String> authors, List<CompletableFuture<UserProtocol.Followers>> firstPages,
                                            Tweets tweets, int from, long[] deliveries) {
      for (int i = from; i < authors.size(); i++) {
        UserProtocol.Followers first = firstPages.get(i).join();
        if (!first.more() || first.ids().isEmpty()) continue;
        List<Tweet> own = tweets.pushedBy.get(authors.get(i));
        int next = i + 1;
        return users.forEachFollowerPage(authors.get(i), Optional.of(first.ids().get(first.ids().size() - 1)), page -> {
              Map<String, List<Tweet>> byFollower = new LinkedHashMap<>();
              for (String f : page) byFollower.put(f, own);
              return deliverAll(byFollower);
            })
            .thenCompose(n -> {
              synchronized (deliveries) {
                deliveries[0] += (long) n * own.size();
              }
              return morePages(authors, firstPages, tweets, next, deliveries);
            });
      }
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    /**
     * The followers' tweets in batches by the node that hosts each follower, none over a batch's
     * bytes; at most maxInFlight unacknowledged.
     */
    private CompletionStage<Done> deliverAll(Map<String, List<Tweet>> byFollower) {
      Map<Address, List<Map.Entry<String, List<Tweet>>>> byNode = new LinkedHashMap<>();
      for (var e : byFollower.entrySet()) {
        var node = byNode.computeIfAbsent(shardHomes.of(e.getKey()).orElse(self), k -> new ArrayList<>());
        for (List<Tweet> run : withinBytes(e.getValue(), batchMaxBytes)) node.add(Map.entry(e.getKey(), run));
      }
      List<Map.Entry<ActorRef<DeliveryInbox.Command>, DeliveryBatch>> batches = new ArrayList<>();
      byNode.forEach((node, parts) -> {
        ActorRef<DeliveryInbox.Command> inbox = DeliveryInbox.on(node, resolver);
        DeliveryBatch.within(parts, batchMaxBytes).forEach(b -> batches.add(Map.entry(inbox, b)));
      });
      AtomicInteger next = new AtomicInteger();
      List<CompletableFuture<Done>> lanes = new ArrayList<>();
      for (int i = 0; i < Math.min(maxInFlight, batches.size()); i++) lanes.add(lane(batches, next));
      return allDone(lanes);
    }

    /** Sends the next unsent batch each time the last one is acknowledged. */
    private CompletableFuture<Done> lane(List<Map.Entry<ActorRef<DeliveryInbox.Command>, DeliveryBatch>> batches, AtomicInteger next) {
      int i = next.getAndIncrement();
      if (i >= batches.size()) return CompletableFuture.completedFuture(Done.getInstance());
      var batch = batches.get(i);
      return users.plain(AskPattern.<DeliveryInbox.Command, Done>ask(batch.getKey(), batch.getValue()::to, deliveryTimeout, scheduler))
          .thenCompose(done -> lane(batches, next));
    }

    /** Tweets, each once, and who gets which: what a batch carries. */
    record DeliveryBatch(List<Tweet> tweets, List<DeliveryInbox.Recipient> recipients) {
      DeliveryInbox.Batch to(ActorRef<Done> replyTo) {
        return new DeliveryInbox.Batch(tweets, recipients, replyTo);
      }

      /** The parts (a follower and its tweets, each part within maxBytes) in batches of at most about maxBytes. */
      static List<DeliveryBatch> within(List<Map.Entry<String, List<Tweet>>> parts, int maxBytes) {
        List<DeliveryBatch> batches = new ArrayList<>();
        Map<String, Integer> index = new LinkedHashMap<>();
        List<Tweet> tweets = new ArrayList<>();
        List<DeliveryInbox.Recipient> recipients = new ArrayList<>();
        long bytes = 0;
        for (var part : parts) {
          long cost = cost(part, index);
          if (!recipients.isEmpty() && bytes + cost > maxBytes) {
            batches.add(new DeliveryBatch(List.copyOf(tweets), List.copyOf(recipients)));
            index.clear();
            tweets.clear();
            recipients.clear();
            bytes = 0;
            cost = cost(part, index);
          }
          bytes += cost;
          List<Integer> mine = new ArrayList<>(part.getValue().size());
          for (Tweet t : part.getValue()) {
            mine.add(index.computeIfAbsent(t.id(), id -> {
              tweets.add(t);
              return tweets.size() - 1;
            }));
          }
          recipients.add(new DeliveryInbox.Recipient(part.getKey(), List.copyOf(mine)));
        }
        if (!recipients.isEmpty()) batches.add(new DeliveryBatch(List.copyOf(tweets), List.copyOf(recipients)));
        return batches;
      }

      /** What a part adds to a batch that already carries the tweets in {@code index}. */
      private static long cost(Map.Entry<String, List<Tweet>> part, Map<String, Integer> index) {
        long bytes = DeliveryInbox.Recipient.wireBytes(part.getKey(), part.getValue().size());
        for (Tweet t : part.getValue()) if (!index.containsKey(t.id())) bytes += t.wireBytes();
        return bytes;
      }
    }

    /** The tweets in runs of at most {@code maxBytes} (but at least one tweet each). */
    static List<List<Tweet>> withinBytes(List<Tweet> tweets, int maxBytes) {
      List<List<Tweet>> runs = new ArrayList<>();
      List<Tweet> run = new ArrayList<>();
      long bytes = 0;
      for (Tweet t : tweets) {
        if (!run.isEmpty() && bytes + t.wireBytes() > maxBytes) {
          runs.add(run);
          run = new ArrayList<>();
          bytes = 0;
        }
        run.add(t);
        bytes += t.wireBytes();
      }
      if (!run.isEmpty()) runs.add(run);
      return runs;
    }

    private CompletionStage<Done> pullFrom(String celebrityId, List<String> followers) {
      return allDone(followers.stream()
          .map(f -> users.plain(user(f).<Done>ask(r -> new UserProtocol.PullFrom(celebrityId, r), deliveryTimeout)))
          .toList());
    }

    /** A page of ids at a time, the next once the last is done: bounds the asks in flight. */
    private static CompletionStage<Done> pagesInTurn(
        List<String> ids, int from, Function<List<String>, CompletionStage<Done>> each) {
      if (from >= ids.size()) return CompletableFuture.completedFuture(Done.getInstance());
      int to = Math.min(ids.size(), from + Users.FOLLOWERS_PAGE);
      return each.apply(ids.subList(from, to)).thenCompose(done -> pagesInTurn(ids, to, each));
    }

    private EntityRef<UserProtocol.Command> user(String id) {
      return sharding.entityRefFor(UserEntity.ENTITY_TYPE_KEY, id);
    }

    /** A followee that is not registered cannot gain a follower: nothing to retry. */
    private static CompletionStage<Done> acked(CompletionStage<Done> reply) {
      return reply.exceptionallyCompose(failure -> Rejection.of(failure).isPresent()
          ? CompletableFuture.completedFuture(Done.getInstance())
          : CompletableFuture.failedFuture(failure));
    }

    private static CompletableFuture<Done> allDone(List<CompletableFuture<Done>> futures) {
      return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
          .thenApply(Function.<Void>identity().andThen(v -> Done.getInstance()));
    }
  }
}
