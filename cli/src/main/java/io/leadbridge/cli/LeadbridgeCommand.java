package io.leadbridge.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code leadbridge}: the top of the command tree. */
@Command(
    name = "leadbridge",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Moves Auth0 users into Marketo and Alterian: export to CSV/TSV files, import with"
          + " Marketo's Bulk Lead Import API, and every night send only what changed.",
      ""
    },
    subcommands = {
      ExportCommand.class,
      ImportCommand.class,
      SyncCommand.class,
      StatusCommand.class,
      FailuresCommand.class,
      WarningsCommand.class,
      FieldsCommand.class,
      AlterianCommand.class,
      EmulatorsCommand.class,
      DemoCommand.class,
      AutoComplete.GenerateCompletion.class
    },
    footer = {
      "",
      "Run 'leadbridge COMMAND --help' for a command's options.",
      "",
      "Exit status:",
      "  0    done: every eligible user exported, imported or packaged",
      "  1    malformed or refused input, or rows Marketo failed",
      "  2    bad command line or configuration file; nothing was done",
      "  3    the run could not finish; it says what to do next",
      "  130  stopped by Ctrl-C (SIGINT); it says what the next run will do",
      "  143  stopped by SIGTERM; it says what the next run will do"
    })
final class LeadbridgeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final CliContext ctx;

  LeadbridgeCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  /** No command given: the usage, and a command-line mistake. */
  @Override
  public Integer call() {
    ctx.err.println("leadbridge: name a command.");
    spec.commandLine().usage(ctx.err);
    return ExitCode.USAGE;
  }
}
