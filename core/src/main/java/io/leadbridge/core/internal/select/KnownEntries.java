package io.leadbridge.core.internal.select;

import io.leadbridge.core.internal.EntryHashing;
import io.leadbridge.core.internal.table.Hash128;
import io.leadbridge.core.source.SourceEntry;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The source entries an export against a sync state need not parse: a source that hashes each entry
 * before parsing it ({@link EntryHashing}) asks here, and an entry the state knows for a confirmed
 * user is taken unparsed by the {@link RowSelection} ({@link RowSelection#skipKnown}). While the
 * state is still being read on its own thread, entries are held unparsed in {@link HeldEntries} (at
 * most {@link HeldEntries#MAX_BYTES}, then the export waits for the state) and played back in their
 * order once it is there, ahead of anything the selection held meanwhile. Remembers the hash of the
 * entry last asked about, for the user parsed from it, which the state keeps at commit. Used once,
 * by the export's thread.
 */
public final class KnownEntries implements Closeable {

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
  private final Path dir;
  private final String outputName;
  private HeldEntries held;
  private long hashHi;
  private long hashLo;
  private long position = -1;

  private KnownEntries(
      EntryHashing source, RowSelection selection, Export export, Path dir, String outputName) {
    this.source = source;
    this.selection = selection;
    this.export = export;
    this.dir = dir;
    this.outputName = outputName;
  }

  /**
   * Asks the source to hash its entries from now on, seeded with {@code seed}: what makes a row
   * from an entry besides the entry (the mapping's definition, the export's settings), so that the
   * state's hashes match only under the same.
   */
  public static KnownEntries start(
      EntryHashing source,
      String seed,
      RowSelection selection,
      Export export,
      Path dir,
      String outputName) {
    KnownEntries known = new KnownEntries(source, selection, export, dir, outputName);
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
   * The source's question: holds the entry while the state is still being read (and there is room),
   * otherwise plays back what is held and asks the selection whether the state knows it. What the
   * selection throws as {@link IOException} comes out of the source's {@code next()} as {@link
   * UncheckedIOException}.
   */
  private boolean skip(long hi, long lo, long at, byte[] entry, int off, int len) {
    try {
      if (selection.stateLoading() && (held == null || held.hasRoom())) {
        if (held == null) {
          held = new HeldEntries(dir, outputName);
          selection.entriesHeldBefore(true);
        }
        held.add(hi, lo, at, entry, off, len);
        return true;
      }
      // waiting for the state costs less than parsing entries it may know (measured: parsing on
      // while PostgreSQL's server and the reading thread share the two cores was slower)
      replay();
      return known(hi, lo, at);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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

  /**
   * Plays back the entries held (waiting for the state first): those it knows are taken unparsed,
   * the others parsed and handed to the export, ahead of whatever the selection holds.
   */
  public void replay() throws IOException {
    if (held == null) {
      return;
    }
    HeldEntries entries = held;
    held = null;
    selection.awaitState();
    selection.aheadOfHeld(true);
    try {
      entries.replay(
          (hi, lo, at, bytes, length) -> {
            if (!known(hi, lo, at)) {
              export.read(source.parse(bytes, length, at));
            }
          });
    } finally {
      selection.aheadOfHeld(false);
      selection.entriesHeldBefore(false);
      entries.close();
    }
  }

  /**
   * Plays back the entries held before an entry the source returned unhashed, unless the selection
   * is to hold that one too (the state still being read), after them.
   */
  public void replayBefore() throws IOException {
    if (held != null && (!selection.stateLoading() || !selection.holdsRoom())) {
      replay();
    }
  }

  /** Deletes what is held. */
  @Override
  public void close() {
    if (held != null) {
      held.close();
    }
  }
}
