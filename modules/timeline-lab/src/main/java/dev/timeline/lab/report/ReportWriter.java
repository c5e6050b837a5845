package dev.timeline.lab.report;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import dev.timeline.lab.history.Op;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** report.json, history.jsonl and the stored run ({@link StoredRun}), written and read back. */
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
      // Reading back (StoredRun): records through their canonical constructors, by parameter name.
      .addModule(new ParameterNamesModule(JsonCreator.Mode.PROPERTIES))
      .build();

  private ReportWriter() {}

  public static void writeJson(Object report, Path file) {
    try {
      MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), report);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file, e);
    }
  }

  /** {@code file} read as a {@code type}; throws naming the file. */
  static <T> T readJson(Path file, Class<T> type) {
    try {
      return MAPPER.readValue(file.toFile(), type);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + ": " + e.getMessage(), e);
    }
  }

  /** One line of {@code file} read as a {@code type}. */
  static <T> T parse(String line, Class<T> type, Path file) {
    try {
      return MAPPER.readValue(line, type);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + ": " + e.getMessage(), e);
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
