package io.leadbridge.core.internal.select;

import io.leadbridge.core.internal.EntryHashing;
import io.leadbridge.core.internal.table.Hash128;
import io.leadbridge.core.source.SourceEntry;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The source entries an export against a sync state need not parse: a source that hashes each entry
 * before parsing it ({@link EntryHashing}) asks here, and an entry the state knows for a confirmed
 * user is taken unparsed by the {@link RowSelection} ({@link RowSelection#skipKnown}). While the
 * state is still being read on its own thread, entries are held unparsed by the selection among
 * what it holds ({@link RowSelection#holdEntry}), and come back here in their order once the state
 * is there. Remembers the hash of the entry last asked about, for the user parsed from it, which
 * the state keeps at commit. Used once, by the export's thread.
 */
public final class KnownEntries {

  /** The export, for the entries taken here. */
  public interface Export {
    /** An entry was taken unparsed: count it as read. */
    void taken();

    /** An entry held unparsed turned out unknown: handle it as if just read. */
    void read(SourceEntry entry) throws IOException;
  }

  private final EntryHashing source;
  private final RowSelection selection;
  private final Export export;
  private long hashHi;
  private long hashLo;
  private long position = -1;

  private KnownEntries(EntryHashing source, RowSelection selection, Export export) {
    this.source = source;
    this.selection = selection;
    this.export = export;
  }

  /**
   * Asks the source to hash its entries from now on, seeded with {@code seed}: what makes a row
   * from an entry besides the entry (the mapping's definition, the export's settings), so that the
   * state's hashes match only under the same.
   */
  public static KnownEntries start(
      EntryHashing source, String seed, RowSelection selection, Export export) {
    KnownEntries known = new KnownEntries(source, selection, export);
    long[] h = new long[2];
    Hash128.hash(source.entryFormat() + "\n" + seed, h);
    source.hashEntries(h[0], h[1], known::skip);
    return known;
  }

  /** The hash of the entry a user at {@code at} was parsed from, high word; 0 if unknown. */
  public long hashHi(long at) {
    return at == position ? hashHi : 0;
  }

  /** The hash of the entry a user at {@code at} was parsed from, low word; 0 if unknown. */
  public long hashLo(long at) {
    return at == position ? hashLo : 0;
  }

  /**
   * The source's question: the selection holds the entry while the state is still being read, or
   * else is asked whether the state knows it. What the selection throws as {@link IOException}
   * comes out of the source's {@code next()} as {@link UncheckedIOException}.
   */
  private boolean skip(long hi, long lo, long at, byte[] entry, int off, int len) {
    try {
      return selection.holdEntry(hi, lo, at, entry, off, len, this::heldEntry) || known(hi, lo, at);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An entry held unparsed, played back: taken if the state knows it, else parsed now. */
  private void heldEntry(long hi, long lo, long at, byte[] bytes, int length) throws IOException {
    if (!known(hi, lo, at)) {
      export.read(source.parse(bytes, length, at));
    }
  }

  private boolean known(long hi, long lo, long at) throws IOException {
    hashHi = hi;
    hashLo = lo;
    position = at;
    if (!selection.skipKnown(hi, lo, at)) {
      return false;
    }
    export.taken();
    return true;
  }
}
