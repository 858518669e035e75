package io.leadbridge.examples;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** The demo's command line, parsed. */
final class DemoOptions {
  static final String USAGE =
      String.join(
          "\n",
          "Usage: java -jar leadbridge-demo.jar [options]",
          "",
          "Exports Auth0 users, imports them into Marketo and packages them for Alterian.",
          "With no settings it runs against loopback emulators of Auth0 and Marketo.",
          "",
          "Options:",
          "  --input FILE         read users from an NDJSON or JSON-array export instead of Auth0;",
          "                       - reads NDJSON from standard input",
          "  --mapping FILE       the field mapping (table or JSON); default: Marketo REST names",
          "  --format csv|tsv|ssv the file format (default tsv)",
          "  --out DIR            where files are written (default ./leadbridge-out)",
          "  --users N            users in the emulated Auth0 tenant (default 10000)",
          "  --state DIR          sync: send only users new or changed since the last run with",
          "                       this state folder; the state moves on for rows Marketo took",
          "  --change N           edit N users of the emulated Auth0 tenant before exporting",
          "                       (with --state, the next run sends exactly those)",
          "  --lookup-field NAME  Marketo lookup field (default email)",
          "  --list-id N          add imported leads to this Marketo static list",
          "  --partition NAME     Marketo lead partition",
          "  --no-marketo         do not import into Marketo",
          "  --no-alterian        do not build the Alterian package",
          "  --dry-run            export and check headers and the lookup field; upload nothing",
          "  --allow-mass-removal with --state, accept an input that would remove more than half",
          "                       of the state's users (refused by default: a truncated or wrong",
          "                       file would otherwise make the next run send everyone again)",
          "  --formula-guard      prefix values a spreadsheet would run as formulas with '",
          "  --help               show this help",
          "",
          "Environment:",
          "  AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET          use a real Auth0 tenant",
          "  MARKETO_ENDPOINT, MARKETO_CLIENT_ID, MARKETO_CLIENT_SECRET  use a real Marketo instance",
          "",
          "Exit status: 0 every eligible user imported; 1 malformed or refused input, or rows",
          "Marketo failed; 2 bad command line; 3 the run could not finish.");

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
  boolean dryRun;
  boolean allowMassRemoval;
  boolean formulaGuard;
  boolean help;

  /** A command-line mistake: exit status 2 with a one-line message and the usage. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static DemoOptions parse(String[] args) throws UsageException {
    DemoOptions o = new DemoOptions();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      switch (arg) {
        case "--help":
        case "-h":
          o.help = true;
          break;
        case "--no-marketo":
          o.marketo = false;
          break;
        case "--no-alterian":
          o.alterian = false;
          break;
        case "--dry-run":
          o.dryRun = true;
          break;
        case "--allow-mass-removal":
          o.allowMassRemoval = true;
          break;
        case "--formula-guard":
          o.formulaGuard = true;
          break;
        case "--input":
        case "--mapping":
        case "--format":
        case "--out":
        case "--users":
        case "--state":
        case "--change":
        case "--lookup-field":
        case "--list-id":
        case "--partition":
          if (value == null) {
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
              throw new UsageException(arg + " needs a value");
            }
            value = args[++i];
          }
          o.set(arg, value);
          break;
        default:
          throw new UsageException(
              (arg.startsWith("-") ? "unknown option " : "unexpected argument ") + arg);
      }
    }
    return o;
  }

  private void set(String option, String value) throws UsageException {
    if (value.isBlank()) {
      throw new UsageException(option + " needs a value");
    }
    switch (option) {
      case "--input":
        input = Path.of(value);
        break;
      case "--mapping":
        mapping = Path.of(value);
        break;
      case "--format":
        String f = value.toLowerCase(Locale.ROOT);
        if (!Map.of("csv", 1, "tsv", 1, "ssv", 1).containsKey(f)) {
          throw new UsageException("--format must be csv, tsv or ssv, not '" + value + "'");
        }
        format = f;
        break;
      case "--out":
        out = Path.of(value);
        break;
      case "--users":
        users = positive(option, value, 10_000_000);
        break;
      case "--state":
        state = Path.of(value);
        break;
      case "--change":
        change = positive(option, value, 10_000_000);
        break;
      case "--lookup-field":
        lookupField = value;
        break;
      case "--list-id":
        listId = positive(option, value, Integer.MAX_VALUE);
        break;
      case "--partition":
        partition = value;
        break;
      default:
        throw new IllegalStateException(option);
    }
  }

  private static int positive(String option, String value, int max) throws UsageException {
    try {
      int n = Integer.parseInt(value.replace("_", ""));
      if (n < 1 || n > max) {
        throw new UsageException(option + " must be between 1 and " + max + ", not " + value);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be a whole number, not '" + value + "'");
    }
  }
}
