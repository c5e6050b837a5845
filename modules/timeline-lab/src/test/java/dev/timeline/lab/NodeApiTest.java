package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lab's requests in the node API's terms, and its strict reading of replies. */
class NodeApiTest {
  static JsonNode json(String text) throws Exception {
    return Http.JSON.readTree(text);
  }

  @Test
  void requestsAreTheApisPathsAndBodies() {
    assertEquals(new NodeApi.Request("GET", "/users/u1/timeline?limit=20", null), NodeApi.homeTimeline("u1", 20, null));
    assertEquals("/users/u1/tweets?limit=200&cursor=0000000000001-u2", NodeApi.ownTimeline("u1", 200, "0000000000001-u2").path());
    assertEquals("GET /users/u1/tweets", NodeApi.ownTimeline("u1", 200, "x").line(), "messages name the route, not the query");
    assertEquals("{\"text\":\"hi\",\"requestId\":\"r-1\"}".length(), NodeApi.post("u1", "hi", "r-1").body().length());
    assertEquals("/cluster?sharding=off", NodeApi.cluster(false).path());
    assertEquals(List.of("/admin/import/users", "/admin/import/following", "/admin/import/followers"),
        java.util.Arrays.stream(NodeApi.Import.values()).map(i -> i.path).toList(), "in the order a load runs them");
  }

  @Test
  void aPageIsReadWhole() throws Exception {
    var request = NodeApi.ownTimeline("a", 200, null);
    NodeApi.Page page = NodeApi.Page.read(request,
        json("{\"tweets\":[{\"id\":\"2-a\",\"requestId\":\"r2\"},{\"id\":\"1-a\"}],\"nextCursor\":\"1-a\",\"partial\":false}"));
    assertEquals(List.of(new NodeApi.Tweet("2-a", "r2"), new NodeApi.Tweet("1-a", null)), page.tweets());
    assertEquals("1-a", page.nextCursor());
    assertFalse(page.partial());
    NodeApi.Page last = NodeApi.Page.read(request, json("{\"tweets\":[],\"nextCursor\":null,\"partial\":true}"));
    assertNull(last.nextCursor());
    assertTrue(last.partial());
  }

  /** A missing field would otherwise read as "no tweets", "last page" or "whole": a check that passes on nothing. */
  @Test
  void aReplyMissingAFieldIsABadReplyNamingIt() throws Exception {
    var request = NodeApi.homeTimeline("a", 20, null);
    for (String[] c : new String[][] {
        {"{\"nextCursor\":null,\"partial\":false}", "'tweets'"},
        {"{\"tweets\":[],\"partial\":false}", "'nextCursor'"},
        {"{\"tweets\":[],\"nextCursor\":null}", "'partial'"},
        {"{\"tweets\":[{\"text\":\"x\"}],\"nextCursor\":null,\"partial\":false}", "'id'"},
        {"{\"tweets\":{},\"nextCursor\":null,\"partial\":false}", "not a list"}}) {
      NodeApi.BadReply bad = assertThrows(NodeApi.BadReply.class, () -> NodeApi.Page.read(request, json(c[0])), c[0]);
      assertTrue(bad.getMessage().startsWith("GET /users/a/timeline: ") && bad.getMessage().contains(c[1]), bad.getMessage());
    }
    assertThrows(NodeApi.BadReply.class, () -> NodeApi.Page.read(request, null), "no body");
    var post = NodeApi.post("a", "t", "r");
    assertEquals("1-a", NodeApi.Posted.read(post, json("{\"tweetId\":\"1-a\",\"postedAt\":1}")).tweetId());
    assertThrows(NodeApi.BadReply.class, () -> NodeApi.Posted.read(post, json("{\"postedAt\":1}")));
    assertThrows(NodeApi.BadReply.class, () -> NodeApi.counters(NodeApi.metrics(), json("{\"posts\":1}")));
    assertThrows(NodeApi.BadReply.class, () -> NodeApi.journalWriters(NodeApi.journalWriters(), json("{\"events\":1,\"writerRuns\":{}}")));
  }
}
