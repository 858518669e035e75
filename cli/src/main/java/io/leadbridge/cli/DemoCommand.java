package io.leadbridge.cli;

import io.leadbridge.core.source.InputFormat;
import io.leadbridge.marketo.ImportOptions;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code leadbridge demo}: the whole pipeline against loopback emulators, with the options,
 * environment variables, output and exit statuses the demo has always had, so that scripts calling
 * it keep working. {@link DemoRun} runs it.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    customSynopsis = "leadbridge demo [options]",
    description = {
      "Exports Auth0 users, imports them into Marketo and packages them for Alterian.",
      "With no settings it runs against loopback emulators of Auth0 and Marketo.",
      ""
    },
    footer = {
      "",
      "Environment:",
      "  AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET          use a real Auth0 tenant",
      "  MARKETO_ENDPOINT, MARKETO_CLIENT_ID, MARKETO_CLIENT_SECRET  use a real Marketo instance",
      "",
      "Exit status: 0 every eligible user imported; 1 malformed or refused input, or rows",
      "Marketo failed; 2 bad command line; 3 the run could not finish; 130 Ctrl-C; 143 SIGTERM."
    })
final class DemoCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Spec CommandSpec spec;

  Path input;
  Path mapping;
  String format = "tsv";
  Path out = Path.of("leadbridge-out");
  int users = 10_000;
  Path state;
  int change;
  String lookupField = "email";
  Integer listId;
  String partition;
  boolean marketo = true;
  boolean alterian = true;
  InputFormat inputFormat = InputFormat.AUTO;
  ImportOptions.UncertainUploads uncertainUploads = ImportOptions.UncertainUploads.RESOLVE;

  @Option(
      names = "--dry-run",
      description = "export and check headers and the lookup field; upload nothing")
  boolean dryRun;

  @Option(
      names = "--allow-mass-removal",
      description =
          "with --state, accept an input that would remove more than half of the state's users"
              + " (refused by default: a truncated or wrong file would otherwise make the next run"
              + " send everyone again)")
  boolean allowMassRemoval;

  @Option(
      names = "--formula-guard",
      description = "prefix values a spreadsheet would run as formulas with '")
  boolean formulaGuard;

  DemoCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  /** Parses the demo's command line alone, for tests that drive {@link DemoRun} directly. */
  static DemoCommand parse(String... args) {
    DemoCommand demo = new DemoCommand(null);
    new CommandLine(demo).parseArgs(args);
    return demo;
  }

  @Option(
      names = "--input",
      paramLabel = "FILE",
      description =
          "read users from an export file instead of Auth0: NDJSON, a JSON array or an Auth0"
              + " CSV/TSV export, gzipped or not; - reads NDJSON from standard input")
  void input(String value) {
    input = Path.of(value(value, "--input"));
  }

  @Option(
      names = "--input-format",
      paramLabel = "FORMAT",
      description =
          "the --input file's format: auto (the default: told by its first bytes), ndjson, json"
              + " (a JSON array), csv or tsv (an Auth0 CSV/TSV export)")
  void inputFormat(String value) {
    try {
      inputFormat = InputFormat.fromName(value(value, "--input-format"));
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
  }

  @Option(
      names = "--uncertain-uploads",
      paramLabel = "POLICY",
      description =
          "a part whose upload answer was lost: resolve (the default: look a sample of its leads"
              + " up, then confirm it or upload it again), report (never upload it again), or"
              + " upload-again (after checking Marketo's import history)")
  void uncertainUploads(String value) {
    String v = value(value, "--uncertain-uploads").strip().toLowerCase(Locale.ROOT);
    switch (v) {
      case "resolve":
        uncertainUploads = ImportOptions.UncertainUploads.RESOLVE;
        break;
      case "report":
        uncertainUploads = ImportOptions.UncertainUploads.REPORT;
        break;
      case "upload-again":
        uncertainUploads = ImportOptions.UncertainUploads.UPLOAD_AGAIN;
        break;
      default:
        throw bad(
            "--uncertain-uploads must be resolve, report or upload-again, not '" + value + "'");
    }
  }

  @Option(
      names = "--mapping",
      paramLabel = "FILE",
      description = "the field mapping (table or JSON); default: Marketo REST names")
  void mapping(String value) {
    mapping = Path.of(value(value, "--mapping"));
  }

  @Option(
      names = "--format",
      paramLabel = "csv|tsv|ssv",
      description = "the file format (default tsv)")
  void format(String value) {
    String f = value(value, "--format").toLowerCase(Locale.ROOT);
    if (!f.equals("csv") && !f.equals("tsv") && !f.equals("ssv")) {
      throw bad("--format must be csv, tsv or ssv, not '" + value + "'");
    }
    format = f;
  }

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "where files are written (default ./leadbridge-out)")
  void out(String value) {
    out = Path.of(value(value, "--out"));
  }

  @Option(
      names = "--users",
      paramLabel = "N",
      description = "users in the emulated Auth0 tenant (default 10000)")
  void users(String value) {
    users = positive("--users", value, 10_000_000);
  }

  @Option(
      names = "--state",
      paramLabel = "DIR",
      description =
          "sync: send only users new or changed since the last run with this state folder; the"
              + " state moves on for rows Marketo took")
  void state(String value) {
    state = Path.of(value(value, "--state"));
  }

  @Option(
      names = "--change",
      paramLabel = "N",
      description =
          "edit N users of the emulated Auth0 tenant before exporting (with --state, the next run"
              + " sends exactly those)")
  void change(String value) {
    change = positive("--change", value, 10_000_000);
  }

  @Option(
      names = "--lookup-field",
      paramLabel = "NAME",
      description = "Marketo lookup field (default email)")
  void lookupField(String value) {
    lookupField = value(value, "--lookup-field");
  }

  @Option(
      names = "--list-id",
      paramLabel = "N",
      description = "add imported leads to this Marketo static list")
  void listId(String value) {
    listId = positive("--list-id", value, Integer.MAX_VALUE);
  }

  @Option(names = "--partition", paramLabel = "NAME", description = "Marketo lead partition")
  void partition(String value) {
    partition = value(value, "--partition");
  }

  @Option(names = "--no-marketo", description = "do not import into Marketo")
  void noMarketo(boolean value) {
    marketo = !value;
  }

  @Option(names = "--no-alterian", description = "do not build the Alterian package")
  void noAlterian(boolean value) {
    alterian = !value;
  }

  private String value(String value, String option) {
    if (value == null || value.isBlank()) {
      throw bad(option + " needs a value");
    }
    return value;
  }

  private int positive(String option, String value, int max) {
    try {
      int n = Integer.parseInt(value(value, option).replace("_", ""));
      if (n < 1 || n > max) {
        throw bad(option + " must be between 1 and " + max + ", not " + value);
      }
      return n;
    } catch (NumberFormatException e) {
      throw bad(option + " must be a whole number, not '" + value + "'");
    }
  }

  private ParameterException bad(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** The usage text, as printed after a command-line mistake. */
  String usage() {
    return spec.commandLine().getUsageMessage();
  }

  @Override
  public Integer call() {
    try (DemoRun run = new DemoRun(this, ctx)) {
      return run.execute();
    }
  }

  /**
   * The demo's words for a command-line mistake: {@code unknown option --bogus}, {@code --input
   * needs a value}, {@code unexpected argument stray}, or the option's own message.
   */
  static String message(ParameterException e) {
    if (e instanceof CommandLine.UnmatchedArgumentException) {
      String arg = ((CommandLine.UnmatchedArgumentException) e).getUnmatched().get(0);
      if (arg.startsWith("-")) {
        int eq = arg.indexOf('=');
        return "unknown option " + (arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg);
      }
      return "unexpected argument " + arg;
    }
    if (e instanceof CommandLine.MissingParameterException) {
      CommandLine.MissingParameterException m = (CommandLine.MissingParameterException) e;
      if (!m.getMissing().isEmpty() && m.getMissing().get(0).isOption()) {
        return ((CommandLine.Model.OptionSpec) m.getMissing().get(0)).longestName()
            + " needs a value";
      }
    }
    if (e.getCause() instanceof ParameterException) {
      return e.getCause().getMessage();
    }
    return e.getMessage();
  }
}
