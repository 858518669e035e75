package io.leadbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.core.internal.Json;
import io.leadbridge.testkit.ManualClock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The command tree: help for every command, typos, bad options, completion, version. */
class CommandLineTest {
  private final Cli cli = new Cli(ManualClock.create(), Map.of());

  @ParameterizedTest
  @ValueSource(
      strings = {
        "export",
        "import",
        "sync",
        "status",
        "failures",
        "warnings",
        "fields",
        "alterian",
        "emulators",
        "demo",
        "generate-completion"
      })
  void everyCommandHasItsHelp(String command) {
    assertThat(cli.run(command, "--help")).isZero();
    assertThat(cli.out()).startsWith("Usage: leadbridge " + command).contains("-h, --help");
    assertThat(cli.err()).isEmpty();
  }

  @Test
  void theTopLevelHelpListsTheCommandsAndTheExitStatuses() {
    assertThat(cli.run("--help")).isZero();
    assertThat(cli.out())
        .contains("export ", "import ", "sync ", "status ", "failures ", "warnings ", "fields ")
        .contains("alterian ", "emulators ", "demo ", "generate-completion ")
        .contains("130  stopped by Ctrl-C (SIGINT)")
        .contains("143  stopped by SIGTERM");
  }

  @Test
  void noCommandIsAMistake() {
    assertThat(cli.run()).isEqualTo(2);
    assertThat(cli.err()).startsWith("leadbridge: name a command.").contains("Usage: leadbridge");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "snyc|leadbridge: unknown command 'snyc'|Did you mean: leadbridge sync?",
        "exprot|leadbridge: unknown command 'exprot'|Did you mean: leadbridge export?",
        "sync --dryrun|leadbridge: Unknown option: '--dryrun'|--dry-run",
        "sync --stat x|leadbridge: Unknown option|--state",
        "export --format xml|Invalid value for option '--format': expected one of csv, tsv, ssv, not"
            + " 'xml'|",
        "import --list-id many|Invalid value for option '--list-id'|",
        "import --list-id 0|--list-id must be a positive number, not 0|",
        "sync --uncertain-uploads maybe|expected one of resolve, report, upload-again, not 'maybe'|",
        "sync --merge-policy last|expected one of most-recently-updated, first, refuse, not 'last'|",
        "alterian --import-mode merge|expected one of append, replace, update, not 'merge'|",
        "status|Missing required parameter: 'BATCH'|",
        "status abc|Invalid value for positional parameter at index 0 (BATCH)|",
        "failures 12 --output|Missing required parameter for option '--output'|",
        "sync --out|Missing required parameter for option '--out'|",
        "export --input /no/such/file.json|leadbridge: --input /no/such/file.json: no such file|",
        "emulators --auth0-port 70000|leadbridge: --auth0-port takes a number from 0 to 65535, not 70000.|",
      })
  void aBadCommandLineIsOneLineAndExitTwo(String args, String message, String hint) {
    assertThat(cli.run(args.split(" "))).isEqualTo(2);
    assertThat(cli.err().lines().findFirst().orElse("")).contains(message);
    assertThat(cli.err()).contains(hint == null ? "" : hint);
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void withJsonABadCommandLineIsAlsoADocument() {
    assertThat(cli.run("sync", "--json", "--bogus")).isEqualTo(2);
    Map<String, Object> doc = Json.object(Json.parse(cli.out()));
    assertThat(doc)
        .containsEntry("command", "sync")
        .containsEntry("status", "usage-error")
        .containsEntry("exitCode", 2L)
        .containsEntry("error", "Unknown option: '--bogus'");
  }

  @Test
  void syncWithoutAStateOrMarketoSaysWhatIsMissing() {
    assertThat(cli.run("sync")).isEqualTo(2);
    assertThat(cli.err())
        .isEqualTo(
            "leadbridge: sync compares with a sync state: give --state DIR, or state.folder or"
                + " state.jdbcUrl in --config.\n");
    cli.reset();
    assertThat(cli.run("sync", "--state", "s", "--input", "pom.xml")).isEqualTo(2);
    assertThat(cli.err()).contains("no Marketo instance: give marketo in --config, or set");
    cli.reset();
    assertThat(cli.run("export")).isEqualTo(2);
    assertThat(cli.err()).contains("no users to read: give --input FILE");
  }

  @Test
  void generateCompletionPrintsAScriptThatKnowsTheCommandsAndOptions() {
    assertThat(cli.run("generate-completion")).isZero();
    assertThat(cli.out())
        .contains("_leadbridge")
        .contains("sync")
        .contains("--allow-mass-removal")
        .contains("complete -F");
  }

  @Test
  void versionNamesTheVersion() {
    assertThat(cli.run("--version")).isZero();
    assertThat(cli.out()).startsWith("leadbridge ").contains("Java 17");
  }
}
