package dev.timeline.node.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.timeline.core.TimelineSettings;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Contract C3's report, folded from rows and read from a real journal table. */
class JournalWritersTest {

  /**
   * A journal with akka-persistence-jdbc's own H2 schema and hand-made rows, inserted out of
   * sequence order (the ordering column then disagrees with sequence numbers): User|a was taken
   * over once (w1, w2), User|b had two incarnations writing at once (w1, w2, w1), User|c one writer.
   * The connection keeps the in-memory database alive; close it when done.
   */
  static Connection journalWithRuns(String url) throws Exception {
    Connection c = DriverManager.getConnection(url, "sa", "");
    try (InputStream ddl = Config.class.getClassLoader().getResourceAsStream("schema/h2/h2-create-schema.sql");
         Statement s = c.createStatement()) {
      for (String statement : new String(ddl.readAllBytes(), StandardCharsets.UTF_8).split(";"))
        if (!statement.isBlank()) s.execute(statement);
    }
    insert(c, "User|b", 4, "w1");
    insert(c, "User|a", 1, "w1");
    insert(c, "User|b", 1, "w1");
    insert(c, "User|a", 3, "w2");
    insert(c, "User|b", 2, "w2");
    insert(c, "User|c", 1, "w3");
    insert(c, "User|a", 2, "w1");
    insert(c, "User|b", 3, "w2");
    insert(c, "User|c", 2, "w3");
    return c;
  }

  static final Map<String, List<String>> EXPECTED_RUNS = expectedRuns();

  private static Map<String, List<String>> expectedRuns() {
    Map<String, List<String>> runs = new LinkedHashMap<>();
    runs.put("User|a", List.of("w1", "w2"));
    runs.put("User|b", List.of("w1", "w2", "w1"));
    return runs;
  }

  private static void insert(Connection c, String persistenceId, long sequenceNumber, String writer) throws Exception {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO \"event_journal\" (\"persistence_id\", \"sequence_number\", "
        + "\"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\", \"event_ser_id\", \"event_ser_manifest\") "
        + "VALUES (?, ?, ?, 0, '', X'00', 1, '')")) {
      s.setString(1, persistenceId);
      s.setLong(2, sequenceNumber);
      s.setString(3, writer);
      s.executeUpdate();
    }
  }

  @Test
  void aScanReportsRunsInSequenceOrderForIdsWithMoreThanOneWriter() throws Exception {
    String url = "jdbc:h2:mem:writers-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    try (Connection keepAlive = journalWithRuns(url)) {
      Config config = ConfigFactory.parseString("timeline.journal { url = \"" + url + "\", user = sa, password = \"\" }")
          .withFallback(ConfigFactory.defaultReference());
      JournalWriters.Report report = JournalWriters.scan(JournalWriters.Table.of(config, TimelineSettings.from(config).journal().login()));
      assertEquals(new JournalWriters.Report(3, 9, EXPECTED_RUNS), report);
    }
  }

  @Test
  void theFoldCollapsesRepeatsAndStartsAfreshPerId() {
    JournalWriters.Fold fold = new JournalWriters.Fold();
    for (String[] row : new String[][] {{"p", "x"}, {"p", "x"}, {"p", "y"}, {"p", "y"}, {"p", "x"}, {"q", "x"}, {"r", "y"}, {"r", "z"}})
      fold.add(row[0], row[1]);
    // q's "x" is not a continuation of p's last run.
    assertEquals(new JournalWriters.Report(3, 8, Map.of("p", List.of("x", "y", "x"), "r", List.of("y", "z"))), fold.report());
    assertEquals(new JournalWriters.Report(0, 0, Map.of()), new JournalWriters.Fold().report());
  }
}
