package io.leadbridge.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that runs an operation with the common options ({@code --config}, {@code --json}):
 * reads the configuration, runs, and turns what happened into output and an exit status, a signal
 * first.
 */
abstract class RunCommand implements Callable<Integer> {
  final CliContext ctx;

  @Spec CommandSpec spec;

  @Mixin CommonOptions common;

  RunCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public final Integer call() {
    Output output = new Output(ctx, spec.name(), common.json);
    ctx.interruption.lastWords(output::stopped);
    try {
      Settings settings = new Settings(ctx, common.load());
      return output.finish(run(settings, output));
    } catch (Exception | LinkageError e) {
      return output.fail(e);
    } finally {
      Thread.interrupted(); // a signal may have interrupted this thread; the run is over
    }
  }

  /** Runs the operation; returns 0 or 1 by what it found. */
  abstract int run(Settings settings, Output output) throws Exception;
}
