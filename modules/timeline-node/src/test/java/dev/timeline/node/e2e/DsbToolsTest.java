package dev.timeline.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DsbToolsTest {
  @Test
  void aFailedScriptIsBriefedAsItsLinesCountedAndItsFirstTraceback() {
    String failed = """
        Registering Users...
        0
        200
        Succeeded: 962
        Adding follows...
        Task exception was never retrieved
        future: <Task finished name='Task-2350' coro=<upload_follow() done> exception=ServerDisconnectedError('Server disconnected')>
        Traceback (most recent call last):
          File "init_social_graph.py", line 12, in upload_follow
            async with session.post(addr + '/wrk2-api/user/follow', data=payload) as resp:
        aiohttp.client_exceptions.ServerDisconnectedError: Server disconnected
        Task exception was never retrieved
        future: <Task finished name='Task-2359' coro=<upload_follow() done> exception=ServerDisconnectedError('Server disconnected')>
        Traceback (most recent call last):
          File "init_social_graph.py", line 12, in upload_follow
        aiohttp.client_exceptions.ServerDisconnectedError: Server disconnected
        """;
    assertEquals("""
        Registering Users...
        Succeeded: 962
        Adding follows...
        (2 times) Task exception was never retrieved
        (2 times) future: <Task finished name='Task-#' coro=<upload_follow() done> exception=ServerDisconnectedError('Server disconnected')>
        (2 times) Traceback (most recent call last):
        (2 times) aiohttp.client_exceptions.ServerDisconnectedError: Server disconnected
        the first traceback:
        Traceback (most recent call last):
          File "init_social_graph.py", line 12, in upload_follow
            async with session.post(addr + '/wrk2-api/user/follow', data=payload) as resp:
        """, DsbTools.brief(failed));
  }
}
