package io.leadbridge.cli;

import io.leadbridge.core.internal.Json;
import io.leadbridge.testkit.Auth0Emulator;
import io.leadbridge.testkit.MarketoEmulator;
import io.leadbridge.testkit.SyntheticUsers;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code leadbridge emulators}: the testkit's loopback emulators of Auth0 and Marketo as a process,
 * for trying the other commands and for tests in other languages. A thin wrapper: the emulators are
 * the testkit's, and so is what they do.
 */
@Command(
    name = "emulators",
    mixinStandardHelpOptions = true,
    description = {
      "Run loopback emulators of Auth0 and Marketo until stopped.",
      "",
      "Start loopback emulators of Auth0 and Marketo, print their endpoints and credentials as"
          + " one JSON line on standard output, and run until SIGTERM or Ctrl-C (exit status 0)."
    })
final class EmulatorsCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(
      names = "--auth0-port",
      paramLabel = "N",
      description = "Port of the Auth0 emulator (default: a free port).")
  int auth0Port;

  @Option(
      names = "--marketo-port",
      paramLabel = "N",
      description = "Port of the Marketo emulator (default: a free port).")
  int marketoPort;

  @Option(
      names = "--users",
      paramLabel = "N",
      description = "Synthetic users in the Auth0 tenant (default: ${DEFAULT-VALUE}).",
      defaultValue = "1000")
  long users;

  @Option(
      names = "--rows-per-second",
      paramLabel = "N",
      description = "Marketo import speed of each of its 2 slots (default: ${DEFAULT-VALUE}).",
      defaultValue = "1000")
  int rowsPerSecond;

  @Option(
      names = "--job-seconds",
      paramLabel = "N",
      description = "How long an Auth0 export job takes (default: ${DEFAULT-VALUE}).",
      defaultValue = "10")
  int jobSeconds;

  EmulatorsCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (users < 0 || users > 100_000_000) {
      throw CliException.usage("--users must be between 0 and 100000000, not " + users);
    }
    if (rowsPerSecond < 1) {
      throw CliException.usage("--rows-per-second must be at least 1, not " + rowsPerSecond);
    }
    if (jobSeconds < 0) {
      throw CliException.usage("--job-seconds must not be negative, not " + jobSeconds);
    }
    Auth0Emulator auth0 = null;
    MarketoEmulator marketo = null;
    try {
      try {
        auth0 =
            Auth0Emulator.builder()
                .port(auth0Port)
                .jobDuration(Duration.ofSeconds(jobSeconds))
                .users(SyntheticUsers.builder().count(users).seed(1).build())
                .start();
        marketo = MarketoEmulator.builder().port(marketoPort).rowsPerSecond(rowsPerSecond).start();
      } catch (IllegalArgumentException e) {
        throw CliException.usage(e.getMessage());
      } catch (RuntimeException e) {
        throw new CliException(
            ExitCode.NOT_FINISHED,
            "the emulators cannot start: "
                + e.getMessage()
                + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"));
      }
      ctx.out.println(Json.write(describe(auth0, marketo)));
      ctx.out.flush();
      ctx.interruption.stage(Interruption.Stage.SERVING);
      while (!ctx.interruption.await(Duration.ofHours(1))) {
        // runs until a signal
      }
      ctx.err.println("leadbridge: emulators stopped");
      return ExitCode.OK;
    } finally {
      if (auth0 != null) {
        auth0.close();
      }
      if (marketo != null) {
        marketo.close();
      }
    }
  }

  /**
   * The line printed at start, as the testkit's standalone emulators print it: {@code auth0}
   * ({@code domain}, {@code audience}, {@code tokenUrl}, {@code clientId}, {@code clientSecret})
   * and {@code marketo} ({@code endpoint}, {@code identity}, {@code clientId}, {@code
   * clientSecret}). The credentials are the emulators' own, made up for tests.
   */
  private static Map<String, Object> describe(Auth0Emulator a, MarketoEmulator m) {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> auth0 = new LinkedHashMap<>();
    auth0.put("domain", a.domain());
    auth0.put("audience", a.audience());
    auth0.put("tokenUrl", a.domain() + "/oauth/token");
    auth0.put("clientId", a.clientId());
    auth0.put("clientSecret", a.clientSecret());
    out.put("auth0", auth0);
    Map<String, Object> marketo = new LinkedHashMap<>();
    marketo.put("endpoint", m.endpoint().toString());
    marketo.put("identity", m.endpoint() + "/identity");
    marketo.put("clientId", m.clientId());
    marketo.put("clientSecret", m.clientSecret());
    out.put("marketo", marketo);
    return out;
  }
}
