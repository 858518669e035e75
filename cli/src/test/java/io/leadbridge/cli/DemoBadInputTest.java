package io.leadbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.core.sync.SyncState;
import io.leadbridge.testkit.ManualClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo given wrong files, mappings and command lines, as a careful user expects. */
class DemoBadInputTest {
  @TempDir Path dir;
  private ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final ManualClock clock = ManualClock.create();

  private int demo(String... args) {
    return demo(new ByteArrayInputStream(new byte[0]), args);
  }

  private int demo(InputStream in, String... args) {
    outBytes = new ByteArrayOutputStream();
    errBytes = new ByteArrayOutputStream();
    return Cli.run(
        Map.of(),
        in,
        new PrintStream(outBytes, true, StandardCharsets.UTF_8),
        new PrintStream(errBytes, true, StandardCharsets.UTF_8),
        clock,
        Cli.demo(args));
  }

  private String out() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  private Path file(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void anEmptyOrTruncatedInputNeverWipesTheSyncStateAndSaysHowToOverride() throws IOException {
    String state = dir.resolve("state").toString();
    String out = dir.resolve("out").toString();
    assertThat(demo("--users", "300", "--state", state, "--out", out, "--no-alterian"))
        .as(err())
        .isZero();
    long users = SyncState.open(Path.of(state)).users();
    assertThat(users).isPositive();

    Path empty = file("empty.json", "");
    assertThat(demo("--input", empty.toString(), "--state", state, "--out", out, "--no-marketo"))
        .isEqualTo(1);
    assertThat(err())
        .contains("Refusing to sync")
        .contains("all " + users + " users")
        .contains("--allow-mass-removal")
        .doesNotContain("journal")
        .doesNotContain("Exception");
    assertThat(SyncState.open(Path.of(state)).users()).isEqualTo(users);
    assertThat(SyncState.open(Path.of(state)).generation()).isEqualTo(1);

    Path csv = file("users.csv", "user_id,email\nauth0|1,a@x.com\n");
    assertThat(demo("--input", csv.toString(), "--state", state, "--out", out, "--no-marketo"))
        .isEqualTo(1);
    assertThat(SyncState.open(Path.of(state)).users()).isEqualTo(users);

    assertThat(
            demo(
                "--input",
                empty.toString(),
                "--state",
                state,
                "--out",
                out,
                "--no-marketo",
                "--allow-mass-removal"))
        .as(err())
        .isZero();
    assertThat(SyncState.open(Path.of(state)).users()).isZero();
  }

  @Test
  void aMappingWithoutAnEmailColumnIsOneClearLine() throws IOException {
    Path mapping = file("mapping.txt", "given_name | firstName\n=Auth0 | leadSource\n");
    assertThat(demo("--mapping", mapping.toString(), "--out", dir.toString())).isEqualTo(2);
    assertThat(err().lines().findFirst().orElse(""))
        .startsWith("leadbridge-demo: --mapping " + mapping)
        .contains("no 'email' column");
    assertThat(err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void aDryRunChecksTheLookupField() {
    assertThat(
            demo(
                "--users",
                "100",
                "--dry-run",
                "--no-alterian",
                "--lookup-field",
                "emial",
                "--out",
                dir.toString()))
        .isEqualTo(2);
    assertThat(err()).contains("--lookup-field emial is not a column of the export");
  }

  @Test
  void aColumnTheInstanceDoesNotHaveIsRefusedBeforeUploading() throws IOException {
    Path mapping = file("mapping.txt", "email | email\nuser_id | auth0Id\n");
    assertThat(
            demo(
                "--users",
                "100",
                "--no-alterian",
                "--mapping",
                mapping.toString(),
                "--lookup-field",
                "auth0Id",
                "--out",
                dir.toString()))
        .isEqualTo(1);
    assertThat(err()).contains("auth0Id");
  }

  @Test
  void aHeaderMarketoWouldRefuseInADryRunIsTheInputsFaultExitOne() throws IOException {
    Path mapping = file("mapping.txt", "email | Email Address\n");
    assertThat(
            demo(
                "--users",
                "100",
                "--dry-run",
                "--no-alterian",
                "--mapping",
                mapping.toString(),
                "--lookup-field",
                "Email Address",
                "--out",
                dir.toString()))
        .isEqualTo(1);
    assertThat(err()).contains("Marketo would refuse these columns").contains("email");
  }

  @Test
  void pathsThatAreTheWrongKindAreCommandLineMistakes() throws IOException {
    Path aFile = file("a-file", "x");
    assertThat(demo("--state", aFile.toString(), "--out", dir.resolve("o").toString()))
        .isEqualTo(2);
    assertThat(err()).contains("--state " + aFile + " is a file");
    assertThat(demo("--out", aFile.toString())).isEqualTo(2);
    assertThat(err()).contains("--out " + aFile + " is a file");
    assertThat(demo("--input", dir.toString(), "--out", dir.resolve("o").toString())).isEqualTo(2);
    assertThat(err()).contains("--input " + dir + ": it is a folder, not a file");
  }

  @Test
  void aFailureOutsideTheImportGivesNoAdviceAboutTheJournal() {
    int status =
        Cli.run(
            Map.of(
                "AUTH0_DOMAIN", "http://127.0.0.1:9",
                "AUTH0_CLIENT_ID", "x",
                "AUTH0_CLIENT_SECRET", "very-secret"),
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(outBytes, true, StandardCharsets.UTF_8),
            new PrintStream(errBytes, true, StandardCharsets.UTF_8),
            clock,
            Cli.demo("--out", dir.toString(), "--no-marketo"));
    assertThat(status).isEqualTo(3);
    assertThat(err()).contains("could not finish").doesNotContain("journal");
  }

  @Test
  void standardInputIsAnInput() {
    String ndjson =
        "{\"user_id\":\"auth0|1\",\"email\":\"one@x.com\"}\n"
            + "{\"user_id\":\"auth0|2\",\"email\":\"two@x.com\"}\n";
    int status =
        demo(
            new ByteArrayInputStream(ndjson.getBytes(StandardCharsets.UTF_8)),
            "--input",
            "-",
            "--no-marketo",
            "--no-alterian",
            "--out",
            dir.toString());
    assertThat(status).as(err()).isZero();
    assertThat(out()).contains("standard input").contains("rows written         2");
  }

  @Test
  void anotherFormatInTheSameFolderReplacesTheOldFilesInsteadOfLeavingThemBeside()
      throws IOException {
    String out = dir.resolve("out").toString();
    assertThat(
            demo(
                "--users", "200", "--format", "csv", "--no-marketo", "--no-alterian", "--out", out))
        .isZero();
    assertThat(
            demo(
                "--users", "200", "--format", "tsv", "--no-marketo", "--no-alterian", "--out", out))
        .isZero();
    try (Stream<Path> files = Files.list(dir.resolve("out").resolve("export"))) {
      List<String> names = files.map(p -> p.getFileName().toString()).toList();
      assertThat(names).contains("users.tsv").noneMatch(n -> n.contains(".csv"));
    }
    assertThat(out()).contains("removed").contains("csv export an earlier run left");
  }

  @Test
  void theFormulaGuardIsAnOptionForTheFilesAndTheAlterianPackage() throws IOException {
    Path input =
        file(
            "formula.json",
            "{\"user_id\":\"auth0|1\",\"email\":\"a@x.com\",\"given_name\":\"=cmd|' /C calc'!A0\","
                + "\"family_name\":\"@SUM(1+1)\"}\n");
    assertThat(
            demo(
                "--input",
                input.toString(),
                "--no-marketo",
                "--formula-guard",
                "--out",
                dir.toString()))
        .as(err())
        .isZero();
    String tsv = Files.readString(dir.resolve("export").resolve("users.tsv"));
    assertThat(tsv).contains("'=cmd").contains("'@SUM");
    String alterian = Files.readString(dir.resolve("alterian").resolve("Auth0Users.csv"));
    assertThat(alterian).contains("'=cmd").contains("'@SUM");
  }

  @Test
  void aSecondRunOnTheSameOutputFolderIsRefusedNamingTheFirst() throws Exception {
    try (io.leadbridge.core.internal.files.FolderLock first =
        io.leadbridge.core.internal.files.FolderLock.acquire(dir, "run")) {
      assertThat(demo("--users", "50", "--no-marketo", "--no-alterian", "--out", dir.toString()))
          .isEqualTo(3);
      assertThat(err())
          .contains("Another Leadbridge run is using " + dir)
          .contains("pid " + ProcessHandle.current().pid())
          .doesNotContain("journal");
    }
    assertThat(demo("--users", "50", "--no-marketo", "--no-alterian", "--out", dir.toString()))
        .as(err())
        .isZero();
  }
}
