package dev.timeline.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives an H2 server journal what PostgreSQL's {@code idle_in_transaction_session_timeout} gives
 * PostgreSQL: a session that holds uncommitted changes and has been idle longer than the limit is
 * aborted, its transaction rolled back. Such a session belongs to a writer that stopped between
 * its insert and its commit (a node paused by SIGSTOP or a long GC). Without the bound its insert
 * could commit later than the fan-out waits at a missing ordering number, and the fan-out would
 * never see that event although its post was acknowledged; with it, the insert is rolled back
 * and the post never acknowledged. Every node runs a guard, so a paused node's session is
 * aborted by the others; the limit must stay well below the fan-out's gap give-up
 * ({@code jdbc-read-journal.journal-sequence-retrieval}, 10 s).
 */
public final class IdleTransactionGuard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IdleTransactionGuard.class);

  private static final String IDLE_WITH_CHANGES =
      "select session_id from information_schema.sessions "
          + "where contains_uncommitted and session_state = 'SLEEP' "
          + "and sleep_since < localtimestamp - cast(? as interval second)";

  private final Journal.Login journal;
  private final Duration limit;
  private final ScheduledExecutorService timer;
  private Connection connection;

  private IdleTransactionGuard(Journal.Login journal, Duration limit) {
    this.journal = journal;
    this.limit = limit;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "h2-idle-transaction-guard");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts a guard when {@code journal} is an H2 server (TCP) and {@code limit} is positive;
   * an embedded H2 lives and pauses with its only node, and other databases bound it themselves.
   */
  public static java.util.Optional<IdleTransactionGuard> startFor(Journal.Login journal, Duration limit) {
    if (!journal.url().startsWith("jdbc:h2:tcp:") || limit.isZero() || limit.isNegative()) return java.util.Optional.empty();
    IdleTransactionGuard guard = new IdleTransactionGuard(journal, limit);
    long every = Math.max(100, limit.toMillis() / 3);
    guard.timer.scheduleWithFixedDelay(guard::sweep, every, every, TimeUnit.MILLISECONDS);
    log.info("aborting H2 journal sessions idle for more than {} ms with uncommitted changes", limit.toMillis());
    return java.util.Optional.of(guard);
  }

  /** One pass: the ids of the sessions it aborted (empty when the journal cannot be reached). */
  List<Integer> sweep() {
    List<Integer> aborted = new ArrayList<>();
    try {
      if (connection == null || connection.isClosed()) connection = journal.connect();
      List<Integer> idle = new ArrayList<>();
      try (PreparedStatement query = connection.prepareStatement(IDLE_WITH_CHANGES)) {
        query.setDouble(1, limit.toMillis() / 1000.0);
        try (ResultSet rs = query.executeQuery()) {
          while (rs.next()) idle.add(rs.getInt(1));
        }
      }
      for (int session : idle) {
        try (PreparedStatement abort = connection.prepareStatement("call abort_session(?)")) {
          abort.setInt(1, session);
          try (ResultSet rs = abort.executeQuery()) {
            if (rs.next() && rs.getBoolean(1)) {
              aborted.add(session);
              log.warn("aborted H2 journal session {}: idle with uncommitted changes for more than {} ms "
                  + "(a paused writer); its transaction is rolled back", session, limit.toMillis());
            }
          }
        }
      }
    } catch (SQLException e) {
      // The journal is down or restarting: nothing can commit late meanwhile; try again next time.
      closeQuietly();
    }
    return aborted;
  }

  private void closeQuietly() {
    try {
      if (connection != null) connection.close();
    } catch (SQLException ignored) {
      // already broken
    }
    connection = null;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly();
  }
}
