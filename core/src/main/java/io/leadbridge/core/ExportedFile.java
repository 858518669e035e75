package io.leadbridge.core;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One file an export wrote: a complete file with its own header row.
 *
 * <p>Immutable and thread-safe.
 *
 * @param path where it is
 * @param rows data rows in it, not counting the header
 * @param bytes its size in bytes
 */
public record ExportedFile(Path path, long rows, long bytes) {
  /**
   * Validates the fields.
   *
   * @param path where it is
   * @param rows data rows
   * @param bytes size in bytes
   */
  public ExportedFile {
    Objects.requireNonNull(path, "path");
  }
}
