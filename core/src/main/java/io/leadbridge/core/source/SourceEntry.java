package io.leadbridge.core.source;

/**
 * What a {@link UserSource} yields: a {@link UserRecord}, or a {@link MalformedEntry} for input
 * that could not be read as a user. Both carry a position in the source, unique within it (a line
 * number for NDJSON, a 1-based index otherwise) so every input can be accounted for.
 *
 * <p>Both kinds are immutable and thread-safe.
 */
public sealed interface SourceEntry permits UserRecord, MalformedEntry {
  /**
   * Where the entry stands in its source: the line number of an NDJSON file, the 1-based index of
   * an element of a JSON array (its line is in a malformed entry's detail), or the 1-based index of
   * an in-memory record.
   *
   * @return the position, 1-based
   */
  long position();
}
