package io.leadbridge.core.source;

import io.leadbridge.core.Rejection;
import java.util.Objects;

/**
 * Input that a {@link UserSource} could not read as a user: a line that is not JSON, a JSON value
 * that is not an object, invalid UTF-8. The exporter reports it as a {@link Rejection} with reason
 * {@link Rejection.Reason#MALFORMED_INPUT} and goes on.
 *
 * <p>Immutable and thread-safe.
 *
 * @param position the line number or 1-based index in the source
 * @param detail what is wrong, without quoting the input (it may hold personal data)
 */
public record MalformedEntry(long position, String detail) implements SourceEntry {
  /**
   * Validates the fields.
   *
   * @param position the line number or 1-based index in the source
   * @param detail what is wrong
   */
  public MalformedEntry {
    Objects.requireNonNull(detail, "detail");
  }
}
