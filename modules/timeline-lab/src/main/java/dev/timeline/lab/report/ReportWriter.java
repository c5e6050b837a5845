package dev.timeline.lab.report;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.timeline.lab.history.Op;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** report.json and history.jsonl. */
public final class ReportWriter {

  /**
   * Jackson 2.11 predates records: it sees their fields (named as the components), not their
   * accessors, which do not look like getters. Infinite numbers (a window's fan-out lag p99 when
   * posts were never seen) are written as the string "Infinity", which JSON can carry.
   */
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .visibility(PropertyAccessor.FIELD, Visibility.ANY)
      .visibility(PropertyAccessor.GETTER, Visibility.NONE)
      .visibility(PropertyAccessor.IS_GETTER, Visibility.NONE)
      .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .build();

  private ReportWriter() {}

  public static void writeJson(Object report, Path file) {
    try {
      MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), report);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file, e);
    }
  }

  /** One operation per line, its fields named as in {@link Op}. */
  public static void writeHistory(List<Op> history, Path file) {
    ObjectWriter writer = MAPPER.writer();
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (Op op : history) {
        out.write(writer.writeValueAsString(op));
        out.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file, e);
    }
  }
}
