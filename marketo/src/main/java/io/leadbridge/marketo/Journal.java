package io.leadbridge.marketo;

import io.leadbridge.core.internal.Json;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small append-only file beside the imported files that records, per part (by name and content
 * hash), the batch Marketo accepted it as, or that its upload is uncertain, or that its batch is
 * finished; and per given file (by name and content hash), the rows the value check left out of it,
 * so that a resumed run re-writes the very parts the first one uploaded. Each line is written and
 * forced to disk before the import goes on, so a run that dies at any point can be resumed without
 * uploading an accepted part twice.
 */
final class Journal {
  enum State {
    ACCEPTED,
    UNCERTAIN,
    FINISHED,
    /** An uncertain upload whose leads a lookup found in Marketo: imported, without a batch. */
    IMPORTED
  }

  /**
   * One line: for FINISHED, the batch's final status too; its order in the journal; for UNCERTAIN,
   * when the answer was lost (epoch milliseconds, 0 when not recorded).
   */
  record Entry(
      String part,
      String sha256,
      State state,
      long batchId,
      BatchStatus result,
      int seq,
      long at) {}

  private final Path file;
  private final Map<String, Entry> latest = new HashMap<>();
  private final Map<String, List<ValueScan.LeftRow>> decisions = new HashMap<>();
  private int lines;

  private Journal(Path file) {
    this.file = file;
  }

  static Journal open(Path file) {
    Journal j = new Journal(file);
    if (Files.exists(file)) {
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new MarketoException(
            "Cannot read the import journal " + file + ": " + e.getMessage(), e);
      }
      int n = 0;
      for (String line : lines) {
        n++;
        j.lines = n;
        if (line.isBlank()) {
          continue;
        }
        try {
          Map<String, Object> m = Json.object(Json.parse(line));
          if (m.containsKey("source")) {
            j.decisions.put(key(Json.string(m, "source"), Json.string(m, "sha256")), leftRows(m));
            continue;
          }
          long batchId = Json.number(m, "batchId", 0);
          BatchStatus result =
              m.containsKey("result")
                  ? new BatchStatus(
                      batchId,
                      Optional.empty(),
                      BatchStatus.State.valueOf(Json.string(Json.object(m.get("result")), "state")),
                      Json.number(Json.object(m.get("result")), "leadsProcessed", 0),
                      Json.number(Json.object(m.get("result")), "rowsFailed", 0),
                      Json.number(Json.object(m.get("result")), "rowsWithWarning", 0),
                      String.valueOf(Json.object(m.get("result")).getOrDefault("message", "")))
                  : null;
          Entry e =
              new Entry(
                  Json.string(m, "part"),
                  Json.string(m, "sha256"),
                  State.valueOf(Json.string(m, "state")),
                  batchId,
                  result,
                  n,
                  Json.number(m, "at", 0));
          j.latest.put(key(e.part(), e.sha256()), e);
        } catch (RuntimeException e) {
          if (n == lines.size()) {
            continue; // a last line cut short by a crash: that step did not complete
          }
          throw new MarketoException(
              "The import journal "
                  + file
                  + " is damaged at line "
                  + n
                  + "; move it away to start over.",
              e);
        }
      }
    }
    return j;
  }

  private static List<ValueScan.LeftRow> leftRows(Map<String, Object> m) {
    List<ValueScan.LeftRow> rows = new ArrayList<>();
    for (Object o : Json.array(m.get("leftOut"))) {
      List<?> r = Json.array(o);
      rows.add(
          new ValueScan.LeftRow(
              ((Number) r.get(0)).longValue(),
              (String) r.get(1),
              ValueRule.valueOf((String) r.get(2))));
    }
    return List.copyOf(rows);
  }

  private static String key(String part, String sha256) {
    return part + "\u0000" + sha256;
  }

  Path file() {
    return file;
  }

  Entry get(String part, String sha256) {
    return latest.get(key(part, sha256));
  }

  /**
   * The rows an earlier run left out of a given file, or {@code null} when no run has checked it.
   */
  List<ValueScan.LeftRow> decision(String source, String sha256) {
    return decisions.get(key(source, sha256));
  }

  /**
   * Whether a part of a given file is in the journal: uploaded by a run that recorded no rows left
   * out (the value check off, or a version without it), which therefore sent every row.
   */
  boolean hasParts(String source) {
    for (Entry e : latest.values()) {
      if (e.part().equals(source) || e.part().startsWith(source + "#")) {
        return true;
      }
    }
    return false;
  }

  /** Records the rows left out of a given file, before the first of its parts is uploaded. */
  void recordDecision(String source, String sha256, List<ValueScan.LeftRow> leftOut) {
    StringBuilder line =
        new StringBuilder("{\"source\":")
            .append(Json.quote(source))
            .append(",\"sha256\":")
            .append(Json.quote(sha256))
            .append(",\"state\":\"CHECKED\",\"leftOut\":[");
    for (int i = 0; i < leftOut.size(); i++) {
      ValueScan.LeftRow r = leftOut.get(i);
      line.append(i == 0 ? "" : ",")
          .append('[')
          .append(r.row())
          .append(',')
          .append(Json.quote(r.column()))
          .append(",\"")
          .append(r.rule())
          .append("\"]");
    }
    append(line.append("]}\n").toString(), "the rows left out of " + source);
    lines++;
    decisions.put(key(source, sha256), List.copyOf(leftOut));
  }

  void record(String part, String sha256, State state, long batchId) {
    record(part, sha256, state, batchId, null, 0);
  }

  void record(String part, String sha256, State state, long batchId, BatchStatus result) {
    record(part, sha256, state, batchId, result, 0);
  }

  /** Records that an upload's answer was lost, and when. */
  void uncertain(String part, String sha256, long at) {
    record(part, sha256, State.UNCERTAIN, 0, null, at);
  }

  private void record(
      String part, String sha256, State state, long batchId, BatchStatus result, long at) {
    Entry e = new Entry(part, sha256, state, batchId, result, ++lines, at);
    String line =
        "{\"part\":"
            + Json.quote(part)
            + ",\"sha256\":"
            + Json.quote(sha256)
            + ",\"state\":\""
            + state
            + "\",\"batchId\":"
            + batchId
            + (at == 0 ? "" : ",\"at\":" + at)
            + (result == null
                ? ""
                : ",\"result\":{\"state\":\""
                    + result.state()
                    + "\",\"leadsProcessed\":"
                    + result.leadsProcessed()
                    + ",\"rowsFailed\":"
                    + result.rowsFailed()
                    + ",\"rowsWithWarning\":"
                    + result.rowsWithWarning()
                    + ",\"message\":"
                    + Json.quote(result.message())
                    + "}")
            + "}\n";
    append(line, "batch " + batchId + " is " + state);
    latest.put(key(part, sha256), e);
  }

  private void append(String line, String what) {
    try {
      OwnerOnlyFiles.createIfAbsent(file);
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.APPEND)) {
        ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
    } catch (IOException ex) {
      throw new MarketoException(
          "Cannot write the import journal " + file + " (" + what + "): " + ex.getMessage(), ex);
    }
  }
}
