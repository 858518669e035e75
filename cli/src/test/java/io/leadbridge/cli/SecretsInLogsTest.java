package io.leadbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.testkit.Auth0Emulator;
import io.leadbridge.testkit.ManualClock;
import io.leadbridge.testkit.MarketoEmulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full run with DEBUG logging: no client secret, access token or signed download URL appears in
 * any log line, in the demo's output, or in the results' {@code toString()}; and no user's email or
 * name appears in any log line or {@code toString()}.
 */
class SecretsInLogsTest {
  @TempDir Path dir;

  @Test
  void noSecretTokenOrSignedUrlReachesTheLogsOrOutput() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ManualClock clock = ManualClock.create();
    DemoCommand options =
        DemoCommand.parse(
            "--users", "1500", "--out", dir.toString(), "--state", dir.resolve("s").toString());
    Set<String> secrets = new LinkedHashSet<>();
    Set<String> personal = new LinkedHashSet<>();
    String results;
    try (DemoRun run = new DemoRun(options, Map.of(), out, out, false, clock, clock.sleeper())) {
      assertThat(run.execute()).isZero();
      secrets.add(run.auth0.clientSecret());
      secrets.add(run.marketo.clientSecret());
      for (Auth0Emulator.Request r : run.auth0.requests()) {
        String auth = r.header("authorization");
        if (auth != null) {
          secrets.add(auth.substring("Bearer ".length()));
        }
        if (r.endpoint() == Auth0Emulator.Endpoint.DOWNLOAD && r.query() != null) {
          secrets.add(r.query());
        }
      }
      for (MarketoEmulator.Request r : run.marketo.requests()) {
        String auth = r.header("authorization");
        if (auth != null) {
          secrets.add(auth.substring("Bearer ".length()));
        }
      }
      results =
          run.export
              + " "
              + run.report
              + " "
              + run.alterian
              + " "
              + run.report.batches()
              + " "
              + run.report.failures()
              + " "
              + run.export.merges()
              + " "
              + run.export.sync().orElseThrow()
              + " "
              + run.state
              + " "
              + run.committed;
      run.auth0
          .exportedUsers(run.auth0JobId)
          .forEach(
              u -> {
                for (String field : new String[] {"email", "family_name", "phone_number"}) {
                  Object v = u.get(field);
                  if (v instanceof String && ((String) v).length() >= 6) {
                    personal.add((String) v);
                  }
                }
              });
    }
    assertThat(secrets).hasSizeGreaterThanOrEqualTo(4);
    String log = Files.readString(Path.of("target", "test-debug.log"));
    assertThat(log).as("the DEBUG log is written").isNotEmpty();
    String output = bytes.toString(StandardCharsets.UTF_8);
    for (String secret : secrets) {
      assertThat(log).doesNotContain(secret);
      assertThat(output).doesNotContain(secret);
      assertThat(results).doesNotContain(secret);
    }
    assertThat(personal).hasSizeGreaterThan(1000);
    for (String value : personal) {
      assertThat(log).as("a user's value in the log").doesNotContain(value);
      assertThat(results).as("a user's value in a toString()").doesNotContain(value);
    }
  }

  @Test
  void noSecretReachesTheLogsOrOutputOfTheCommands() throws Exception {
    Set<String> secrets = new LinkedHashSet<>();
    String output;
    try (Fixture f = new Fixture(dir, 800, 10_000)) {
      Path config = f.config("");
      Cli cli = f.cli();
      java.util.List<String[]> commands =
          java.util.List.of(
              new String[] {"sync", "--config", config.toString()},
              new String[] {"sync", "--config", config.toString(), "--json"},
              new String[] {"export", "--config", config.toString(), "--json"},
              new String[] {"import", "--config", config.toString()},
              new String[] {"fields", "--config", config.toString(), "--json"},
              new String[] {"status", "--config", config.toString(), "1000"},
              new String[] {"failures", "--config", config.toString(), "1000", "--output", "-"},
              new String[] {"warnings", "--config", config.toString(), "1000", "--json"});
      for (String[] command : commands) {
        assertThat(cli.run(command)).as(String.join(" ", command) + "\n" + cli.err()).isZero();
      }
      f.auth0.updateUsers(5);
      assertThat(cli.run("sync", "--config", config.toString(), "--json")).isZero();
      output = cli.out() + cli.err();
      secrets.add(f.auth0.clientSecret());
      secrets.add(f.marketo.clientSecret());
      for (Auth0Emulator.Request r : f.auth0.requests()) {
        String auth = r.header("authorization");
        if (auth != null) {
          secrets.add(auth.substring("Bearer ".length()));
        }
        if (r.endpoint() == Auth0Emulator.Endpoint.DOWNLOAD && r.query() != null) {
          secrets.add(r.query());
        }
      }
      for (MarketoEmulator.Request r : f.marketo.requests()) {
        String auth = r.header("authorization");
        if (auth != null) {
          secrets.add(auth.substring("Bearer ".length()));
        }
      }
    }
    assertThat(secrets).hasSizeGreaterThanOrEqualTo(5);
    String log = Files.readString(Path.of("target", "test-debug.log"));
    assertThat(log).as("the DEBUG log is written").isNotEmpty();
    for (String secret : secrets) {
      assertThat(log).doesNotContain(secret);
      assertThat(output).doesNotContain(secret);
    }
  }
}
