package io.leadbridge.cli;

import io.leadbridge.cli.config.ConfigException;
import io.leadbridge.core.FolderInUseException;
import io.leadbridge.core.LeadbridgeException;
import io.leadbridge.core.internal.Json;
import io.leadbridge.core.internal.files.IoErrors;
import io.leadbridge.core.mapping.MappingException;
import io.leadbridge.core.source.SourceException;
import io.leadbridge.core.sync.MassRemovalException;
import io.leadbridge.marketo.MarketoHeaderException;
import io.leadbridge.marketo.MarketoTargetException;
import io.leadbridge.marketo.MarketoValueException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a command prints. People get progress and a summary on standard output (live lines on a
 * terminal, plain lines otherwise); with {@code --json}, standard output holds only one JSON
 * document, printed at the end whatever the outcome, and progress goes to standard error. Errors
 * are one line on standard error, {@code leadbridge: …}. Log lines go to standard error too.
 */
final class Output {
  private static final Logger LOG = LoggerFactory.getLogger(Output.class);

  private final CliContext ctx;
  private final boolean json;
  private final Progress progress;
  private final PrintStream human;
  private final Map<String, Object> doc = new LinkedHashMap<>();
  private final Instant started;
  private boolean ended;

  Output(CliContext ctx, String command, boolean json) {
    this.ctx = ctx;
    this.json = json;
    this.human = json ? ctx.err : ctx.out;
    this.progress = new Progress(human, !json && ctx.terminal, Clock.systemUTC());
    this.started = ctx.clock.instant();
    doc.put("command", command);
  }

  Progress progress() {
    return progress;
  }

  /** Where lines for people go: standard output, or standard error with {@code --json}. */
  PrintStream human() {
    return human;
  }

  boolean json() {
    return json;
  }

  /** How long the command has run, by the context's clock. */
  Duration elapsed() {
    return Duration.between(started, ctx.clock.instant());
  }

  /** Adds a part of the JSON document. */
  synchronized void put(String key, Object value) {
    doc.put(key, value);
  }

  /** Ends a run that did its work; 0 or 1 by what it found. */
  int finish(int exitCode) {
    return end(exitCode, null);
  }

  /** Ends a run with a message of its own. */
  int fail(int exitCode, String message) {
    return end(exitCode, message);
  }

  /**
   * Ends a run that threw: a signal first, then the exception by kind, each with its exit status
   * and one line.
   */
  int fail(Throwable t) {
    if (ctx.interruption.requested()) {
      return stopped();
    }
    if (t instanceof ConfigException) {
      return end(ExitCode.USAGE, t.getMessage());
    }
    if (t instanceof CliException) {
      return end(((CliException) t).exitCode(), t.getMessage());
    }
    if (t instanceof MappingException) {
      return end(ExitCode.USAGE, "the mapping: " + t.getMessage());
    }
    if (t instanceof SourceException) {
      return end(ExitCode.INPUT_OR_ROWS, "the input cannot be read: " + t.getMessage());
    }
    if (t instanceof MassRemovalException) {
      return end(ExitCode.INPUT_OR_ROWS, t.getMessage());
    }
    if (t instanceof MarketoHeaderException) {
      return end(ExitCode.INPUT_OR_ROWS, "Marketo would refuse these columns: " + t.getMessage());
    }
    if (t instanceof MarketoValueException) {
      return end(ExitCode.INPUT_OR_ROWS, t.getMessage());
    }
    if (t instanceof MarketoTargetException) {
      // a program, status or custom object the instance does not have: a setting to correct
      return end(ExitCode.USAGE, t.getMessage());
    }
    if (t instanceof FolderInUseException) {
      return end(ExitCode.NOT_FINISHED, "the run could not finish: " + t.getMessage());
    }
    if (t instanceof LeadbridgeException) {
      boolean importing = ctx.interruption.stage() == Interruption.Stage.IMPORT;
      return end(
          ExitCode.NOT_FINISHED,
          "the run could not finish: "
              + t.getMessage()
              + (importing
                  ? " Nothing accepted so far is lost: an import resumes from its journal when run"
                      + " again with the same output folder."
                  : ""));
    }
    if (t instanceof IOException || t instanceof UncheckedIOException) {
      IOException io =
          t instanceof IOException ? (IOException) t : ((UncheckedIOException) t).getCause();
      return end(ExitCode.NOT_FINISHED, "the run could not finish: " + IoErrors.reason(io));
    }
    LOG.debug("Unexpected failure", t);
    return end(
        ExitCode.NOT_FINISHED,
        "the run could not finish: unexpected "
            + t.getClass().getSimpleName()
            + (t.getMessage() == null ? "" : ": " + t.getMessage()));
  }

  /** Ends a run stopped by a signal, saying what the next run will do. */
  int stopped() {
    Interruption.Signal signal = ctx.interruption.signal().orElse(Interruption.Signal.TERM);
    String stage = ctx.interruption.stage().words;
    String advice = ctx.interruption.advice();
    Map<String, Object> stop = new LinkedHashMap<>();
    stop.put("signal", signal.label);
    stop.put("stage", ctx.interruption.stage().name().toLowerCase(java.util.Locale.ROOT));
    stop.put("next", advice);
    put("interrupted", stop);
    return end(
        signal.exitCode,
        "stopped by " + signal.label + " " + stage + "." + (advice.isEmpty() ? "" : " " + advice));
  }

  private synchronized int end(int exitCode, String message) {
    if (ended) {
      return exitCode;
    }
    ended = true;
    progress.finish();
    if (message != null) {
      ctx.err.println("leadbridge: " + message);
    }
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("command", doc.get("command"));
      out.put("status", status(exitCode));
      out.put("exitCode", exitCode);
      if (message != null) {
        out.put("error", message);
      }
      out.put("durationMillis", elapsed().toMillis());
      doc.forEach(out::putIfAbsent);
      ctx.out.println(Json.write(out));
    }
    ctx.out.flush();
    ctx.err.flush();
    return exitCode;
  }

  /** The {@code status} word of the JSON document for an exit status. */
  static String status(int exitCode) {
    switch (exitCode) {
      case ExitCode.OK:
        return "ok";
      case ExitCode.INPUT_OR_ROWS:
        return "failed";
      case ExitCode.USAGE:
        return "usage-error";
      case ExitCode.NOT_FINISHED:
        return "not-finished";
      default:
        return "interrupted";
    }
  }
}
