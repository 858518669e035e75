package io.leadbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.testkit.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every mistake in a configuration file is one line on standard error naming the file, line and
 * column, and exit status 2, before anything is read, written or called.
 */
class ConfigMistakesTest {
  @TempDir Path dir;

  private static final String VALID =
      String.join(
          "\n",
          "source:",
          "  auth0:",
          "    domain: http://127.0.0.1:9",
          "    clientId: abc",
          "    clientSecretEnv: AUTH0_SECRET",
          "output: out",
          "state:",
          "  folder: state",
          "marketo:",
          "  endpoint: http://127.0.0.1:9",
          "  clientId: id",
          "  clientSecretEnv: MARKETO_SECRET",
          "");

  private Cli cli = cli(Map.of("AUTH0_SECRET", "s1", "MARKETO_SECRET", "s2"));

  private static Cli cli(Map<String, String> env) {
    return new Cli(ManualClock.create(), env);
  }

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("nightly.yaml");
    Files.writeString(file, yaml.replace("\\n", "\n").replace("\\t", "\t"), StandardCharsets.UTF_8);
    return file;
  }

  /** Runs sync with the file; returns the one line on standard error. */
  private String mistake(Path file) {
    return mistake("sync", file);
  }

  /** Runs a command with the file; returns the one line on standard error. */
  private String mistake(String command, Path file) {
    int status = cli.run(command, "--config", file.toString());
    assertThat(status).as(cli.err()).isEqualTo(2);
    assertThat(cli.err().lines().toList()).as("one line").hasSize(1);
    assertThat(cli.out()).isEmpty();
    assertThat(dir.resolve("out")).doesNotExist();
    assertThat(dir.resolve("state")).doesNotExist();
    return cli.err().strip();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // what is wrong | YAML (\n for a line break) | line:column | part of the message
        "unknown top-level key|outptu: out\\n|1:1|unknown key \"outptu\"; did you mean \"output\"?",
        "unknown nested key|marketo:\\n  endpoint: https://x.mktorest.com\\n  lookupfeild: email\\n"
            + "|3:3|unknown key \"lookupfeild\" in marketo; did you mean \"lookupField\"?",
        "number expected|marketo:\\n  endpoint: https://x.mktorest.com\\n  clientId: a\\n"
            + "  clientSecretEnv: S\\n  listId: abc\\n|5:11|marketo.listId must be a whole number, not 'abc'",
        "number out of range|marketo:\\n  endpoint: https://x.mktorest.com\\n  clientId: a\\n"
            + "  clientSecretEnv: S\\n  listId: -4\\n|5:11|marketo.listId must be between 1 and",
        "boolean expected|policies:\\n  allowMassRemoval: yes\\n|2:21"
            + "|policies.allowMassRemoval must be true or false, not 'yes'",
        "unknown format|format: xml\\n|1:9|format must be one of csv, tsv, ssv, not 'xml'",
        "misspelt policy|policies:\\n  mergePolicy: frist\\n|2:16"
            + "|policies.mergePolicy must be one of most-recently-updated, first, refuse, not 'frist'"
            + " (did you mean first?)",
        "text expected|marketo:\\n  endpoint: https://x.mktorest.com\\n  clientId: a\\n"
            + "  clientSecretEnv: S\\n  partition: [a, b]\\n|5:14|marketo.partition must be text, not a list",
        "section expected|marketo: https://x.mktorest.com\\n|1:10|marketo must be a set of keys",
        "a password in the state's URL|state:\\n  jdbcUrl: jdbc:postgresql://db/lb?password=pw\\n"
            + "|2:3|state.jdbcUrl holds a password, a secret is never written in the configuration",
        "a state URL of another database|state:\\n  jdbcUrl: jdbc:h2:/tmp/state\\n|2:3"
            + "|state.jdbcUrl must be a PostgreSQL URL such as jdbc:postgresql://",
        "a state in a folder and a database|state:\\n  folder: state\\n"
            + "  jdbcUrl: jdbc:postgresql://db/lb\\n|3:3|give state.folder or state.jdbcUrl, not both",
        "a table prefix with capitals|state:\\n  jdbcUrl: jdbc:postgresql://db/lb\\n"
            + "  tablePrefix: Nightly\\n|3:3|state.tablePrefix must be lower-case letters",
        "duplicate key|output: a\\noutput: b\\n|2:1|the key \"output\" is given twice; the first is at"
            + " line 1",
        "not YAML|marketo: [unclosed\\n|2:1|not valid YAML",
        "a tab indent|marketo:\\n\\tendpoint: x\\n|2:1|not valid YAML",
        "not a mapping|- a\\n- b\\n|1:1|the configuration must be a set of keys",
        "two sources|source:\\n  auth0:\\n    domain: t.auth0.com\\n    clientId: a\\n"
            + "    clientSecretEnv: S\\n  file:\\n    path: users.json\\n|6:3"
            + "|give source.auth0 or source.file, not both",
        "a wrong duration|marketo:\\n  endpoint: https://x.mktorest.com\\n  clientId: a\\n"
            + "  clientSecretEnv: S\\n  pollInterval: fast\\n|5:17"
            + "|marketo.pollInterval must be a duration such as 500ms, 5s, 2m or 1h",
        "not a URL|marketo:\\n  endpoint: ftp://x\\n  clientId: a\\n  clientSecretEnv: S\\n|2:3"
            + "|marketo.endpoint must be an https:// URL",
        "no secret source|marketo:\\n  endpoint: https://x.mktorest.com\\n  clientId: a\\n|1:1"
            + "|marketo.clientSecret is missing: give clientSecretEnv",
        "a secret as a variable name|marketo:\\n  endpoint: https://x.mktorest.com\\n  clientId: a\\n"
            + "  clientSecretEnv: 'Zx9!qq-secret'\\n|4:3"
            + "|marketo.clientSecretEnv must be the name of an environment variable",
        "an unknown mapping format|mapping:\\n  columns:\\n    - {field: email, column: email}\\n"
            + "    - {field: created_at, column: createdAt, format: isoDate}\\n|4:7"
            + "|mapping.columns[1]: Unknown format 'isoDate'",
        "an unknown mapping key|mapping:\\n  columns:\\n    - {field: email, colum: email}\\n|3:22"
            + "|unknown key \"colum\"; did you mean \"column\"?",
        "a mapping without email|mapping:\\n  columns:\\n    - {field: given_name, column: firstName}\\n"
            + "|2:3|no 'email' column",
      })
  void aMistakeIsOneLineWithTheFileLineAndColumn(
      String what, String yaml, String where, String message) throws IOException {
    Path file = write(yaml);
    assertThat(mistake("export", file))
        .startsWith("leadbridge: " + file + ":" + where + ": ")
        .contains(message);
  }

  @Test
  void aSecretWrittenInTheFileIsRefusedWithTheReasonAndNeverShown() throws IOException {
    Path file =
        write(
            VALID.replace(
                "  clientSecretEnv: MARKETO_SECRET", "  clientSecret: hunter2-very-secret"));
    assertThat(mistake(file))
        .startsWith("leadbridge: " + file + ":12:3: marketo.clientSecret: ")
        .contains("never written in the configuration")
        .contains("clientSecretEnv: MARKETO_CLIENT_SECRET")
        .contains("clientSecretFile: /run/secrets/marketo")
        .doesNotContain("hunter2");
  }

  @Test
  void aYamlErrorNeverQuotesTheLineItIsOn() throws IOException {
    Path file = write("marketo:\n  clientSecretEnv: \"abc-hunter2\n");
    assertThat(mistake(file)).contains(file + ":").doesNotContain("hunter2");
  }

  @Test
  void anEnvironmentVariableThatIsNotSetIsNamedWhereTheFileNamesIt() throws IOException {
    cli = cli(Map.of("AUTH0_SECRET", "s1"));
    Path file = write(VALID);
    assertThat(mistake(file))
        .isEqualTo(
            "leadbridge: "
                + file
                + ":12:3: marketo.clientSecretEnv names MARKETO_SECRET, which is not set in this"
                + " environment.");
  }

  @Test
  void aSecretFileThatCannotBeReadIsNamedWhereTheFileNamesIt() throws IOException {
    Path file =
        write(
            VALID.replace("clientSecretEnv: MARKETO_SECRET", "clientSecretFile: secrets/marketo"));
    assertThat(mistake(file))
        .startsWith("leadbridge: " + file + ":12:3: marketo.clientSecretFile ")
        .contains("secrets/marketo cannot be read");
  }

  @Test
  void aMappingFileThatCannotBeReadIsNamedWhereTheFileNamesIt() throws IOException {
    Path file = write(VALID + "mapping:\n  file: nowhere.txt\n");
    assertThat(mistake(file))
        .startsWith("leadbridge: " + file + ":14:3: mapping.file: Cannot read the mapping file ");
  }

  @Test
  void aFileThatIsNotUtf8SaysWhere() throws IOException {
    Path file = dir.resolve("nightly.yaml");
    Files.write(file, new byte[] {'o', 'u', 't', 'p', 'u', 't', ':', ' ', (byte) 0xE9, '\n'});
    assertThat(mistake(file))
        .startsWith("leadbridge: " + file + ":1:9: not UTF-8 text (byte 0xE9)");
  }

  @Test
  void aMissingFileIsNamed() {
    Path file = dir.resolve("missing.yaml");
    assertThat(mistake(file)).isEqualTo("leadbridge: " + file + ": no such file");
  }

  @Test
  void anEmptyFileIsAnEmptyConfiguration() throws IOException {
    Path file = write("");
    assertThat(cli.run("sync", "--config", file.toString())).isEqualTo(2);
    assertThat(cli.err()).contains("sync compares with a sync state");
  }

  @Test
  void theSameMistakeIsFoundByEveryCommandThatReadsTheFile() throws IOException {
    Path file = write("marketo:\n  endpiont: https://x.mktorest.com\n");
    for (String command : new String[] {"export", "import", "status", "fields", "alterian"}) {
      cli.reset();
      String[] args =
          command.equals("status")
              ? new String[] {command, "--config", file.toString(), "1"}
              : new String[] {command, "--config", file.toString()};
      assertThat(cli.run(args)).as(command).isEqualTo(2);
      assertThat(cli.err().strip())
          .as(command)
          .isEqualTo(
              "leadbridge: "
                  + file
                  + ":2:3: unknown key \"endpiont\" in marketo; did you mean \"endpoint\"? Keys"
                  + " here: endpoint, clientId, clientIdEnv, clientIdFile, clientSecret,"
                  + " clientSecretEnv, clientSecretFile, lookupField, listId, partition,"
                  + " pollInterval, maxPollInterval, timeout, dailyQuota, programId, memberStatus, customObject.");
    }
  }

  @Test
  void withJsonTheMistakeIsAlsoInTheDocument() throws IOException {
    Path file = write("format: xml\n");
    assertThat(cli.run("sync", "--config", file.toString(), "--json")).isEqualTo(2);
    Map<String, Object> doc =
        io.leadbridge.core.internal.Json.object(io.leadbridge.core.internal.Json.parse(cli.out()));
    assertThat(doc)
        .containsEntry("command", "sync")
        .containsEntry("status", "usage-error")
        .containsEntry("exitCode", 2L);
    assertThat((String) doc.get("error")).startsWith(file + ":1:9: format must be one of");
  }
}
