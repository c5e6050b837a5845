package dev.timeline.core;

import static dev.timeline.core.FanOutClusterTest.join;
import static dev.timeline.core.FanOutClusterTest.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Timeline pages as clients read them through a node, under pull (so home pages are merged from
 * followees' pages asked across the cluster): every page fits an Artery frame, a read pulls from
 * a bounded number of followees, and only the author's own pages carry request ids (C2).
 */
class PagesTest {
  static final int CAP = 3;
  static LocalCluster cluster;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(2, ConfigFactory.parseString("""
        akka.actor.serialize-messages = on
        timeline.fan-out.strategy = pull
        timeline.pull-max-followees = %d
        """.formatted(CAP)));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  /**
   * 200 tweets of 1024 four-byte characters are 800 KiB, over Artery's 256 KiB frame: a reply
   * that large is dropped and the read times out. Read through the node that does not host the
   * author, each page answers with fewer tweets and a cursor, and paging on yields them all.
   */
  @Test
  void pagesOfLargeTweetsReadAcrossNodesAnswerInParts() {
    Users setup = cluster.users(0);
    join(setup.register("big", "Big"));
    join(setup.register("big-fan", "Fan"));
    join(setup.follow("big-fan", "big"));
    Users remote = cluster.users(1 - cluster.nodeOfUser("big").orElseThrow());
    List<Tweet> newestFirst = new ArrayList<>();
    for (int i = 0; i < 200; i++) newestFirst.add(join(remote.post("big", UserEntityTest.bigText(i), Optional.of("big-" + i))));
    Collections.reverse(newestFirst);
    List<Tweet> withoutRequestIds = newestFirst.stream().map(Tweet::withoutRequestId).toList();

    assertEquals(newestFirst, readAll(cursor -> remote.userTimeline("big", 200, cursor)), "own pages, request ids kept");
    assertEquals(withoutRequestIds, readAll(cursor -> remote.homeTimeline("big", 200, cursor)), "stored home pages");
    assertEquals(withoutRequestIds, readAll(cursor -> remote.homeTimeline("big-fan", 200, cursor)), "merged home pages");

    // A merged page skips what the pulled pages (about 31 tweets of 4 KiB in a budget) brought,
    // then asks again after them: past 31 the skip ends beyond the first pages.
    for (int skip : new int[] {1, 37, 150, 195, 200, 250}) {
      List<Tweet> own = newestFirst.subList(Math.min(skip, 200), Math.min(skip + 10, 200));
      List<Tweet> home = withoutRequestIds.subList(Math.min(skip, 200), Math.min(skip + 10, 200));
      assertEquals(own, join(remote.userTimeline("big", skip, 10, Optional.empty())).tweets(), "own, skip " + skip);
      assertEquals(home, join(remote.homeTimeline("big", skip, 10, Optional.empty())).tweets(), "stored home, skip " + skip);
      UserProtocol.TimelinePage merged = join(remote.homeTimeline("big-fan", skip, 10, Optional.empty()));
      List<Tweet> start = home.subList(0, Math.min(home.size(), merged.tweets().size()));
      assertEquals(start, merged.tweets(), "merged home, skip " + skip + ": where the skip ends");
      assertEquals(home.isEmpty(), merged.tweets().isEmpty(), "merged home, skip " + skip + ": empty only past the end");
      if (merged.tweets().size() < home.size())
        assertEquals(Optional.of(merged.tweets().get(merged.tweets().size() - 1).id()), merged.nextCursor(), "cut short: a cursor to the rest");
    }
  }

  /** Every page until the last: whole (not partial), cut short of 200 by the budget, concatenated. */
  private static List<Tweet> readAll(Function<Optional<String>, CompletionStage<UserProtocol.TimelinePage>> read) {
    List<Tweet> all = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    int pages = 0;
    do {
      UserProtocol.TimelinePage page = join(read.apply(cursor));
      assertFalse(page.partial(), "page " + pages + " is whole");
      assertFalse(page.tweets().isEmpty(), "page " + pages + " has tweets");
      all.addAll(page.tweets());
      cursor = page.nextCursor();
      pages++;
    } while (cursor.isPresent());
    assertTrue(pages >= 4, "800 KiB in pages of at most 128 KiB, was " + pages + " pages");
    return all;
  }

  @Test
  void aReaderOfMoreFolloweesThanTheCapGetsPartialPagesFromTheFirstOnes() {
    Users users = cluster.users(1);
    join(users.register("cap-reader", "Reader"));
    List<String> followees = register(users, "cap-", 5); // cap-0 .. cap-4, in id order
    List<String> tweetIds = new ArrayList<>();
    for (String f : followees) {
      join(users.follow("cap-reader", f));
      tweetIds.add(join(users.post(f, "from " + f, Optional.of("req-" + f))).id());
    }

    UserProtocol.TimelinePage capped = join(users.homeTimeline("cap-reader", 10, Optional.empty()));
    assertTrue(capped.partial(), "5 followees to pull from, " + CAP + " gathered");
    assertEquals(newestFirst(tweetIds.subList(0, CAP)), ids(capped), "the first " + CAP + " followees' tweets");
    capped.tweets().forEach(t -> assertNull(t.requestId(), "a home page carries no request id: " + t));
    assertEquals("req-cap-0", join(users.userTimeline("cap-0", 10, Optional.empty())).tweets().get(0).requestId(),
        "the author's own page does");

    join(users.unfollow("cap-reader", "cap-0"));
    join(users.unfollow("cap-reader", "cap-1"));
    UserProtocol.TimelinePage whole = join(users.homeTimeline("cap-reader", 10, Optional.empty()));
    assertFalse(whole.partial(), CAP + " followees: all gathered");
    assertEquals(newestFirst(tweetIds.subList(2, 5)), ids(whole));
  }

  private static List<String> newestFirst(List<String> ids) {
    return ids.stream().sorted(Collections.reverseOrder()).toList();
  }

  private static List<String> ids(UserProtocol.TimelinePage page) {
    return page.tweets().stream().map(Tweet::id).toList();
  }
}
