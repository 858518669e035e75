package io.leadbridge.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code leadbridge --version}: the version the build wrote into {@code leadbridge.properties}. */
final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    Properties p = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("/leadbridge.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // the version is only for display
    }
    return new String[] {
      "leadbridge " + p.getProperty("version", "(development)"),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
