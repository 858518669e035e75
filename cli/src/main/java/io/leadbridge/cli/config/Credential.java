package io.leadbridge.cli.config;

import io.leadbridge.core.internal.files.IoErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a credential comes from: an environment variable, a file (such as a Kubernetes or Docker
 * secret), or, for a value that is not secret (a client id), the configuration itself. Resolved
 * only when a command needs it, so that a variable missing from one environment fails only the
 * commands that use it, with the position of the key that names it.
 *
 * @param name the dotted key, such as {@code marketo.clientSecret}
 * @param at where it is given
 * @param env the environment variable, or {@code null}
 * @param file the file, or {@code null}
 * @param inline the value written in the configuration (never a secret), or {@code null}
 */
public record Credential(String name, Position at, String env, Path file, String inline) {

  /**
   * The value.
   *
   * @param environment the process environment
   * @return the value, stripped of surrounding white space (a file's final line break)
   * @throws ConfigException if the variable is not set, or the file cannot be read or is empty
   */
  public String resolve(Map<String, String> environment) {
    if (inline != null) {
      return inline;
    }
    if (env != null) {
      String v = environment.get(env);
      if (v == null || v.isBlank()) {
        throw new ConfigException(
            at, name + "Env names " + env + ", which is not set in this environment.");
      }
      return v.strip();
    }
    String v;
    try {
      v = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new ConfigException(
          at,
          name
              + "File "
              + file
              + " cannot be read: "
              + IoErrors.unreadable(file).orElseGet(() -> IoErrors.reason(e))
              + ".");
    }
    if (v.isEmpty()) {
      throw new ConfigException(at, name + "File " + file + " is empty.");
    }
    return v;
  }

  /** Says where the value comes from, never the value. */
  @Override
  public String toString() {
    return name
        + " from "
        + (inline != null ? "the configuration" : env != null ? "$" + env : file.toString());
  }
}
