package io.leadbridge.cli;

import io.leadbridge.testkit.StandaloneEmulators;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code leadbridge emulators}: the testkit's standalone emulators ({@link StandaloneEmulators},
 * also {@code leadbridge-emulators.jar}) run from the command line, for trying the other commands
 * and for tests in other languages. The options are the standalone program's; what the emulators do
 * is the testkit's.
 */
@Command(
    name = "emulators",
    mixinStandardHelpOptions = true,
    description = {
      "Run loopback emulators of Auth0 and Marketo until stopped.",
      "",
      "Start loopback emulators of Auth0 and Marketo (both unless one is named), print their"
          + " endpoints and credentials as one JSON line on standard output, and run until"
          + " SIGTERM or Ctrl-C (exit status 0). Each lists the requests it received at GET"
          + " {endpoint}/__admin/requests."
    })
final class EmulatorsCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(names = "--auth0", description = "Start the Auth0 emulator.")
  boolean auth0;

  @Option(names = "--marketo", description = "Start the Marketo emulator.")
  boolean marketo;

  @Option(
      names = "--auth0-port",
      paramLabel = "N",
      description = "Port of the Auth0 emulator (default: a free port).")
  Integer auth0Port;

  @Option(
      names = "--marketo-port",
      paramLabel = "N",
      description = "Port of the Marketo emulator (default: a free port).")
  Integer marketoPort;

  @Option(
      names = "--users",
      paramLabel = "N",
      description = "Synthetic users in the Auth0 tenant (default: 1000).")
  Long users;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Seed of the synthetic users (default: 1).")
  Long seed;

  @Option(
      names = "--users-file",
      paramLabel = "FILE",
      description =
          "The tenant's users from a file instead: NDJSON, a JSON array or an Auth0 CSV/TSV"
              + " export, gzipped or not.")
  Path usersFile;

  @Option(
      names = "--rows-per-second",
      paramLabel = "N",
      description = "Marketo import speed of each of its 2 slots (default: 1000).")
  Integer rowsPerSecond;

  @Option(
      names = "--job-seconds",
      paramLabel = "N",
      description = "How long an Auth0 export job takes (default: 10).")
  Integer jobSeconds;

  @Option(
      names = "--tls",
      description = "Serve HTTPS with a self-signed certificate made at start.")
  boolean tls;

  @Option(
      names = "--cert-file",
      paramLabel = "FILE",
      description =
          "Where to write that certificate as PEM (default: a temporary file, deleted at exit;"
              + " its path is in the JSON line).")
  Path certFile;

  @Option(
      names = "--faults",
      paramLabel = "FILE",
      description =
          "Fault rules: a JSON array of objects such as {\"emulator\":\"marketo\","
              + "\"endpoint\":\"UPLOAD\",\"nth\":2,\"status\":503}.")
  Path faults;

  EmulatorsCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    StandaloneEmulators running;
    try {
      running = StandaloneEmulators.start(ctx.out, arguments());
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    } catch (RuntimeException e) {
      throw new CliException(
          ExitCode.NOT_FINISHED,
          "the emulators cannot start: "
              + e.getMessage()
              + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"));
    }
    try (running) {
      ctx.interruption.stage(Interruption.Stage.SERVING);
      while (!ctx.interruption.await(Duration.ofHours(1))) {
        // runs until a signal
      }
      ctx.err.println("leadbridge: emulators stopped");
      return ExitCode.OK;
    }
  }

  /** The options as the standalone program reads them. */
  private String[] arguments() {
    List<String> args = new ArrayList<>();
    if (auth0) {
      args.add("--auth0");
    }
    if (marketo) {
      args.add("--marketo");
    }
    if (tls) {
      args.add("--tls");
    }
    add(args, "--auth0-port", auth0Port);
    add(args, "--marketo-port", marketoPort);
    add(args, "--users", users);
    add(args, "--seed", seed);
    add(args, "--users-file", usersFile);
    add(args, "--rows-per-second", rowsPerSecond);
    add(args, "--job-seconds", jobSeconds);
    add(args, "--cert-file", certFile);
    add(args, "--faults", faults);
    return args.toArray(String[]::new);
  }

  private static void add(List<String> args, String option, Object value) {
    if (value != null) {
      args.add(option);
      args.add(value.toString());
    }
  }
}
