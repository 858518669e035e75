package io.leadbridge.cli;

import io.leadbridge.testkit.Auth0Emulator;
import io.leadbridge.testkit.ManualClock;
import io.leadbridge.testkit.MarketoEmulator;
import io.leadbridge.testkit.SyntheticUsers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Both emulators and a configuration file pointing at them: what a scheduled run sees, on loopback.
 * The secrets reach the command through environment variables, as in production.
 */
final class Fixture implements AutoCloseable {
  /** After every synthetic updated_at, so that users edited now are the most recently updated. */
  static final Instant LATER = Instant.parse("2027-01-01T00:00:00Z");

  /** A program of the Marketo emulator, in a channel whose statuses include Registered. */
  static final long PROGRAM = 1001;

  final Path dir;
  final SyntheticUsers users;
  final Auth0Emulator auth0;
  final MarketoEmulator marketo;
  final ManualClock clock;

  /** In virtual time: a manual clock shared by the emulators and the command. */
  Fixture(Path dir, long users, int rowsPerSecond) {
    this(dir, users, rowsPerSecond, ManualClock.at(LATER), Duration.ofSeconds(10));
  }

  /** With the given clock: the system clock for a command in another process. */
  Fixture(Path dir, long users, int rowsPerSecond, Clock clock, Duration jobDuration) {
    this.dir = dir;
    this.clock = clock instanceof ManualClock ? (ManualClock) clock : null;
    this.users = SyntheticUsers.builder().count(users).seed(7).sharedEmails(20).build();
    Auth0Emulator.Builder a =
        Auth0Emulator.builder().users(this.users).jobDuration(jobDuration).clock(clock);
    MarketoEmulator.Builder m =
        MarketoEmulator.builder()
            .rowsPerSecond(rowsPerSecond)
            .clock(clock)
            .addChannel("Webinar", List.of("Invited", "Registered", "Attended"))
            .addProgram(PROGRAM, "Trial webinar", "Webinar");
    if (this.clock != null) {
      a.sleeper(this.clock.sleeper());
      m.sleeper(this.clock.sleeper());
    }
    this.auth0 = a.start();
    this.marketo = m.start();
  }

  /** The environment the secrets come from. */
  Map<String, String> env() {
    return Map.of(
        "AUTH0_SECRET", auth0.clientSecret(),
        "MARKETO_ID", marketo.clientId(),
        "MARKETO_SECRET", marketo.clientSecret());
  }

  /** A command line in this JVM, in the fixture's virtual time. */
  Cli cli() {
    return new Cli(clock, env());
  }

  /** The configuration of a nightly run against the emulators, with more YAML appended. */
  Path config(String more) {
    String yaml =
        String.join(
                "\n",
                "source:",
                "  auth0:",
                "    domain: " + auth0.domain(),
                "    clientId: " + auth0.clientId(),
                "    clientSecretEnv: AUTH0_SECRET",
                "    pollInterval: 100ms",
                "    maxPollInterval: 500ms",
                "output: out",
                "state:",
                "  folder: state",
                "marketo:",
                "  endpoint: " + marketo.endpoint(),
                "  clientIdEnv: MARKETO_ID",
                "  clientSecretEnv: MARKETO_SECRET",
                "  pollInterval: 100ms",
                "  maxPollInterval: 500ms",
                "")
            + more;
    Path file = dir.resolve("nightly.yaml");
    try {
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  @Override
  public void close() {
    auth0.close();
    marketo.close();
  }
}
