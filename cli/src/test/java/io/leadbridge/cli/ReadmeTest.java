package io.leadbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.cli.config.LeadbridgeConfig;
import io.leadbridge.core.MergePolicy;
import io.leadbridge.core.csv.CsvFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the README says about the command line holds: its sample configuration, its script. */
class ReadmeTest {
  private static final Path README = Path.of("..", "README.md");
  private static final String MARK = "<!-- nightly.yaml: ReadmeTest reads this block -->";

  @TempDir Path dir;

  private static String readme() throws IOException {
    return Files.readString(README, StandardCharsets.UTF_8);
  }

  @Test
  void theSampleConfigurationIsValid() throws IOException {
    String text = readme();
    int mark = text.indexOf(MARK);
    assertThat(mark).as("the README marks its sample configuration").isPositive();
    int start = text.indexOf("```yaml\n", mark) + "```yaml\n".length();
    String yaml = text.substring(start, text.indexOf("```\n", start));
    Path file = dir.resolve("nightly.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);

    LeadbridgeConfig config = LeadbridgeConfig.read(file, "nightly.yaml");
    assertThat(config.auth0().orElseThrow().domain()).isEqualTo("tenant.eu.auth0.com");
    assertThat(config.inlineMapping().orElseThrow().header())
        .containsExactly("email", "firstName", "lastName", "auth0CreatedAt");
    assertThat(config.format()).contains(CsvFormat.TSV);
    assertThat(config.stateFolder()).contains(Path.of("/var/lib/leadbridge/state"));
    LeadbridgeConfig.Marketo marketo = config.marketo().orElseThrow();
    assertThat(marketo.endpoint()).hasToString("https://123-ABC-456.mktorest.com");
    assertThat(marketo.listId()).isEqualTo(1234);
    assertThat(config.mergePolicy()).contains(MergePolicy.MOST_RECENTLY_UPDATED);
    assertThat(config.alterian().orElseThrow().tableName()).isEqualTo("Auth0Users");
  }

  @Test
  void theFirstCommandRunsTheDemoThroughTheCommandLineAndTheSchedulersRunSync() throws IOException {
    String text = readme();
    assertThat(text)
        .contains(
            "./mvnw -q -pl cli -am package -DskipTests && java -jar cli/target/leadbridge.jar demo")
        .contains("leadbridge sync --config /etc/leadbridge/nightly.yaml")
        .contains("\"sync\", \"--config\", \"/etc/leadbridge/nightly.yaml\"")
        .doesNotContain("examples/target/leadbridge-demo.jar --");
  }

  @Test
  void theScriptRunsTheJarWithTheArguments() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("sh", Path.of("leadbridge").toString(), "sync", "--config", "a b.yaml");
    pb.environment().put("JAVA", "echo");
    pb.environment().put("JAVA_OPTS", "-Xmx64m");
    pb.environment().put("LEADBRIDGE_JAR", "/opt/x/leadbridge.jar");
    Process echo = pb.redirectErrorStream(true).start();
    assertThat(echo.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(echo.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
        .isEqualTo("-Xmx64m -jar /opt/x/leadbridge.jar sync --config a b.yaml");
    assertThat(echo.exitValue()).isZero();
  }
}
