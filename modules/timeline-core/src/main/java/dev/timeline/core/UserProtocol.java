package dev.timeline.core;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import com.fasterxml.jackson.annotation.JsonCreator;
import dev.timeline.core.UserEntity.State;
import java.util.List;
import java.util.Optional;

/**
 * What a user entity is asked and what it answers: the commands its {@link ReadFront} and
 * {@link UserWriter} take (sent by {@link Users}, the fan-out, and the writer to itself) and
 * their replies. They cross the network between nodes but are never stored, so unlike
 * {@link UserEntity}'s events and state they may move or change with a whole cluster's version.
 */
public final class UserProtocol {
  private UserProtocol() {}

  // ---- commands -------------------------------------------------------------------------------

  public sealed interface Command extends CborSerializable {}

  /** A command that only reads: answered from a {@link View}, by the {@link ReadFront} once it has one. */
  public sealed interface Read<T> extends Command {
    ActorRef<StatusReply<T>> replyTo();
  }

  public record Register(String name, ActorRef<StatusReply<Registration>> replyTo) implements Command {}

  public record GetProfile(ActorRef<StatusReply<Profile>> replyTo) implements Read<Profile> {
    @JsonCreator
    public GetProfile {}
  }

  /** Answers the version of the follow for the followee's side (see {@link AddFollower}). */
  public record Follow(String followeeId, ActorRef<StatusReply<Long>> replyTo) implements FollowChange {}

  /** Answers the version of the unfollow for the followee's side (see {@link RemoveFollower}). */
  public record Unfollow(String followeeId, ActorRef<StatusReply<Long>> replyTo) implements Command {}

  /**
   * {@code followerId} now follows this user: sent by {@link Users#follow} and again by the
   * fan-out, at least once, possibly late or replayed. {@code version} orders one follower's
   * changes: its sequence number at (or after) the {@code Followed} event; a change older than
   * the newest one applied for that follower is ignored. 0 means unversioned (bulk imports).
   */
  public record AddFollower(String followerId, long version, ActorRef<StatusReply<Done>> replyTo) implements FollowChange {}

  /** {@code followerId} no longer follows this user; versioned like {@link AddFollower}. */
  public record RemoveFollower(String followerId, long version, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record PostTweet(String text, Optional<String> requestId, List<String> mentions, List<Tweet.Media> media,
                          ActorRef<StatusReply<Tweet>> replyTo) implements Command {
    @JsonCreator
    public PostTweet {}

    public PostTweet(String text, Optional<String> requestId, ActorRef<StatusReply<Tweet>> replyTo) {
      this(text, requestId, List.of(), List.of(), replyTo);
    }
  }

  /**
   * From the fan-out (a node's {@link DeliveryInbox}): tweets of someone this user may follow, or
   * that mention them, newest or not, possibly seen before. Acknowledged with its
   * {@code number} once applied: at once for followed authors (the view is memory), after the
   * write for mentions.
   */
  public record Deliver(List<Tweet> tweets, long number, ActorRef<Delivered> replyTo) implements Command {
    @JsonCreator
    public Deliver {}

    public Deliver(Tweet tweet, ActorRef<Delivered> replyTo) {
      this(List.of(tweet), 0, replyTo);
    }
  }

  /** The {@link Deliver} of this number is applied. */
  public record Delivered(long number) implements CborSerializable {
    @JsonCreator
    public Delivered {}
  }

  /**
   * Internal (the home view's rebuild): a page of a followee's own tweets after {@code cursor},
   * {@code fetched} of them before it; empty when the followee did not answer.
   */
  public record RebuildPage(String followeeId, Optional<String> cursor, int fetched, Optional<TimelinePage> page)
      implements Command {}

  /** Internal: ask a followee (again) for its tweets after {@code cursor}. */
  public record RebuildAsk(String followeeId, Optional<String> cursor, int fetched) implements Command {}

  /** Internal: the rebuild took longer than the read wait; held reads are answered partial. */
  public enum RebuildOverdue implements Command { INSTANCE }

  /** A change a user's front writes together with the others that arrive with it: {@link FollowChanges}. */
  public sealed interface FollowChange extends Command {}

  /**
   * Internal, from a {@link ReadFront} to its writer: the {@link Follow}s and {@link AddFollower}s
   * that arrived while the ones before were being written, in arrival order, to be written
   * together; each is still answered as if it had come alone. The writer then tells the front
   * {@link FollowChangesWritten}.
   */
  public record FollowChanges(List<FollowChange> changes) implements Command, akka.actor.NoSerializationVerificationNeeded {
    // From a front to its child, never beyond the node: the commands it holds are checked as they arrive.
  }

  /** Internal, from the writer to its {@link ReadFront}: the last {@link FollowChanges} are answered. */
  public enum FollowChangesWritten implements Command { INSTANCE }

  /**
   * Internal, from the writer to its {@link ReadFront}: what reads are answered from, as of now.
   * Sent after every change and before the reply to the command that made it, so a client that
   * got an answer reads its own write.
   */
  public record Published(View view) implements Command {
    // Never sent beyond the node, but serialize-messages (in tests) checks it too.
    @JsonCreator
    public Published {}
  }

  /**
   * A user as reads see it: the durable facts and the derived home timeline. {@code homeComplete}:
   * the home view's rebuild is done; {@code homeReadsWait}: home reads should wait for it (it is
   * not done and not yet overdue).
   */
  public record View(State state, Timeline home, boolean homeComplete, boolean homeReadsWait) implements CborSerializable {}

  /** From the fan-out (hybrid): {@code authorId} became a celebrity; read its tweets at read time. */
  public record PullFrom(String authorId, ActorRef<Done> replyTo) implements Command {}

  /** Followers in id order, at most {@code max} after {@code after} (paged: a celebrity has 100k). */
  public record GetFollowers(Optional<String> after, int max, ActorRef<StatusReply<Followers>> replyTo)
      implements Read<Followers> {
    @JsonCreator
    public GetFollowers {}

    public GetFollowers(ActorRef<StatusReply<Followers>> replyTo) {
      this(Optional.empty(), Integer.MAX_VALUE, replyTo);
    }
  }

  /** Bulk graph loading: one side of many follows at once (the loader writes the other side too). */
  public record ImportFollowing(List<String> ids, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record ImportFollowers(List<String> ids, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  // Timeline reads: up to `limit` tweets older than `cursor` (or from the newest), after leaving
  // out the first `skip` of them. An offset read (DeathStarBench's start and stop) skips where the
  // timeline is, so only the page it keeps crosses the network and is serialized.

  /**
   * What a home-timeline read needs: the stored page, and whom to pull from at read time. The
   * stored page skips {@code skip} tweets only when there is nobody to pull from; otherwise it
   * holds the first {@code skip + limit}, since the merge with the pulled tweets decides which
   * of them are the first {@code skip}.
   */
  public record GetHomeSources(int skip, int limit, Optional<String> cursor, ActorRef<StatusReply<HomeSources>> replyTo)
      implements Read<HomeSources> {
    @JsonCreator
    public GetHomeSources {}

    public GetHomeSources(int limit, Optional<String> cursor, ActorRef<StatusReply<HomeSources>> replyTo) {
      this(0, limit, cursor, replyTo);
    }
  }

  public record GetHomeTimeline(int skip, int limit, Optional<String> cursor, ActorRef<StatusReply<TimelinePage>> replyTo)
      implements Read<TimelinePage> {
    @JsonCreator
    public GetHomeTimeline {}

    public GetHomeTimeline(int limit, Optional<String> cursor, ActorRef<StatusReply<TimelinePage>> replyTo) {
      this(0, limit, cursor, replyTo);
    }
  }

  public record GetUserTimeline(int skip, int limit, Optional<String> cursor, ActorRef<StatusReply<TimelinePage>> replyTo)
      implements Read<TimelinePage> {
    @JsonCreator
    public GetUserTimeline {}

    public GetUserTimeline(int limit, Optional<String> cursor, ActorRef<StatusReply<TimelinePage>> replyTo) {
      this(0, limit, cursor, replyTo);
    }
  }

  // ---- replies --------------------------------------------------------------------------------

  public record Registration(Profile profile, boolean created) implements CborSerializable {}

  /** {@code celebrity}: under the hybrid strategy, followers pull this user's tweets. */
  public record Profile(String id, String name, int followers, int following, long tweets, boolean celebrity)
      implements CborSerializable {
    @JsonCreator
    public Profile {}

    public Profile(String id, String name, int followers, int following, long tweets) {
      this(id, name, followers, following, tweets, false);
    }
  }

  /** A page of followers in id order; {@code more} when followers after the last one exist. */
  public record Followers(List<String> ids, boolean more) implements CborSerializable {
    @JsonCreator
    public Followers {}
  }

  /**
   * A page, newest first; {@code nextCursor} is empty when there is nothing older. {@code partial}:
   * some followee to pull from did not answer in time, so tweets may be missing.
   */
  public record TimelinePage(List<Tweet> tweets, Optional<String> nextCursor, boolean partial)
      implements CborSerializable {
    @JsonCreator
    public TimelinePage {}

    public TimelinePage(List<Tweet> tweets, Optional<String> nextCursor) {
      this(tweets, nextCursor, false);
    }

    /**
     * The first tweets of {@code newestFirst}, at most {@code limit} and at most {@code maxBytes}
     * of {@link Tweet#wireBytes} (but always one), so that the reply fits into one Artery frame
     * whatever the texts: a page cut short by either has a {@code nextCursor}, as does one with
     * {@code older} tweets beyond the list.
     */
    public static TimelinePage within(List<Tweet> newestFirst, int limit, int maxBytes, boolean older, boolean partial) {
      int n = 0;
      for (long bytes = 0; n < Math.min(limit, newestFirst.size()); n++) {
        bytes += newestFirst.get(n).wireBytes();
        if (bytes > maxBytes && n > 0) break;
      }
      List<Tweet> page = List.copyOf(newestFirst.subList(0, n));
      boolean more = older || n < newestFirst.size();
      return new TimelinePage(page, more && n > 0 ? Optional.of(page.get(n - 1).id()) : Optional.empty(), partial);
    }
  }

  /** {@code capped}: the user pulls from more followees than a read gathers from; the page is partial. */
  public record HomeSources(TimelinePage stored, List<String> pullFrom, boolean capped) implements CborSerializable {}
}
