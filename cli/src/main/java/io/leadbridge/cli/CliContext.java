package io.leadbridge.cli;

import io.leadbridge.core.remote.Sleeper;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * What a command runs in: the environment, the standard streams, whether standard output is a
 * terminal, the clock and sleeper (a manual clock in tests, so that waiting takes no real time),
 * and the interruption that signals set.
 */
final class CliContext {
  final Map<String, String> env;
  final InputStream in;
  final PrintStream out;
  final PrintStream err;
  final boolean terminal;
  final Clock clock;
  private final Sleeper baseSleeper;
  final Interruption interruption;

  CliContext(
      Map<String, String> env,
      InputStream in,
      PrintStream out,
      PrintStream err,
      boolean terminal,
      Clock clock,
      Sleeper sleeper,
      Interruption interruption) {
    this.env = Map.copyOf(env);
    this.in = in;
    this.out = out;
    this.err = err;
    this.terminal = terminal;
    this.clock = clock;
    this.baseSleeper = sleeper;
    this.interruption = interruption;
  }

  /** The process's own: real time, the real streams. */
  static CliContext system() {
    return new CliContext(
        System.getenv(),
        System.in,
        System.out,
        System.err,
        System.console() != null,
        Clock.systemUTC(),
        null,
        new Interruption());
  }

  /** The sleeper every client gets: it wakes when a signal comes. */
  Sleeper sleeper() {
    return interruption.sleeper(baseSleeper);
  }

  /** Whether time is real, so that a run may choose waits that suit a person watching. */
  boolean realTime() {
    return baseSleeper == null;
  }

  /** An environment variable that is set and not blank, or {@code null}. */
  String env(String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v;
  }
}
