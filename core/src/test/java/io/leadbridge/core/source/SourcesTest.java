package io.leadbridge.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcesTest {
  @TempDir Path dir;

  private static List<SourceEntry> readAll(UserSource source) {
    List<SourceEntry> out = new ArrayList<>();
    try (source) {
      for (SourceEntry e; (e = source.next()) != null; ) {
        out.add(e);
      }
    }
    return out;
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  @Test
  void ndjsonReadsObjectsWithLineNumbersAndSkipsBlankLines() throws IOException {
    Path file =
        write(
            "users.json",
            ("{\"user_id\":\"auth0|1\",\"n\":1.50,\"big\":123456789012345678901234567890}\r\n"
                    + "\n"
                    + "   \n"
                    + "{\"user_id\":\"auth0|2\",\"tags\":[\"a\",null,true],\"m\":{\"x\":{}}}")
                .getBytes(StandardCharsets.UTF_8));
    List<SourceEntry> entries = readAll(UserSource.ndjson(file));
    assertThat(entries).hasSize(2);
    UserRecord first = (UserRecord) entries.get(0);
    assertThat(first.position()).isEqualTo(1);
    assertThat(first.userId()).isEqualTo("auth0|1");
    assertThat(first.get("n")).isEqualTo(new BigDecimal("1.50"));
    assertThat(first.get("big").toString()).isEqualTo("123456789012345678901234567890");
    UserRecord second = (UserRecord) entries.get(1);
    assertThat(second.position()).isEqualTo(4);
    assertThat(second.get("tags")).isEqualTo(Arrays.asList("a", null, true));
  }

  @Test
  void anNdjsonFileTellsTheShareOfItReadAndAStreamCannot() throws IOException {
    StringBuilder lines = new StringBuilder();
    java.util.Random random = new java.util.Random(3); // incompressible, so gzip keeps the share
    for (int i = 0; i < 60_000; i++) {
      lines.append("{\"user_id\":\"auth0|").append(i).append("\",\"n\":\"");
      lines.append(Long.toString(random.nextLong(), 36)).append("\"}\n");
    }
    byte[] plain = lines.toString().getBytes(StandardCharsets.UTF_8);
    for (Path file : List.of(write("plain.ndjson", plain), write("packed.ndjson", gzip(plain)))) {
      try (UserSource source = UserSource.ndjson(file)) {
        io.leadbridge.core.internal.ReadFraction f =
            (io.leadbridge.core.internal.ReadFraction) source;
        assertThat(f.readFraction()).isLessThan(0.15); // opening reads a buffer ahead
        for (int i = 0; i < 30_000; i++) {
          source.next();
        }
        // about half: the reading runs ahead of the lines by its buffers
        assertThat(f.readFraction()).isBetween(0.45, 0.65);
        while (source.next() != null) {
          // to the end
        }
        assertThat(f.readFraction()).isEqualTo(1.0);
      }
    }
    try (UserSource stream = UserSource.ndjson(new java.io.ByteArrayInputStream(plain), "stdin")) {
      assertThat(((io.leadbridge.core.internal.ReadFraction) stream).readFraction()).isNaN();
    }
  }

  @Test
  void gzipIsDetectedByMagicBytesNotByName() throws IOException {
    byte[] plain = "{\"user_id\":\"a\"}\n{\"user_id\":\"b\"}\n".getBytes(StandardCharsets.UTF_8);
    Path misnamed = write("export.json", gzip(plain));
    Path plainNamedGz = write("export.json.gz", plain);
    assertThat(readAll(UserSource.ndjson(misnamed))).hasSize(2);
    assertThat(readAll(UserSource.ndjson(plainNamedGz))).hasSize(2);
  }

  @Test
  void malformedLinesBecomeEntriesAndReadingGoesOn() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write("{\"user_id\":\"ok1\"}\n".getBytes(StandardCharsets.UTF_8));
    bytes.write("{\"user_id\": \"secret@example.com\n".getBytes(StandardCharsets.UTF_8));
    bytes.write("[1,2]\n".getBytes(StandardCharsets.UTF_8));
    bytes.write(
        new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
    bytes.write("{\"a\":1} {\"b\":2}\n".getBytes(StandardCharsets.UTF_8));
    bytes.write(
        ("{\"a\":" + "[".repeat(200) + "]".repeat(200) + "}\n").getBytes(StandardCharsets.UTF_8));
    bytes.write("{\"user_id\":\"ok2\"}\n".getBytes(StandardCharsets.UTF_8));
    Path file = write("bad.ndjson", bytes.toByteArray());

    List<SourceEntry> entries = readAll(UserSource.ndjson(file));

    assertThat(entries).hasSize(7);
    assertThat(((UserRecord) entries.get(0)).userId()).isEqualTo("ok1");
    assertThat(entries.get(1)).isInstanceOf(MalformedEntry.class);
    assertThat(entries.get(1).position()).isEqualTo(2);
    assertThat(((MalformedEntry) entries.get(1)).detail()).doesNotContain("secret");
    assertThat(((MalformedEntry) entries.get(2)).detail()).contains("JSON array");
    assertThat(((MalformedEntry) entries.get(3)).detail()).contains("UTF-8");
    assertThat(((MalformedEntry) entries.get(4)).detail()).contains("more after");
    assertThat(((MalformedEntry) entries.get(5)).detail()).contains("nested deeper");
    assertThat(((UserRecord) entries.get(6)).userId()).isEqualTo("ok2");
    assertThat(entries.get(6).position()).isEqualTo(7);
  }

  @Test
  void aByteOrderMarkAtTheStartIsIgnored() throws IOException {
    byte[] body = "{\"user_id\":\"a\"}\n".getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[body.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(body, 0, withBom, 3, body.length);
    List<SourceEntry> entries = readAll(UserSource.ndjson(write("bom.ndjson", withBom)));
    assertThat(((UserRecord) entries.get(0)).userId()).isEqualTo("a");
  }

  @Test
  void aTruncatedGzipIsASourceExceptionNotSilentLoss() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      sb.append("{\"user_id\":\"auth0|")
          .append(i)
          .append("\",\"pad\":\"")
          .append(i * 31)
          .append("\"}\n");
    }
    byte[] gz = gzip(sb.toString().getBytes(StandardCharsets.UTF_8));
    Path cut = write("cut.json.gz", Arrays.copyOf(gz, gz.length / 2));
    assertThatThrownBy(() -> readAll(UserSource.ndjson(cut)))
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void aLongSingleValueIsRead() throws IOException {
    String big = "x".repeat(10 * 1024 * 1024);
    Path file =
        write(
            "big.ndjson",
            ("{\"user_id\":\"a\",\"v\":\"" + big + "\"}\n").getBytes(StandardCharsets.UTF_8));
    List<SourceEntry> entries = readAll(UserSource.ndjson(file));
    assertThat(((String) ((UserRecord) entries.get(0)).get("v"))).hasSize(big.length());
  }

  @Test
  void jsonArrayStreamsElementsAndReportsNonObjects() throws IOException {
    Path file =
        write(
            "users.json",
            "[\n {\"user_id\":\"a\"},\n 42,\n {\"user_id\":\"b\",\"x\":[{\"y\":1}]}\n]\n"
                .getBytes(StandardCharsets.UTF_8));
    List<SourceEntry> entries = readAll(UserSource.jsonArray(file));
    assertThat(entries).hasSize(3);
    assertThat(((UserRecord) entries.get(0)).userId()).isEqualTo("a");
    assertThat(entries.get(1)).isInstanceOf(MalformedEntry.class);
    assertThat(entries.get(1).position()).isEqualTo(2);
    assertThat(((MalformedEntry) entries.get(1)).detail()).contains("element 2 (line 3)");
    assertThat(((UserRecord) entries.get(2)).get("x[0].y")).isEqualTo(1L);
  }

  @Test
  void jsonArrayThatNeverClosesIsAnError() throws IOException {
    Path file =
        write(
            "open.json",
            "[{\"user_id\":\"a\"},{\"user_id\":\"b\"}".getBytes(StandardCharsets.UTF_8));
    UserSource source = UserSource.jsonArray(file);
    assertThat(((UserRecord) source.next()).userId()).isEqualTo("a");
    assertThat(((UserRecord) source.next()).userId()).isEqualTo("b");
    assertThatThrownBy(source::next)
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("never closes");
    source.close();
  }

  @Test
  void jsonArrayWithASyntaxErrorStopsWithTheLine() throws IOException {
    Path file =
        write(
            "bad.json",
            "[{\"user_id\":\"a\"},\n{\"user_id\" \"b\"}]".getBytes(StandardCharsets.UTF_8));
    UserSource source = UserSource.jsonArray(file);
    source.next();
    assertThatThrownBy(source::next)
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("line 2")
        .hasMessageNotContaining("\"b\"");
    source.close();
  }

  @Test
  void jsonArrayRefusesAFileThatIsNotAnArray() throws IOException {
    Path file = write("obj.json", "{\"user_id\":\"a\"}".getBytes(StandardCharsets.UTF_8));
    try (UserSource source = UserSource.jsonArray(file)) {
      assertThatThrownBy(source::next)
          .isInstanceOf(SourceException.class)
          .hasMessageContaining("UserSource.ndjson");
    }
  }

  @Test
  void inMemoryRecordsAreCopiedAndUnsupportedTypesReported() {
    Map<String, Object> ok = new HashMap<>();
    ok.put("user_id", "a");
    ok.put("count", 3);
    ok.put("score", 1.5d);
    ok.put("tags", List.of("x"));
    Map<String, Object> bad = Map.of("user_id", "b", "when", new Object());
    List<Map<String, Object>> users = new ArrayList<>(List.of(ok, bad));
    users.add(null);
    List<SourceEntry> entries = readAll(UserSource.of(users));
    UserRecord first = (UserRecord) entries.get(0);
    assertThat(first.get("count")).isEqualTo(3L);
    assertThat(first.get("score")).isEqualTo(new BigDecimal("1.5"));
    ok.put("user_id", "changed");
    assertThat(first.userId()).isEqualTo("a");
    assertThat(entries.get(1)).isInstanceOf(MalformedEntry.class);
    assertThat(((MalformedEntry) entries.get(1)).detail()).contains("'when'");
    assertThat(entries.get(2)).isInstanceOf(MalformedEntry.class);
    assertThat(entries.get(2).position()).isEqualTo(3);
  }

  @Test
  void recordToStringHoldsNoValues() {
    UserRecord r = UserRecord.of(7, Map.of("email", "someone@example.com"));
    assertThat(r.toString()).doesNotContain("someone").contains("7");
  }

  @Test
  void aRawNulByteMakesItsLineMalformedAndAnEscapedOneIsAValue() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write("{\"user_id\":\"a\\u0000b\"}\n".getBytes(StandardCharsets.UTF_8));
    bytes.write(new byte[] {'{', '"', 'x', '"', ':', '"', 0, '"', '}', '\n'});
    bytes.write(new byte[] {0, '\n'});
    bytes.write("{\"user_id\":\"ok\"}\n".getBytes(StandardCharsets.UTF_8));
    List<SourceEntry> entries =
        readAll(UserSource.ndjson(write("nul.ndjson", bytes.toByteArray())));
    assertThat(((UserRecord) entries.get(0)).userId()).isEqualTo("a" + (char) 0 + "b");
    assertThat(entries.get(1)).isInstanceOf(MalformedEntry.class);
    assertThat(((MalformedEntry) entries.get(1)).detail()).contains("control character");
    assertThat(entries.get(2)).isInstanceOf(MalformedEntry.class);
    assertThat(((UserRecord) entries.get(3)).userId()).isEqualTo("ok");
  }

  @Test
  void elementsOfAOneLineJsonArrayHaveDistinctPositions() throws IOException {
    Path file =
        write("one-line.json", "[1, 2, {\"user_id\":\"a\"}, 3]".getBytes(StandardCharsets.UTF_8));
    List<SourceEntry> entries = readAll(UserSource.jsonArray(file));
    assertThat(entries).extracting(SourceEntry::position).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void aFileThatIsNotNdjsonAtAllIsRefusedAtItsFirstLineSayingWhatItIs() throws IOException {
    Path utf16 = write("utf16.json", "{\"user_id\":\"a\"}\n".getBytes(StandardCharsets.UTF_16));
    assertThatThrownBy(() -> readAll(UserSource.ndjson(utf16)))
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("looks like UTF-16 text")
        .hasMessageContaining("byte-order mark");
    Path utf16le =
        write("utf16le.json", "{\"user_id\":\"a\"}\n".getBytes(StandardCharsets.UTF_16LE));
    assertThatThrownBy(() -> readAll(UserSource.ndjson(utf16le)))
        .hasMessageContaining("looks like UTF-16 text (it holds NUL bytes)");
    Path array =
        write(
            "array.json",
            "[\n {\"user_id\":\"a\"},\n {\"user_id\":\"b\"}\n]\n".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> readAll(UserSource.ndjson(array)))
        .hasMessageContaining("holds a JSON array")
        .hasMessageContaining("UserSource.jsonArray");
    StringBuilder pretty = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      pretty.append("{\n  \"user_id\": \"auth0|").append(i).append("\",\n  \"email\": \"x\"\n}\n");
    }
    Path prettyFile = write("pretty.json", pretty.toString().getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> readAll(UserSource.ndjson(prettyFile)))
        .hasMessageContaining("pretty-printed JSON");
  }

  @Test
  void aFileThatCannotBeReadSaysWhyNotOnlyItsPath() throws IOException {
    Path magicOnly = write("cut.json.gz", new byte[] {0x1f, (byte) 0x8b});
    assertThatThrownBy(() -> UserSource.ndjson(magicOnly))
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("cut.json.gz")
        .hasMessageContaining("starts like gzip")
        .hasMessageContaining("truncated")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("null"));
    assertThatThrownBy(() -> UserSource.ndjson(dir))
        .hasMessageContaining("it is a folder, not a file");
    assertThatThrownBy(() -> UserSource.jsonArray(dir.resolve("missing.json")))
        .hasMessageContaining("missing.json: no such file");
  }

  @Test
  void ndjsonFromAStreamSuchAsStandardInput() throws IOException {
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
      out.write("{\"user_id\":\"a\"}\n{\"user_id\":\"b\"}\n".getBytes(StandardCharsets.UTF_8));
    }
    try (UserSource source =
        UserSource.ndjson(new java.io.ByteArrayInputStream(gz.toByteArray()), "standard input")) {
      assertThat(((UserRecord) source.next()).userId()).isEqualTo("a");
      assertThat(((UserRecord) source.next()).userId()).isEqualTo("b");
      assertThat(source.next()).isNull();
      assertThat(source.toString()).contains("standard input");
    }
  }
}
