package dev.timeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code scripts/experiment --index}: the index alone, no cluster. */
class LabMainIndexTest {

  @TempDir
  Path dir;

  @Test
  void indexOnlyWritesTheIndexOfTheGivenDirectory() throws Exception {
    Files.createDirectories(dir.resolve("20250101-120000-broke"));

    int status = new CommandLine(new LabMain()).execute("--index", "--out", dir.toString());

    assertEquals(0, status);
    String html = Files.readString(dir.resolve("index.html"));
    assertTrue(html.contains("Runs (0)"));
    assertTrue(html.contains("<li>20250101-120000-broke: no report.json"), html);
  }

  @Test
  void indexTakesNoFileAndAFileIsNeededOtherwise() {
    assertEquals(2, new CommandLine(new LabMain()).execute("--index", "--out", dir.toString(), "x.conf"));
    assertEquals(2, new CommandLine(new LabMain()).execute("--out", dir.toString()));
    assertFalse(Files.exists(dir.resolve("index.html")));
  }

  @Test
  void aRunWrittenIntoASharedDirectoryIsNotIndexedThere() {
    assertEquals(null, LabMain.indexedParent(Path.of("/tmp/r")), "no /tmp/index.html listing everyone's files");
    assertEquals(null, LabMain.indexedParent(Path.of(System.getProperty("user.home"), "r")));
    assertEquals(dir, LabMain.indexedParent(dir.resolve("naive")));
  }

  @Test
  void aMissingDirectoryIsReportedNotThrown() {
    assertEquals(3, new CommandLine(new LabMain()).execute("--index", "--out", dir.resolve("nowhere").toString()));
  }
}
