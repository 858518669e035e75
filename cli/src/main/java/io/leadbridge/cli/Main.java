package io.leadbridge.cli;

import io.leadbridge.core.internal.Json;
import io.leadbridge.core.internal.Suggestions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The {@code leadbridge} command: {@code java -jar leadbridge.jar COMMAND [options]}. Run {@code
 * leadbridge --help} for the commands and {@code leadbridge COMMAND --help} for their options.
 *
 * <p>Exit status: 0 done; 1 malformed or refused input, or rows Marketo failed; 2 a bad command
 * line or configuration file; 3 the run could not finish; 130 stopped by SIGINT; 143 stopped by
 * SIGTERM.
 */
public final class Main {
  /** Set when the run has ended or the process exits anyway: then the hook waits for nothing. */
  private static volatile boolean finished;

  /**
   * The environment variable that sets how long a signalled run may take to reach a safe point
   * before the process exits anyway, in seconds (by default 25 during the import, 5 elsewhere).
   */
  static final String GRACE = "LEADBRIDGE_STOP_GRACE_SECONDS";

  private Main() {}

  /**
   * Runs a command and exits with its status.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    CliContext ctx = CliContext.system();
    ctx.interruption.worker(Thread.currentThread());
    handleSignals(ctx);
    int status = run(args, ctx);
    finished = true;
    System.exit(status);
  }

  /** Runs a command in a context; returns its exit status. */
  static int run(String[] args, CliContext ctx) {
    return commandLine(ctx, Arrays.asList(args).contains("--json")).execute(args);
  }

  /** The command tree, its output and its handling of mistakes. */
  static CommandLine commandLine(CliContext ctx, boolean json) {
    CommandLine cl =
        new CommandLine(
            new LeadbridgeCommand(ctx),
            new CommandLine.IFactory() {
              @Override
              public <K> K create(Class<K> type) throws Exception {
                try {
                  return type.getDeclaredConstructor(CliContext.class).newInstance(ctx);
                } catch (NoSuchMethodException e) {
                  return CommandLine.defaultFactory().create(type);
                }
              }
            });
    cl.setOut(new PrintWriter(ctx.out, true));
    cl.setErr(new PrintWriter(ctx.err, true));
    Choices.register(cl);
    cl.setUsageHelpAutoWidth(true);
    cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
    cl.setParameterExceptionHandler((e, args) -> badCommandLine(e, ctx, json));
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          // the operations turn their own failures into output; this is for the others
          if (e instanceof CliException) {
            ctx.err.println("leadbridge: " + e.getMessage());
            return ((CliException) e).exitCode();
          }
          ctx.err.println(
              "leadbridge: unexpected "
                  + e.getClass().getSimpleName()
                  + (e.getMessage() == null ? "" : ": " + e.getMessage()));
          return ExitCode.NOT_FINISHED;
        });
    return cl;
  }

  /**
   * A command-line mistake: one line saying what is wrong, a suggestion for a misspelt command or
   * option, where to read more; exit status 2. The demo keeps its own wording and prints its usage.
   */
  private static int badCommandLine(ParameterException e, CliContext ctx, boolean json) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    String message;
    if (cmd.getCommand() instanceof DemoCommand) {
      message = DemoCommand.message(e);
      err.println("leadbridge-demo: " + message);
      CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
      err.println();
      err.println(cmd.getUsageMessage());
    } else {
      message = message(e);
      err.println("leadbridge: " + message);
      if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
        suggestion(e).ifPresent(err::println);
      }
      err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
    }
    err.flush();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("command", cmd.getCommandSpec().name());
      doc.put("status", Output.status(ExitCode.USAGE));
      doc.put("exitCode", ExitCode.USAGE);
      doc.put("error", message);
      ctx.out.println(Json.write(doc));
      ctx.out.flush();
    }
    return ExitCode.USAGE;
  }

  /** Picocli's message, with a plainer one for a command that does not exist. */
  private static String message(ParameterException e) {
    if (e instanceof CommandLine.UnmatchedArgumentException) {
      CommandLine.UnmatchedArgumentException u = (CommandLine.UnmatchedArgumentException) e;
      CommandLine.Model.CommandSpec spec = e.getCommandLine().getCommandSpec();
      String arg = u.getUnmatched().isEmpty() ? "" : u.getUnmatched().get(0);
      if (!spec.subcommands().isEmpty() && !arg.startsWith("-")) {
        return "unknown command '" + arg + "'";
      }
    }
    return e.getMessage();
  }

  /**
   * A suggestion picocli's own, built on shared letter pairs, misses: a swapped pair of letters
   * ({@code snyc}) shares none.
   */
  private static java.util.Optional<String> suggestion(ParameterException e) {
    if (!(e instanceof CommandLine.UnmatchedArgumentException)) {
      return java.util.Optional.empty();
    }
    CommandLine.UnmatchedArgumentException u = (CommandLine.UnmatchedArgumentException) e;
    if (u.getUnmatched().isEmpty()) {
      return java.util.Optional.empty();
    }
    CommandLine.Model.CommandSpec spec = e.getCommandLine().getCommandSpec();
    String arg = u.getUnmatched().get(0);
    if (arg.startsWith("-")) {
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      return Suggestions.nearest(name, spec.optionsMap().keySet())
          .map(o -> "Did you mean: " + spec.qualifiedName() + " " + o + "?");
    }
    return Suggestions.nearest(arg, spec.subcommands().keySet())
        .map(c -> "Did you mean: " + spec.qualifiedName() + " " + c + "?");
  }

  /**
   * SIGINT and SIGTERM stop the run at its next safe point (see {@link Interruption}); if it has
   * not stopped within the stage's grace, or a second signal comes, the process exits at once, its
   * temporary files deleted by the library's shutdown hook. Where signals cannot be handled, a
   * shutdown hook does the same with the JVM's own exit status.
   */
  private static void handleSignals(CliContext ctx) {
    String grace = ctx.env(GRACE);
    if (grace != null) {
      try {
        ctx.interruption.grace(Duration.ofSeconds(Math.max(0, Long.parseLong(grace.strip()))));
      } catch (NumberFormatException e) {
        ctx.err.println("leadbridge: " + GRACE + " is not a number of seconds; it is ignored.");
      }
    }
    boolean term = Signals.handle("TERM", () -> signalled(ctx, Interruption.Signal.TERM));
    boolean intr = Signals.handle("INT", () -> signalled(ctx, Interruption.Signal.INT));
    if (!term || !intr) {
      Thread main = Thread.currentThread();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    if (finished) {
                      return;
                    }
                    ctx.interruption.trigger(Interruption.Signal.TERM);
                    try {
                      main.join(ctx.interruption.grace().toMillis());
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  },
                  "leadbridge-stop"));
    }
  }

  private static void signalled(CliContext ctx, Interruption.Signal signal) {
    if (!ctx.interruption.trigger(signal)) {
      ctx.err.println("leadbridge: " + signal.label + " again: stopping now.");
      ctx.err.flush();
      finished = true;
      ctx.interruption.sayLastWords(ctx.err);
      System.exit(signal.exitCode);
      return;
    }
    Duration grace = ctx.interruption.grace();
    ctx.err.println(
        "leadbridge: "
            + signal.label
            + " received "
            + ctx.interruption.stage().words
            + ": stopping at the next safe point (send it again to stop at once).");
    ctx.err.flush();
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(grace.toMillis());
              } catch (InterruptedException e) {
                return;
              }
              if (!finished) {
                finished = true;
                ctx.err.println(
                    "leadbridge: did not stop within "
                        + grace.toSeconds()
                        + " s "
                        + ctx.interruption.stage().words
                        + "; exiting now.");
                ctx.interruption.sayLastWords(ctx.err);
                ctx.err.flush();
                System.exit(signal.exitCode);
              }
            },
            "leadbridge-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }
}
