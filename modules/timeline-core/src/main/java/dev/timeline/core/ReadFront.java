package dev.timeline.core;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.ChildFailed;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.pattern.StatusReply;
import akka.persistence.typed.EventRejectedException;
import akka.persistence.typed.internal.JournalFailureException;
import dev.timeline.core.UserEntity.State;
import dev.timeline.core.UserProtocol.Command;
import dev.timeline.core.UserProtocol.FollowChange;
import dev.timeline.core.UserProtocol.FollowChanges;
import dev.timeline.core.UserProtocol.FollowChangesWritten;
import dev.timeline.core.UserProtocol.Followers;
import dev.timeline.core.UserProtocol.GetFollowers;
import dev.timeline.core.UserProtocol.GetHomeSources;
import dev.timeline.core.UserProtocol.GetHomeTimeline;
import dev.timeline.core.UserProtocol.GetProfile;
import dev.timeline.core.UserProtocol.GetUserTimeline;
import dev.timeline.core.UserProtocol.HomeSources;
import dev.timeline.core.UserProtocol.Profile;
import dev.timeline.core.UserProtocol.Published;
import dev.timeline.core.UserProtocol.Read;
import dev.timeline.core.UserProtocol.TimelinePage;
import dev.timeline.core.UserProtocol.View;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The sharded actor of a user: reads never wait behind that user's writes.
 *
 * <p>An event-sourced entity holds every command that arrives while it persists or recovers, so
 * a read would wait for the write before it (and a flood of reads stashed during a recovery is
 * unstashed recursively: see {@link DeepStacks}). This plain actor sits in front of the
 * user's event-sourced writer ({@link UserWriter}, its child): it answers reads at once from the
 * newest {@link View} the writer published, and forwards everything else to the writer (follows
 * and new followers that arrive together, together: see {@link #sendFollowChanges}). The
 * writer publishes after every change and before replying to the command that made it, so a
 * client reads its own writes. Until the first view (the writer is recovering) reads go to the
 * writer too. Home reads wait, here, while the home view is being rebuilt, as at the writer.
 * When the writer stops (a journal failure), so does this, and sharding starts both again.
 */
final class ReadFront extends AbstractBehavior<Command> {

  /** Home reads held while the home view is rebuilt, at most; beyond, they are answered partial at once. */
  static final int MAX_HELD_READS = 1000;

  /** Follow changes written together, at most (one journal write; the rest wait for the next). */
  static final int MAX_FOLLOW_CHANGES = 500;

  static Behavior<Command> create(String userId, TimelineSettings settings, Function<ActorRef<Command>, Behavior<Command>> writer) {
    return Behaviors.setup(ctx -> new ReadFront(ctx, userId, settings, writer));
  }

  private final String userId;
  private final TimelineSettings settings;
  private final ActorRef<Command> writer;
  private final List<Read<?>> heldHomeReads = new ArrayList<>();
  private final TimelineMetrics metrics;
  private View view;
  /** Follows and new followers that arrived while the writer was writing the ones before. */
  private final List<FollowChange> followChanges = new ArrayList<>();
  private boolean writingFollowChanges;

  private ReadFront(ActorContext<Command> ctx, String userId, TimelineSettings settings,
                    Function<ActorRef<Command>, Behavior<Command>> writer) {
    super(ctx);
    this.userId = userId;
    this.settings = settings;
    this.metrics = TimelineMetrics.get(ctx.getSystem());
    this.writer = ctx.spawn(writer.apply(ctx.getSelf()), "writer", DispatcherSelector.sameAsParent());
    ctx.watch(this.writer);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Published.class, this::published)
        .onMessage(FollowChangesWritten.class, written -> {
          writingFollowChanges = false;
          return sendFollowChanges();
        })
        .onMessage(Command.class, this::command)
        .onSignal(Terminated.class, this::writerStopped)
        .build();
  }

  /**
   * The writer stops only when a journal call failed. Once it has published (recovered), that
   * was a write: rejected by the journal, or failed (an error, or no answer in time).
   */
  private Behavior<Command> writerStopped(Terminated stopped) {
    if (view != null && stopped instanceof ChildFailed failed) {
      if (failed.cause() instanceof EventRejectedException) metrics.journalWriteFailed(true);
      else if (failed.cause() instanceof JournalFailureException) metrics.journalWriteFailed(false);
    }
    return Behaviors.stopped();
  }

  private Behavior<Command> published(Published published) {
    view = published.view();
    if (!view.homeReadsWait()) {
      for (Read<?> read : heldHomeReads) answer(view, read, userId, settings);
      heldHomeReads.clear();
    }
    return this;
  }

  private Behavior<Command> command(Command command) {
    if (command instanceof FollowChange change) {
      followChanges.add(change);
      return sendFollowChanges();
    }
    if (view == null || !(command instanceof Read<?> read)) {
      writer.tell(command);
    } else if (isHomeRead(read) && view.homeReadsWait() && heldHomeReads.size() < MAX_HELD_READS) {
      heldHomeReads.add(read);
    } else {
      answer(view, read, userId, settings);
    }
    return this;
  }

  /**
   * Follows and new followers go to the writer together: whatever arrived while it wrote the
   * ones before, in one journal write (a user followed by many at once would otherwise write
   * once per follower, each waiting for the one before).
   */
  private Behavior<Command> sendFollowChanges() {
    if (writingFollowChanges || followChanges.isEmpty()) return this;
    List<FollowChange> batch = followChanges.subList(0, Math.min(followChanges.size(), MAX_FOLLOW_CHANGES));
    writer.tell(new FollowChanges(List.copyOf(batch)));
    batch.clear();
    writingFollowChanges = true;
    return this;
  }

  private static boolean isHomeRead(Command command) {
    return command instanceof GetHomeTimeline || command instanceof GetHomeSources;
  }

  // ---- reads: the same answers here and at the writer -------------------------------------------

  /** Answers {@code read} from {@code view}; a home page is partial while the view is rebuilt. */
  static void answer(View view, Read<?> read, String userId, TimelineSettings settings) {
    State state = view.state();
    boolean partial = !view.homeComplete();
    if (!state.isRegistered()) {
      notRegistered(read, userId);
    } else if (read instanceof GetProfile c) {
      c.replyTo().tell(StatusReply.success(profile(userId, state)));
    } else if (read instanceof GetFollowers c) {
      c.replyTo().tell(followers(state, c));
    } else if (read instanceof GetUserTimeline c) {
      // The author's own pages keep request ids: a client resolves a post whose answer it missed.
      c.replyTo().tell(page(state.ownTweets(), c.cursor(), c.skip(), c.limit(), true, false, settings));
    } else if (read instanceof GetHomeTimeline c) {
      c.replyTo().tell(page(view.home(), c.cursor(), c.skip(), c.limit(), false, partial, settings));
    } else if (read instanceof GetHomeSources c) {
      c.replyTo().tell(homeSources(view, c, partial, settings));
    } else {
      throw new IllegalArgumentException("not a read: " + read);
    }
  }

  private static <T> void notRegistered(Read<T> read, String userId) {
    read.replyTo().tell(notRegistered(userId));
  }

  /** The answer to any command but a registration for a user who is not registered. */
  static <T> StatusReply<T> notRegistered(String userId) {
    return Rejection.NOT_FOUND.reply("user " + userId + " is not registered");
  }

  static Profile profile(String userId, State s) {
    return new Profile(userId, s.name(), s.followers().size(), s.following().size(), s.tweetCount(), s.celebrity());
  }

  private static StatusReply<Followers> followers(State state, GetFollowers cmd) {
    if (cmd.max() < 1) return Rejection.INVALID.reply("max must be at least 1");
    IdSet.Page page = state.followers().page(cmd.after(), cmd.max());
    return StatusReply.success(new Followers(page.ids(), page.more()));
  }

  /**
   * At most pullMaxFollowees followees to pull from, the first in id order (so pages agree); capped
   * if more. The stored page skips only when nothing is pulled (see {@link GetHomeSources}).
   */
  private static StatusReply<HomeSources> homeSources(View view, GetHomeSources cmd, boolean partial, TimelineSettings settings) {
    if (cmd.skip() < 0) return Rejection.INVALID.reply(NEGATIVE_SKIP);
    List<String> pullFrom = settings.fanOut().strategy().pullFrom(view.state());
    StatusReply<TimelinePage> stored = pullFrom.isEmpty()
        ? page(view.home(), cmd.cursor(), cmd.skip(), cmd.limit(), false, partial, settings)
        : page(view.home(), cmd.cursor(), 0, skipPlusLimit(cmd.skip(), cmd.limit()), false, partial, settings);
    if (stored.isError()) return StatusReply.error(stored.getError());
    boolean capped = pullFrom.size() > settings.pullMaxFollowees();
    return StatusReply.success(new HomeSources(stored.getValue(),
        capped ? List.copyOf(pullFrom.subList(0, settings.pullMaxFollowees())) : pullFrom, capped));
  }

  /** What each page of a merge must hold, skipping nothing, for the merged page to skip {@code skip} (saturating). */
  static int skipPlusLimit(int skip, int limit) {
    return (int) Math.min(Integer.MAX_VALUE, (long) skip + limit);
  }

  private static final String NEGATIVE_SKIP = "skip must be at least 0";

  /** A page of the timeline; request ids only in the author's own pages (contract C2). */
  private static StatusReply<TimelinePage> page(Timeline timeline, Optional<String> cursor, int skip, int limit,
                                                boolean withRequestIds, boolean partial, TimelineSettings settings) {
    if (limit < 1) return Rejection.INVALID.reply("limit must be at least 1");
    if (skip < 0) return Rejection.INVALID.reply(NEGATIVE_SKIP);
    // One more than asked tells whether an older page exists (capped first: limit + 1 overflows
    // for Integer.MAX_VALUE, and a negative limit makes Timeline.page throw, stopping the entity).
    List<Tweet> tweets = timeline.page(cursor, skip, Math.min(limit, timeline.size()) + 1);
    if (!withRequestIds) tweets = tweets.stream().map(Tweet::withoutRequestId).toList();
    return StatusReply.success(TimelinePage.within(tweets, limit, settings.pageMaxBytes(), false, partial));
  }
}
