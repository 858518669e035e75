package io.leadbridge.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.testkit.SyntheticUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's snippets run as written. */
class ExamplesTest {
  @TempDir Path dir;

  @Test
  void exportAndPackageExamplesRun() {
    Path input = dir.resolve("tenant.json.gz");
    SyntheticUsers.builder().count(500).seed(9).build().writeNdjson(input, true);

    ExportToTsv.main(
        new String[] {input.toString(), dir.resolve("out").resolve("users.tsv").toString()});
    PackageForAlterian.main(new String[] {input.toString(), dir.resolve("pkg").toString()});

    assertThat(dir.resolve("out").resolve("users.tsv")).exists();
    assertThat(Files.exists(dir.resolve("pkg").resolve("alterian").resolve("Auth0Users.csv")))
        .isTrue();
  }
}
