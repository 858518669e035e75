package io.leadbridge.cli;

import io.leadbridge.cli.config.LeadbridgeConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every operation takes: the configuration file and JSON output. */
final class CommonOptions {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "The configuration file (YAML) with the source, mapping, output, state, Marketo and"
              + " policies. Options given on the command line override it.")
  Path config;

  @Option(
      names = "--json",
      description =
          "Print one JSON document on standard output at the end (counts, batches, rejections by"
              + " reason, files, exit status), for schedulers and alerting; progress goes to"
              + " standard error.")
  boolean json;

  /** The configuration: read from {@code --config}, or empty. */
  LeadbridgeConfig load() {
    return config == null
        ? LeadbridgeConfig.none()
        : LeadbridgeConfig.read(config, config.toString());
  }
}
