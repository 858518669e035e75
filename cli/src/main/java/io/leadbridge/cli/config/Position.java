package io.leadbridge.cli.config;

/**
 * Where something is in a configuration file, as editors and compilers name it: {@code
 * nightly.yaml:12:3}. Lines and columns count from 1.
 *
 * @param file the file as the user named it
 * @param line the line
 * @param column the column
 */
public record Position(String file, int line, int column) {
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
