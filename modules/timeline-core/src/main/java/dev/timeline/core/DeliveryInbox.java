package dev.timeline.core;

import akka.Done;
import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * A node's receiving end of the fan-out, one per node at {@code /system/fan-out-inbox}. The fan-out
 * sends it one {@link Batch} for the followers whose shards this node hosts: each tweet once, and
 * which of them each follower gets. It hands every follower its tweets with a local tell and
 * acknowledges the batch once every follower has acknowledged its part. So a delivery costs a
 * local message, and the network carries one message per batch and node instead of an ask per
 * follower. A follower whose shard is elsewhere (the fan-out's map of shards was stale) is still
 * reached, through sharding, one hop further.
 *
 * <p>A batch not acknowledged by all its followers within {@code timeout} is forgotten, never
 * answered: the fan-out's ask for it times out and its group is delivered again, at least once
 * (followers ignore what they already have).
 */
public final class DeliveryInbox {
  private DeliveryInbox() {}

  public static final String NAME = "fan-out-inbox";

  public sealed interface Command {}

  /** Deliver {@code tweets} to the {@code recipients}, then answer {@code replyTo}. */
  public record Batch(List<Tweet> tweets, List<Recipient> recipients, ActorRef<Done> replyTo)
      implements Command, CborSerializable {}

  /** A follower and the indexes, into its batch's tweets, of those it gets. */
  public record Recipient(String userId, List<Integer> tweets) implements CborSerializable {
    /** What a recipient weighs in a batch's frame beside the tweets: its id and indexes, at most. */
    static int wireBytes(String userId, int tweets) {
      return 16 + userId.length() * 4 + tweets * 5;
    }
  }

  /** A follower applied the {@code Deliver} numbered {@code delivery}. */
  private record Acked(long delivery) implements Command {}

  /** Only ever sent by its own timer, which wraps it: never serialized. */
  private record Expired(long batch) implements Command {}

  /** Starts this node's inbox, which tells followers through sharding. */
  static ActorRef<Command> start(ActorSystem<?> system, Duration timeout) {
    ClusterSharding sharding = ClusterSharding.get(system);
    return system.systemActorOf(
        create(timeout, (userId, deliver) -> sharding.entityRefFor(UserEntity.ENTITY_TYPE_KEY, userId).tell(deliver)),
        NAME, Props.empty());
  }

  /** The inbox of the node at {@code address}, wherever that is (this node's is local). */
  static ActorRef<Command> on(Address address, ActorRefResolver resolver) {
    return resolver.resolveActorRef(address + "/system/" + NAME);
  }

  /** {@code send}: how a follower is reached (sharding; probes in tests). */
  static Behavior<Command> create(Duration timeout, BiConsumer<String, UserProtocol.Command> send) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Inbox(ctx, timers, timeout, send)));
  }

  /**
   * Numbers every Deliver it sends; a batch is the run of numbers from its first. An
   * acknowledgement counts once, however often it comes.
   */
  private static final class Inbox extends AbstractBehavior<Command> {
    private final TimerScheduler<Command> timers;
    private final Duration timeout;
    private final BiConsumer<String, UserProtocol.Command> send;
    private final ActorRef<UserProtocol.Delivered> acks;
    /** Batches awaiting acknowledgements, by the number of their first Deliver. */
    private final TreeMap<Long, Pending> pending = new TreeMap<>();
    private long nextDelivery = 1;

    private Inbox(ActorContext<Command> ctx, TimerScheduler<Command> timers, Duration timeout,
                  BiConsumer<String, UserProtocol.Command> send) {
      super(ctx);
      this.timers = timers;
      this.timeout = timeout;
      this.send = send;
      this.acks = ctx.messageAdapter(UserProtocol.Delivered.class, d -> new Acked(d.number()));
    }

    @Override
    public Receive<Command> createReceive() {
      return newReceiveBuilder()
          .onMessage(Batch.class, this::batch)
          .onMessage(Acked.class, this::acked)
          .onMessage(Expired.class, expired -> {
            pending.remove(expired.batch());
            return this;
          })
          .build();
    }

    private Behavior<Command> batch(Batch batch) {
      if (batch.recipients().isEmpty()) {
        batch.replyTo().tell(Done.getInstance());
        return this;
      }
      long first = nextDelivery;
      for (Recipient r : batch.recipients())
        send.accept(r.userId(), new UserProtocol.Deliver(r.tweets().stream().map(batch.tweets()::get).toList(), nextDelivery++, acks));
      pending.put(first, new Pending(first, batch.recipients().size(), batch.replyTo()));
      timers.startSingleTimer(first, new Expired(first), timeout);
      return this;
    }

    private Behavior<Command> acked(Acked acked) {
      var entry = pending.floorEntry(acked.delivery());
      // Unknown: the batch expired, and its group is delivered again.
      if (entry == null || !entry.getValue().ack(acked.delivery())) return this;
      if (entry.getValue().awaited() == 0) {
        pending.remove(entry.getKey());
        timers.cancel(entry.getKey());
        entry.getValue().replyTo().tell(Done.getInstance());
      }
      return this;
    }
  }

  /** The Delivers numbered {@code first} to {@code first + count - 1}, and which of them are acknowledged. */
  private static final class Pending {
    private final long first;
    private final int count;
    private final BitSet acked;
    private final ActorRef<Done> replyTo;
    private int awaited;

    Pending(long first, int count, ActorRef<Done> replyTo) {
      this.first = first;
      this.count = count;
      this.acked = new BitSet(count);
      this.replyTo = replyTo;
      this.awaited = count;
    }

    /** Whether this acknowledgement is one of this batch's, and new. */
    boolean ack(long delivery) {
      int i = (int) (delivery - first);
      if (i < 0 || i >= count || acked.get(i)) return false;
      acked.set(i);
      awaited--;
      return true;
    }

    int awaited() {
      return awaited;
    }

    ActorRef<Done> replyTo() {
      return replyTo;
    }
  }
}
