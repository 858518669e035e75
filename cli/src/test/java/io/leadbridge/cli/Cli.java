package io.leadbridge.cli;

import io.leadbridge.testkit.ManualClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs {@code leadbridge} in this JVM as the jar would, with a manual clock so that nothing really
 * waits, and keeps what it printed.
 */
final class Cli {
  final ManualClock clock;
  final Map<String, String> env;
  final Interruption interruption = new Interruption();
  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private InputStream in = new ByteArrayInputStream(new byte[0]);

  Cli(ManualClock clock, Map<String, String> env) {
    this.clock = clock;
    this.env = env;
  }

  /** Standard input for the next run. */
  Cli stdin(String text) {
    in = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /** Runs a command line; output accumulates across runs until {@link #reset()}. */
  int run(String... args) {
    return Main.run(
        args,
        new CliContext(
            env,
            in,
            new PrintStream(outBytes, true, StandardCharsets.UTF_8),
            new PrintStream(errBytes, true, StandardCharsets.UTF_8),
            false,
            clock,
            clock.sleeper(),
            interruption));
  }

  Cli reset() {
    outBytes.reset();
    errBytes.reset();
    return this;
  }

  String out() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  /** One run with the given streams, as the demo's tests drive it. */
  static int run(
      Map<String, String> env,
      InputStream in,
      PrintStream out,
      PrintStream err,
      ManualClock clock,
      String... args) {
    return Main.run(
        args, new CliContext(env, in, out, err, false, clock, clock.sleeper(), new Interruption()));
  }

  /** {@code demo} followed by the demo's arguments. */
  static String[] demo(String... args) {
    return Stream.concat(Stream.of("demo"), Stream.of(args)).toArray(String[]::new);
  }
}
