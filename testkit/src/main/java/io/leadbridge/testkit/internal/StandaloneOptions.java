package io.leadbridge.testkit.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of the standalone emulators, parsed by hand: a dozen options do not need a
 * library. Immutable once parsed.
 *
 * @param auth0 whether to start the Auth0 emulator
 * @param marketo whether to start the Marketo emulator
 * @param auth0Port the Auth0 emulator's port, 0 for a free one
 * @param marketoPort the Marketo emulator's port, 0 for a free one
 * @param users how many synthetic users, when no users file is given
 * @param seed the synthetic users' seed
 * @param usersFile a file of users (NDJSON, a JSON array or an Auth0 CSV/TSV), or {@code null}
 * @param rowsPerSecond how fast the Marketo emulator imports
 * @param jobSeconds how long an Auth0 export job takes
 * @param tls whether to serve HTTPS
 * @param certFile where to write the certificate's PEM, or {@code null} for a temporary file
 * @param faults a JSON file of fault rules, or {@code null}
 * @param help whether the usage was asked for
 */
public record StandaloneOptions(
    boolean auth0,
    boolean marketo,
    int auth0Port,
    int marketoPort,
    long users,
    long seed,
    Path usersFile,
    int rowsPerSecond,
    int jobSeconds,
    boolean tls,
    Path certFile,
    Path faults,
    boolean help) {

  /** The usage text. */
  public static final String USAGE =
      String.join(
          "\n",
          "Usage: java -jar leadbridge-emulators.jar [options]",
          "",
          "Starts loopback emulators of Auth0 and Marketo and prints their endpoints and",
          "credentials as one JSON line on standard output. Stops on SIGTERM or Ctrl-C.",
          "",
          "  --auth0                 start the Auth0 emulator (default: both emulators)",
          "  --marketo               start the Marketo emulator (default: both emulators)",
          "  --auth0-port N          port of the Auth0 emulator (default: a free port)",
          "  --marketo-port N        port of the Marketo emulator (default: a free port)",
          "  --users N               synthetic users in the Auth0 tenant (default: 1000)",
          "  --seed N                seed of the synthetic users (default: 1)",
          "  --users-file FILE       the tenant's users from a file instead: NDJSON, a JSON array",
          "                          or an Auth0 CSV/TSV export, gzipped or not",
          "  --rows-per-second N     Marketo import speed of each of its 2 slots (default: 1000)",
          "  --job-seconds N         how long an Auth0 export job takes (default: 10)",
          "  --tls                   serve HTTPS with a self-signed certificate made at start",
          "  --cert-file FILE        where to write that certificate as PEM (default: a temporary",
          "                          file, deleted at exit; its path is in the JSON line)",
          "  --faults FILE           fault rules, a JSON array of objects such as",
          "                          {\"emulator\":\"marketo\",\"endpoint\":\"UPLOAD\",\"nth\":2,\"status\":503}",
          "                          with one of status, code (Marketo), drop, dropAfterAccept",
          "                          (Marketo UPLOAD) or delayMillis",
          "  -h, --help              show this text",
          "",
          "Each emulator lists the requests it received at GET {endpoint}/__admin/requests.",
          "");

  /**
   * Parses the arguments.
   *
   * @param args the command line
   * @return the options
   * @throws IllegalArgumentException with a message for the user if an argument is wrong
   */
  public static StandaloneOptions parse(String... args) {
    boolean auth0 = false;
    boolean marketo = false;
    int auth0Port = 0;
    int marketoPort = 0;
    long users = 1000;
    long seed = 1;
    Path usersFile = null;
    int rowsPerSecond = 1000;
    int jobSeconds = 10;
    boolean tls = false;
    Path certFile = null;
    Path faults = null;
    boolean help = false;
    List<String> list = new ArrayList<>(List.of(args));
    for (int i = 0; i < list.size(); i++) {
      String arg = list.get(i);
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      switch (arg) {
        case "--auth0":
          auth0 = true;
          break;
        case "--marketo":
          marketo = true;
          break;
        case "--tls":
          tls = true;
          break;
        case "-h":
        case "--help":
          help = true;
          break;
        default:
          if (value == null) {
            if (i + 1 >= list.size()) {
              throw new IllegalArgumentException(
                  isKnown(arg)
                      ? arg + " needs a value."
                      : "Unknown option " + arg + "; see --help.");
            }
            value = list.get(++i);
          }
          switch (arg) {
            case "--auth0-port":
              auth0Port = port(arg, value);
              break;
            case "--marketo-port":
              marketoPort = port(arg, value);
              break;
            case "--users":
              users = number(arg, value, 0, Long.MAX_VALUE);
              break;
            case "--seed":
              seed = number(arg, value, Long.MIN_VALUE, Long.MAX_VALUE);
              break;
            case "--users-file":
              usersFile = Path.of(value);
              break;
            case "--rows-per-second":
              rowsPerSecond = (int) number(arg, value, 1, Integer.MAX_VALUE);
              break;
            case "--job-seconds":
              jobSeconds = (int) number(arg, value, 0, 86_400);
              break;
            case "--cert-file":
              certFile = Path.of(value);
              break;
            case "--faults":
              faults = Path.of(value);
              break;
            default:
              throw new IllegalArgumentException("Unknown option " + arg + "; see --help.");
          }
      }
    }
    if (!auth0 && !marketo) {
      auth0 = true;
      marketo = true;
    }
    if (certFile != null && !tls) {
      throw new IllegalArgumentException("--cert-file is for --tls; add --tls.");
    }
    return new StandaloneOptions(
        auth0,
        marketo,
        auth0Port,
        marketoPort,
        users,
        seed,
        usersFile,
        rowsPerSecond,
        jobSeconds,
        tls,
        certFile,
        faults,
        help);
  }

  private static boolean isKnown(String arg) {
    return List.of(
            "--auth0-port",
            "--marketo-port",
            "--users",
            "--seed",
            "--users-file",
            "--rows-per-second",
            "--job-seconds",
            "--cert-file",
            "--faults")
        .contains(arg);
  }

  private static int port(String option, String value) {
    return (int) number(option, value, 0, 65535);
  }

  private static long number(String option, String value, long min, long max) {
    long n;
    try {
      n = Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " takes a whole number, not '" + value + "'.");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(
          option + " takes a number from " + min + " to " + max + ", not " + n + ".");
    }
    return n;
  }
}
