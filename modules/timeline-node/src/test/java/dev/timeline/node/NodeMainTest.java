package dev.timeline.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The binding and journal decisions NodeMain takes from its options, without starting a node. */
class NodeMainTest {

  private static Config configOf(String... args) {
    NodeMain main = new NodeMain();
    new CommandLine(main).parseArgs(args);
    return main.config();
  }

  @Test
  void theAdminPortStaysOnLoopbackWhateverHostIs() {
    Config opened = configOf("--index", "2", "--host", "127.0.0.2", "--fault-injection");
    assertEquals("127.0.0.2", opened.getString("timeline.http.host"));
    assertEquals("127.0.0.2", opened.getString("akka.remote.artery.canonical.hostname"));
    assertEquals("127.0.0.1", opened.getString("timeline.http.admin-host"));

    Config asked = configOf("--host", "127.0.0.2", "--admin-host", "127.0.0.3");
    assertEquals("127.0.0.3", asked.getString("timeline.http.admin-host"));
    assertEquals("127.0.0.1", configOf().getString("timeline.http.admin-host"));
  }

  /** A lone node's ports come from NodeMain.DefaultPorts; scripts/cluster names each one, the bind port behind the relay too. */
  @Test
  void portsAreTheDefaultsOfTheIndexUnlessNamed() {
    Config lone = configOf("--index", "3", "--fault-injection");
    assertEquals(NodeMain.DefaultPorts.ARTERY + 3, lone.getInt("akka.remote.artery.canonical.port"));
    assertEquals(NodeMain.DefaultPorts.ARTERY + 3 + NodeMain.DefaultPorts.RELAY_OFFSET, lone.getInt("akka.remote.artery.bind.port"));
    assertEquals(NodeMain.DefaultPorts.HTTP + 3, lone.getInt("timeline.http.port"));
    assertEquals(NodeMain.DefaultPorts.ADMIN + 3, lone.getInt("akka.management.http.port"));

    Config named = configOf("--index", "3", "--fault-injection", "--artery-port", "40001", "--artery-bind-port", "40777",
        "--http-port", "40002", "--fault-port", "40003");
    assertEquals(40001, named.getInt("akka.remote.artery.canonical.port"));
    assertEquals(40777, named.getInt("akka.remote.artery.bind.port"));
    assertEquals(40002, named.getInt("timeline.http.port"));
    assertEquals(40003, named.getInt("akka.management.http.port"));
    assertEquals(40101, configOf("--artery-port", "40001", "--fault-injection").getInt("akka.remote.artery.bind.port"));
  }

  /** The core leaves these to the application: a node is a cluster member that downs crashed members. */
  @Test
  void aNodeIsAClusterMemberWithDowningAndAFixedShardCount() {
    Config node = configOf();
    assertEquals("cluster", node.getString("akka.actor.provider"));
    assertEquals(PromptDowningProvider.class.getName(), node.getString("akka.cluster.downing-provider-class"));
    assertEquals("keep-majority", node.getString("akka.cluster.split-brain-resolver.active-strategy"));
    assertEquals(100, node.getInt("akka.cluster.sharding.number-of-shards"));
    assertEquals("akka.event.slf4j.Slf4jLogger", node.getStringList("akka.loggers").get(0));
  }

  @Test
  void anEmbeddedH2FileJournalWritesOnCommit() {
    assertEquals("jdbc:h2:file:/x/timeline;WRITE_DELAY=0", NodeMain.durableJournalUrl("jdbc:h2:file:/x/timeline"));
    assertEquals("jdbc:h2:./run/t;AUTO_SERVER=FALSE;WRITE_DELAY=0", NodeMain.durableJournalUrl("jdbc:h2:./run/t;AUTO_SERVER=FALSE"));
    assertEquals("jdbc:h2:~/t;WRITE_DELAY=0", NodeMain.durableJournalUrl("jdbc:h2:~/t"));
    // Given explicitly, it is kept (EmbeddedJournalCrashIT shows what 500 costs).
    assertEquals("jdbc:h2:file:/x;write_delay=500", NodeMain.durableJournalUrl("jdbc:h2:file:/x;write_delay=500"));
    for (String other : new String[] {"jdbc:h2:mem:t;DB_CLOSE_DELAY=-1", "jdbc:h2:tcp://127.0.0.1:9092/timeline",
        "jdbc:postgresql://127.0.0.1:5432/timeline"})
      assertEquals(other, NodeMain.durableJournalUrl(other));
  }

  /** What the node's journal and Slick's pool are given, whichever way the file URL comes in. */
  @Test
  void theNodesConfigCarriesTheDurableUrlEverywhere(@TempDir Path dir) throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("timeline");
    for (Config config : new Config[] {configOf("--journal-url", url), configOf("--config", nodeConf().toString())}) {
      String journal = config.getString("timeline.journal.url");
      assertEquals(journal, config.getString("akka-persistence-jdbc.shared-databases.slick.db.url"));
      assertEquals("0", writeDelayOf(journal.replace("./run/h2/", dir + "/")), journal);
    }
  }

  private static Path nodeConf() {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.exists(dir.resolve("config/node.conf"))) dir = dir.getParent();
    return dir.resolve("config/node.conf");
  }

  /** H2's own report of the setting, so a URL H2 ignored or refused fails here. */
  private static String writeDelayOf(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "sa", "");
         ResultSet rows = c.createStatement().executeQuery(
             "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
      rows.next();
      return rows.getString(1);
    }
  }
}
