package io.leadbridge.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.mapping.FieldMapping;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Auth0CsvSourceTest {
  @TempDir Path dir;

  /**
   * Written as Auth0's "Bulk User Exports" page says: strings quoted, prefixed with ', "" inside.
   */
  private static final String GUARDED =
      "user_id,email,email_verified,logins_count,created_at,user_metadata.plan,"
          + "identities[0].connection,user_metadata.note\n"
          + "\"'auth0|1\",\"'a@example.com\",true,5,2024-01-02T03:04:05.678Z,\"'pro\","
          + "\"'Username-Password-Authentication\",\"''quoted\"\n"
          + "\"'auth0|2\",,false,0,2024-02-02T00:00:00.000Z,\"'\",\"'google-oauth2\",\"'=1+1\"\r\n"
          + "\"'auth0|3\",\"'a\"\"b@example.com\",,,,\"'true\",\"'x\",\"'line\ntwo, \"\"quoted\"\"\"\n";

  private Path write(String name, String text) throws IOException {
    return write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  private static List<SourceEntry> readAll(UserSource source) {
    List<SourceEntry> out = new ArrayList<>();
    try (source) {
      for (SourceEntry e; (e = source.next()) != null; ) {
        out.add(e);
      }
    }
    return out;
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Test
  void undoesTheFormulaGuardExactlyAndRebuildsNestedValues() throws IOException {
    List<SourceEntry> entries =
        readAll(UserSource.open(write("e.csv", GUARDED), InputFormat.AUTH0_CSV));

    assertThat(entries).hasSize(3).allMatch(e -> e instanceof UserRecord);
    UserRecord first = (UserRecord) entries.get(0);
    assertThat(first.position()).isEqualTo(2);
    assertThat(first.userId()).isEqualTo("auth0|1");
    assertThat(first.get("email_verified")).isEqualTo(Boolean.TRUE);
    assertThat(first.get("logins_count")).isEqualTo(5L);
    assertThat(first.get("created_at")).isEqualTo("2024-01-02T03:04:05.678Z");
    assertThat(first.get("identities[0].connection")).isEqualTo("Username-Password-Authentication");
    assertThat(first.get("user_metadata.note")).isEqualTo("'quoted"); // one ' removed, one kept
    assertThat(first.asMap().get("identities")).isInstanceOf(List.class);

    UserRecord second = (UserRecord) entries.get(1);
    assertThat(second.position()).isEqualTo(3);
    assertThat(second.asMap()).doesNotContainKey("email"); // empty bare field: no value
    assertThat(second.get("user_metadata.plan")).isEqualTo(""); // "'" is the empty string
    assertThat(second.get("user_metadata.note")).isEqualTo("=1+1");
    assertThat(second.get("email_verified")).isEqualTo(Boolean.FALSE);

    UserRecord third = (UserRecord) entries.get(2);
    assertThat(third.position()).isEqualTo(4);
    assertThat(third.get("email")).isEqualTo("a\"b@example.com");
    assertThat(third.get("user_metadata.plan")).isEqualTo("true"); // a string, not a boolean
    assertThat(third.get("user_metadata.note")).isEqualTo("line\ntwo, \"quoted\"");
    assertThatThrownBy(() -> ((Map<String, Object>) third.asMap()).put("x", 1))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void recognisesEachFormatFromItsFirstBytesGzippedOrNot() throws IOException {
    assertThat(InputFormat.detect(write("a.json", "\n{\"user_id\":\"x\"}\n")))
        .isEqualTo(InputFormat.NDJSON);
    assertThat(InputFormat.detect(write("b.json", "  [{\"user_id\":\"x\"}]")))
        .isEqualTo(InputFormat.JSON_ARRAY);
    assertThat(InputFormat.detect(write("c.gz", gzip(GUARDED)))).isEqualTo(InputFormat.AUTH0_CSV);
    assertThat(InputFormat.detect(write("d.tsv", "\uFEFFuser_id\temail\n\"'a\"\t\"'b,c\"\n")))
        .isEqualTo(InputFormat.AUTH0_TSV);
    assertThat(InputFormat.detect(write("e.txt", ""))).isEqualTo(InputFormat.NDJSON);
    assertThat(InputFormat.detect(write("f.csv", "\"user_id\"\n\"'x\"\n")))
        .isEqualTo(InputFormat.AUTH0_CSV);

    List<SourceEntry> tsv = readAll(UserSource.open(dir.resolve("d.tsv")));
    assertThat(((UserRecord) tsv.get(0)).get("email")).isEqualTo("b,c");
    List<SourceEntry> csv = readAll(UserSource.open(dir.resolve("c.gz")));
    assertThat(csv).hasSize(3);
    assertThat(readAll(UserSource.open(dir.resolve("b.json")))).hasSize(1);
    assertThat(readAll(UserSource.open(dir.resolve("a.json")))).hasSize(1);
  }

  @Test
  void refusesUtf16AndBinaryWithTheReason() throws IOException {
    Path utf16 = write("u.csv", "\uFEFFuser_id\n".getBytes(StandardCharsets.UTF_16LE));
    assertThatThrownBy(() -> UserSource.open(utf16))
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("UTF-16");
    Path binary = write("b.bin", new byte[] {'P', 'K', 3, 4, 0, 0});
    assertThatThrownBy(() -> UserSource.open(binary))
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("neither NDJSON, a JSON array nor an Auth0 CSV/TSV export");
  }

  @Test
  void displayNamesReadBackThroughAMappingOrFailNamingTheHeader() throws IOException {
    Path file =
        write(
            "ext.csv",
            "Id,Given Name,Email,Connection,Email Verified\n"
                + "\"'auth0|1\",\"'Zoë\",\"'z@example.com\",\"'github\",true\n");

    assertThatThrownBy(() -> UserSource.open(file))
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("'Id', 'Given Name', 'Email', 'Connection', 'Email Verified'")
        .hasMessageContaining("FieldMapping.auth0Defaults()");

    List<SourceEntry> read =
        readAll(UserSource.open(file, InputFormat.AUTO, FieldMapping.auth0Defaults()));
    UserRecord user = (UserRecord) read.get(0);
    assertThat(user.userId()).isEqualTo("auth0|1");
    assertThat(user.get("given_name")).isEqualTo("Zoë");
    assertThat(user.get("identities[0].connection")).isEqualTo("github");
    assertThat(user.get("email_verified")).isEqualTo(Boolean.TRUE);

    Path other = write("other.csv", "Id,Plan Name\n\"'a\",\"'pro\"\n");
    assertThatThrownBy(() -> UserSource.open(other, InputFormat.AUTO, FieldMapping.auth0Defaults()))
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("'Plan Name'")
        .hasMessageContaining("nor a column name of the header mapping");
  }

  @Test
  void malformedRowsAreRejectionsWithTheirLineAndReadingGoesOn() throws IOException {
    byte[] bad = "\"'auth0|4\",\"'\u00ff\"\n".getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(
        ("user_id,email\n"
                + "\"'auth0|1\",\"'a@example.com\"\n"
                + "\"'auth0|2\"\n"
                + "\"'auth0|3\"x,\"'b@example.com\"\n")
            .getBytes(StandardCharsets.UTF_8));
    bytes.write(bad);
    bytes.write("\n\"'auth0|5\",ab\"c\n\"'auth0|6\",\"'f@example.com\"\n".getBytes());
    List<SourceEntry> entries = readAll(UserSource.open(write("m.csv", bytes.toByteArray())));

    assertThat(entries).extracting(SourceEntry::position).containsExactly(2L, 3L, 4L, 5L, 7L, 8L);
    assertThat(entries.get(0)).isInstanceOf(UserRecord.class);
    assertThat(((MalformedEntry) entries.get(1)).detail()).contains("1 value, the header has 2");
    assertThat(((MalformedEntry) entries.get(2)).detail()).contains("after its closing quote");
    assertThat(((MalformedEntry) entries.get(3)).detail()).contains("not valid UTF-8");
    assertThat(((MalformedEntry) entries.get(4)).detail()).contains("not enclosed in quotes");
    assertThat(((UserRecord) entries.get(5)).userId()).isEqualTo("auth0|6");
  }

  @Test
  void aFileThatEndsInsideQuotesIsTruncated() throws IOException {
    Path file = write("t.csv", "user_id,email\n\"'auth0|1\",\"'a@exa");
    try (UserSource users = UserSource.open(file)) {
      assertThatThrownBy(users::next)
          .isInstanceOf(SourceException.class)
          .hasMessageContaining("ends inside a quoted value opened on line 2")
          .hasMessageContaining("truncated");
    }
  }

  @Test
  void aMappingThatReadsAWholeObjectOrArrayIsRefusedOnceBeforeAnyRow() throws IOException {
    Path file =
        write(
            "w.csv",
            "user_id,user_metadata,identities[0].connection,email\n"
                + "\"'auth0|1\",,\"'github\",\"'a@example.com\"\n");
    FieldMapping mapping =
        FieldMapping.builder()
            .column("email", "email")
            .column("user_metadata.plan", "plan")
            .column("identities", "identities")
            .column("app_metadata", "app")
            .build();
    UserExporter exporter = UserExporter.builder().mapping(mapping).format(CsvFormat.CSV).build();

    try (UserSource users = UserSource.open(file)) {
      assertThatThrownBy(() -> exporter.export(users, dir.resolve("out.csv")))
          .isInstanceOf(SourceException.class)
          .hasMessageContaining("cannot hold values the mapping reads")
          .hasMessageContaining("'user_metadata.plan' lies inside column 'user_metadata'")
          .hasMessageContaining(
              "'identities' is read whole, but the CSV holds only one part of it"
                  + " (identities[0].connection)")
          .hasMessageContaining("'app_metadata' is a whole object or array");
    }
    assertThat(dir.resolve("out.csv")).doesNotExist();
  }

  @Test
  void bareValuesBecomeNumbersOnlyWhenTheirTextComesBackUnchanged() throws IOException {
    Path file =
        write(
            "bare.tsv",
            "user_id\ta\tb\tc\td\te\tf\tg\n"
                + "auth0|1\t42\t1.50\t1e5\t-0\t0123\t-0.0\t123456789012345678901234567890\n");
    UserRecord user = (UserRecord) readAll(UserSource.open(file)).get(0);
    assertThat(user.get("a")).isEqualTo(42L);
    assertThat(user.get("b")).isEqualTo(new java.math.BigDecimal("1.50"));
    assertThat(user.get("c")).isEqualTo("1e5");
    assertThat(user.get("d")).isEqualTo("-0");
    assertThat(user.get("e")).isEqualTo("0123");
    assertThat(user.get("f")).isEqualTo("-0.0");
    assertThat(user.get("g")).isEqualTo(new java.math.BigInteger("123456789012345678901234567890"));
  }
}
