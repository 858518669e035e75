package io.leadbridge.core.source;

/**
 * What a {@link UserSource} yields: a {@link UserRecord}, or a {@link MalformedEntry} for input
 * that could not be read as a user. Both carry the position in the source (a line number for files,
 * a 1-based index otherwise) so every input can be accounted for.
 *
 * <p>Both kinds are immutable and thread-safe.
 */
public sealed interface SourceEntry permits UserRecord, MalformedEntry {
  /**
   * Where the entry stands in its source: the line number of an NDJSON file, the line where a JSON
   * array element starts, or the 1-based index of an in-memory record.
   *
   * @return the position, 1-based
   */
  long position();
}
