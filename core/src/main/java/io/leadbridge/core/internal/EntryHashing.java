package io.leadbridge.core.internal;

/**
 * A source that can hash each entry's bytes as read, before it parses them, and leave an entry
 * unparsed when the exporter says it already knows it: a sync whose state holds the hash of the
 * entry a confirmed user came from, under the same mapping and settings, needs nothing more of that
 * user. Internal: the exporter applies it against a sync state.
 */
public interface EntryHashing {

  /** Hears the hash of each entry before it is parsed. */
  interface Skipper {
    /**
     * Called with the 128-bit hash of an entry's bytes, its position and the bytes themselves
     * (valid only during the call).
     *
     * @return true to take the entry: it is not parsed and {@link
     *     io.leadbridge.core.source.UserSource#next()} goes on to the next one; the skipper may
     *     hold the bytes and have them parsed later ({@link #parse})
     */
    boolean skip(long hashHi, long hashLo, long position, byte[] entry, int offset, int length);
  }

  /**
   * Parses an entry a {@link Skipper} took and held: what {@link
   * io.leadbridge.core.source.UserSource#next()} would have returned for it.
   */
  io.leadbridge.core.source.SourceEntry parse(byte[] entry, int length, long position);

  /**
   * What an entry's bytes are to this source, for the seed of the hash: two sources that read the
   * same bytes into different users must differ here.
   */
  String entryFormat();

  /**
   * From now on, hashes each entry's bytes with {@link
   * io.leadbridge.core.internal.table.Hash128#hash(byte[], int, int, long, long, long[])} from this
   * seed and asks the skipper before parsing it.
   */
  void hashEntries(long seed1, long seed2, Skipper skipper);
}
