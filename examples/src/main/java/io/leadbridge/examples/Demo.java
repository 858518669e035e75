package io.leadbridge.examples;

import io.leadbridge.core.remote.Sleeper;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * The Leadbridge demo: exports Auth0 users, imports them into Marketo and packages them for
 * Alterian, against loopback emulators unless pointed at real systems by environment variables. Run
 * {@code java -jar leadbridge-demo.jar --help} for the options.
 */
public final class Demo {
  private Demo() {}

  /**
   * Runs the demo and exits with its status.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err, System.console() != null));
  }

  /**
   * Runs the demo.
   *
   * @param args the command line
   * @param env the environment
   * @param out where progress and the summary go
   * @param err where errors go
   * @param terminal whether {@code out} is a terminal (live progress lines)
   * @return the exit status: 0 every eligible user imported; 1 malformed input or rows Marketo
   *     failed; 2 a bad command line; 3 the run could not finish
   */
  public static int run(
      String[] args, Map<String, String> env, PrintStream out, PrintStream err, boolean terminal) {
    return run(args, env, out, err, terminal, Clock.systemUTC(), Sleeper.system());
  }

  static int run(
      String[] args,
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      boolean terminal,
      Clock clock,
      Sleeper sleeper) {
    return run(args, env, System.in, out, err, terminal, clock, sleeper);
  }

  static int run(
      String[] args,
      Map<String, String> env,
      java.io.InputStream in,
      PrintStream out,
      PrintStream err,
      boolean terminal,
      Clock clock,
      Sleeper sleeper) {
    DemoOptions options;
    try {
      options = DemoOptions.parse(args);
    } catch (DemoOptions.UsageException e) {
      err.println("leadbridge-demo: " + e.getMessage());
      err.println();
      err.println(DemoOptions.USAGE);
      return 2;
    }
    if (options.help) {
      out.println(DemoOptions.USAGE);
      return 0;
    }
    try (DemoRun run = new DemoRun(options, env, out, err, terminal, clock, sleeper)) {
      run.stdinStream = in;
      return run.execute();
    }
  }
}
