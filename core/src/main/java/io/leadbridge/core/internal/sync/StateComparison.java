package io.leadbridge.core.internal.sync;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.internal.Binary;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import io.leadbridge.core.internal.files.SideFile;
import io.leadbridge.core.internal.table.Hash128;
import io.leadbridge.core.internal.table.HashTable;
import io.leadbridge.core.sync.MassRemovalException;
import io.leadbridge.core.sync.RemovalGuard;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * Compares the users an export reads with a {@link JdbcSyncState}, as they are read: the state is
 * read once, in bulk, on a thread of its own while the export starts reading its source, into an
 * off-heap {@link HashTable} keyed by the 128-bit hash of each {@code user_id} (fingerprint, key
 * hash, confirmed), so that each user is classified on the spot, new, changed or unchanged, and
 * only new and changed users are staged. The same table finds a {@code user_id} read twice (the
 * first is kept) and, at the end, the users of the state the input no longer has. The strings of
 * the state (ids and key values) are read only when something must be listed: absent users,
 * lookup-value changes, and unchanged users merged with others; then in one pass in {@code user_id}
 * order ({@link NamesFile}). Without a state it only finds the {@code user_id}s read twice.
 *
 * <p>The table takes 40 bytes a slot (24 when the state holds no users), at most 70 % of slots
 * used, in a mapped temporary file paged by the system; the heap nothing per user. Used once, by
 * one thread (the state's read aside, {@link StateLoad}, which alone touches the table until {@link
 * #awaitLoad()} returns).
 */
public final class StateComparison implements AutoCloseable {
  /** A user not in the state. */
  public static final int NEW = 0;

  /** A user whose row differs from the one last confirmed, or was never confirmed. */
  public static final int CHANGED = 1;

  /** A user whose row is the one the target last confirmed. */
  public static final int UNCHANGED = 2;

  /** {@link #classify} found a {@code user_id} read before. */
  public static final int DUPLICATE = -1;

  // the user table: hi, lo, fingerprint, key hash, flags and payload
  // the table: the id hash, then the meta word (flags and payload); for the state's users only,
  // their fingerprint and key hash, so that a table holding none is 3 words wide
  private static final int W_META = 2;
  private static final int W_FP = 3;
  private static final int W_KEY = 4;
  private static final int NARROW = 3;
  private static final int WIDE = 5;
  private static final long IN_STATE = 1;
  private static final long CONFIRMED = 1 << 1;
  private static final long SEEN = 1 << 2;
  private static final long REJECTED_NOW = 1 << 3;
  private static final long LOOKUP_CHANGED = 1 << 4;
  private static final long NEEDS_NAME = 1 << 5;
  private static final long STAGED = 1 << 6;
  private static final long NAMED = 1 << 7;
  private static final int PAYLOAD_SHIFT = 8;

  // the source entry table: entry hash, then the user's id hash and updated_at
  private static final int S_UID_HI = 2;
  private static final int S_UID_LO = 3;
  private static final int S_UPDATED_AT = 4;

  private final JdbcSyncState state;
  private final RemovalGuard guard;
  private final JdbcSyncState.Meta base;
  private final String keyColumn;
  private final String fullRunReason;
  private final boolean sameKey;
  private final HashTable table;
  // the source entries of confirmed users: entry hash, then the user's id hash and updated_at
  private final HashTable sources;
  private final MessageDigest sha256;
  private final SideFile absentOut;
  private final SideFile lookupOut;
  private final Path dir;
  private final String outputName;
  private final long[] hash = new long[2];
  private boolean running;
  private StateLoad load;

  private long slot = -1;
  private long fingerprint;
  private long keyHash;
  private long updatedAt;
  private boolean firstStaged;
  private long firstPayload;
  private long usersSeen;
  private long absentUsers;
  private long absentKept;
  private long lookupChanges;
  private long namesWanted;

  private Path opsFile;
  private DataOutputStream ops;
  private long opsCount;
  private final NamesFile names;

  /**
   * Starts a comparison: takes the state's lease and starts reading the state, on a thread of its
   * own, while the caller goes on reading its source (see {@link #loading()}).
   *
   * @param state the state; {@code null} to find only the {@code user_id}s read twice
   * @param guard when to refuse an input that would remove too many users
   * @param columns the export's header
   * @param format the export's format
   * @param keyColumn the key column, or {@code null}
   * @param dir where the export and its temporary files go
   * @param outputName the export's file name
   * @param entryHashes whether the export may skip the source entries the state knows: only then
   *     are the state's entry hashes read
   */
  public StateComparison(
      JdbcSyncState state,
      RemovalGuard guard,
      List<String> columns,
      CsvFormat format,
      String keyColumn,
      Path dir,
      String outputName,
      boolean entryHashes)
      throws IOException {
    this.state = state;
    this.guard = guard;
    this.dir = dir;
    this.outputName = outputName;
    this.keyColumn = keyColumn == null ? "" : keyColumn;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
    this.absentOut =
        new SideFile(dir, outputName + ".absent", "user_id", keyColumn == null ? "key" : keyColumn);
    this.lookupOut = new SideFile(dir, outputName + ".lookup-changes", "user_id", "before", "now");
    this.names = new NamesFile(dir, outputName);
    if (state == null) {
      this.base = new JdbcSyncState.Meta(0, 0, List.of(), "", "");
      this.fullRunReason = null;
      this.sameKey = true;
      this.table = new HashTable(dir, outputName, NARROW, 1 << 16);
      this.sources = null;
      return;
    }
    this.base = state.beginRun();
    this.running = true;
    this.fullRunReason = fullRunReason(base, columns, format, this.keyColumn);
    this.sameKey = base.generation() == 0 || base.keyColumn().equals(this.keyColumn);
    HashTable t = null;
    HashTable src = null;
    try {
      t =
          new HashTable(
              dir,
              outputName,
              base.users() == 0 ? NARROW : WIDE,
              Math.max(1 << 16, base.users() + base.users() / 4));
      src =
          fullRunReason == null && entryHashes
              ? new HashTable(dir, outputName, 5, Math.max(1 << 10, base.users()))
              : null;
      HashTable into = t;
      HashTable entries = src;
      this.load =
          new StateLoad(
              state,
              (hi, lo, fp, kh, confirmed, sourceHi, sourceLo, updatedAt) -> {
                long s = into.findOrAdd(hi, lo);
                into.set(s, W_FP, fp);
                into.set(s, W_KEY, kh);
                into.set(s, W_META, IN_STATE | (confirmed ? CONFIRMED : 0));
                if (entries != null && confirmed && (sourceHi | sourceLo) != 0) {
                  long e = entries.findOrAdd(sourceHi, sourceLo);
                  entries.set(e, S_UID_HI, hi);
                  entries.set(e, S_UID_LO, lo);
                  entries.set(e, S_UPDATED_AT, updatedAt);
                }
              });
    } catch (IOException | RuntimeException | Error e) {
      if (t != null) {
        t.close();
      }
      if (src != null) {
        src.close();
      }
      state.endRun();
      running = false;
      throw e;
    }
    this.table = t;
    this.sources = src;
  }

  /**
   * Whether the state is still being read into the table, on a thread of its own: until it is, the
   * caller must not classify users (it may hold them back, see {@link #awaitLoad()}).
   */
  public boolean loading() {
    return load != null && load.running();
  }

  /**
   * Waits until the state is read into the table; throws what reading it threw (as the read would
   * have thrown on the caller's thread).
   */
  public void awaitLoad() {
    if (load != null) {
      load.await();
    }
  }

  private static String fullRunReason(
      JdbcSyncState.Meta meta, List<String> columns, CsvFormat format, String keyColumn) {
    if (meta.generation() == 0) {
      return null;
    }
    if (!meta.columns().equals(columns)) {
      return "the columns changed from " + meta.columns() + " to " + columns;
    }
    if (!meta.format().equals(format.toString())) {
      return "the file format changed from " + meta.format() + " to " + format;
    }
    if (!meta.keyColumn().equals(keyColumn)) {
      return "the key column changed from '" + meta.keyColumn() + "' to '" + keyColumn + "'";
    }
    return null;
  }

  /** Sizes the table of users by the share of the input read ({@link HashTable#growWith}). */
  public void growWith(java.util.function.DoubleSupplier readFraction) {
    table.growWith(readFraction);
  }

  /** How many users the state held when the export began. */
  public long stateUsers() {
    return base.users();
  }

  /** The hash the state keeps of a key value, compared ignoring case. */
  public static long keyHash(String key) {
    return Hash128.hash64(key.toLowerCase(Locale.ROOT));
  }

  /**
   * Classifies a user read: {@link #NEW}, {@link #CHANGED}, {@link #UNCHANGED}, or {@link
   * #DUPLICATE} when its {@code user_id} was read before (the first is kept). The fingerprint is
   * the first 8 bytes of the SHA-256 of the encoded row. Waits for the state to be read first.
   *
   * @param keyHashNow the {@link #keyHash} of the user's key value
   */
  public int classify(String userId, long position, byte[] encoded, int length, long keyHashNow)
      throws IOException {
    awaitLoad();
    Hash128.hash(userId, hash);
    slot = table.findOrAdd(hash[0], hash[1]);
    long meta = table.get(slot, W_META);
    if ((meta & SEEN) != 0) {
      firstStaged = (meta & STAGED) != 0;
      firstPayload = meta >>> PAYLOAD_SHIFT;
      slot = -1;
      return DUPLICATE;
    }
    if ((meta & REJECTED_NOW) == 0) {
      usersSeen++;
    }
    if (state == null) {
      fingerprint = 0;
      keyHash = 0;
      table.set(slot, W_META, meta | SEEN | (position << PAYLOAD_SHIFT));
      return NEW;
    }
    sha256.update(encoded, 0, length);
    byte[] d = sha256.digest();
    long fp = 0;
    for (int i = 0; i < 8; i++) {
      fp = (fp << 8) | (d[i] & 0xFF);
    }
    fingerprint = fp;
    keyHash = keyHashNow;
    int cls;
    if ((meta & IN_STATE) == 0) {
      cls = NEW;
    } else if (fullRunReason != null || (meta & CONFIRMED) == 0 || table.get(slot, W_FP) != fp) {
      cls = CHANGED;
      if (sameKey && table.get(slot, W_KEY) != keyHash) {
        meta |= LOOKUP_CHANGED;
        lookupChanges++;
      }
    } else {
      cls = UNCHANGED;
    }
    table.set(slot, W_META, (meta & 0xFF) | SEEN | (position << PAYLOAD_SHIFT));
    return cls;
  }

  /** Whether the state may know source entries: it has users and this is no full run. */
  public boolean mayKnowEntries() {
    return sources != null && base.users() > 0;
  }

  /**
   * Takes a source entry unparsed if the state knows it: the entry a confirmed user was read from
   * under the same mapping and settings (its hash seeded with them), and that user not read yet in
   * this export. Such a user is unchanged: it is marked read as {@link #classify} would have, and
   * its id hash ({@link #uidHi()}, {@link #uidLo()}), key hash ({@link #keyHashOfLast()}) and
   * {@code updated_at} ({@link #updatedAtOfLast()}) are there for the merge. False, and nothing
   * done, while the state is still being read or when this export is a full run.
   */
  public boolean skipKnown(long sourceHi, long sourceLo, long position) {
    if (sources == null || loading()) {
      return false;
    }
    long e = sources.find(sourceHi, sourceLo);
    if (e < 0) {
      return false;
    }
    long hi = sources.get(e, S_UID_HI);
    long lo = sources.get(e, S_UID_LO);
    long s = table.find(hi, lo);
    if (s < 0) {
      return false;
    }
    long meta = table.get(s, W_META);
    if ((meta & (IN_STATE | CONFIRMED | SEEN)) != (IN_STATE | CONFIRMED)) {
      return false; // read before (a duplicate, reported as such once parsed) or unconfirmed
    }
    if ((meta & REJECTED_NOW) == 0) {
      usersSeen++;
    }
    table.set(s, W_META, (meta & 0xFF) | SEEN | (position << PAYLOAD_SHIFT));
    hash[0] = hi;
    hash[1] = lo;
    fingerprint = table.get(s, W_FP);
    keyHash = table.get(s, W_KEY);
    updatedAt = sources.get(e, S_UPDATED_AT);
    return true;
  }

  /** The {@code updated_at} of the user {@link #skipKnown} took. */
  public long updatedAtOfLast() {
    return updatedAt;
  }

  /**
   * Records the source entry an unchanged user was read from, just classified, if the state holds
   * another: the commit stores it, so that the next export can leave the entry unparsed.
   *
   * @param sourceHi the entry's hash, high word; 0 with {@code sourceLo} when the source gives none
   */
  public void unchangedFrom(String userId, long sourceHi, long sourceLo, long updatedAtNow)
      throws IOException {
    if (sources == null || (sourceHi | sourceLo) == 0) {
      return;
    }
    long e = sources.find(sourceHi, sourceLo);
    if (e >= 0 && sources.get(e, S_UID_HI) == hash[0] && sources.get(e, S_UID_LO) == hash[1]) {
      return;
    }
    op(Comparison.OP_SOURCE, userId);
    ops.writeLong(sourceHi);
    ops.writeLong(sourceLo);
    ops.writeLong(updatedAtNow);
  }

  /**
   * The position of the first user with the id {@link #classify} found again.
   *
   * @param staged where it was staged, if it was
   */
  public long firstPosition(StagedUsers staged) throws IOException {
    return firstStaged ? staged.at(firstPayload).position() : firstPayload;
  }

  /** The fingerprint {@link #classify} computed (0 without a state). */
  public long fingerprint() {
    return fingerprint;
  }

  /** The key hash {@link #classify} computed (0 without a state). */
  public long keyHashOfLast() {
    return keyHash;
  }

  /** The id hash of the last user classified, high word. */
  public long uidHi() {
    return hash[0];
  }

  /** The id hash of the last user classified, low word. */
  public long uidLo() {
    return hash[1];
  }

  /**
   * Records where the last user classified was staged (for its first position if read again, and
   * for its key value if listed).
   */
  public void staged(long offset) {
    long meta = table.get(slot, W_META);
    table.set(slot, W_META, (meta & 0xFF) | STAGED | (offset << PAYLOAD_SHIFT));
  }

  /** A user the export rejected: its state entry stays as it was, and it is not absent. */
  public void rejected(String userId) throws IOException {
    awaitLoad();
    Hash128.hash(userId, hash);
    long s = table.findOrAdd(hash[0], hash[1]);
    long meta = table.get(s, W_META);
    if ((meta & (SEEN | REJECTED_NOW)) == 0) {
      usersSeen++;
    }
    table.set(s, W_META, meta | REJECTED_NOW);
  }

  /** Asks for the id and key value of an unchanged user, by its id hash, from the names pass. */
  public void wantName(long hi, long lo) {
    awaitLoad();
    long s = table.find(hi, lo);
    long meta = table.get(s, W_META);
    if ((meta & NEEDS_NAME) == 0) {
      table.set(s, W_META, meta | NEEDS_NAME);
      namesWanted++;
    }
  }

  /**
   * Ends the read: finds the absent users, applies the removal guard, and reads the state's strings
   * in one pass if anything must be listed.
   *
   * @param entriesRead entries the export read
   * @param malformed entries that could not be read as users
   * @param staged the staged users, for the key values now of users whose key changed
   * @throws MassRemovalException if the guard refuses the input
   */
  public void finish(long entriesRead, long malformed, StagedUsers staged) throws IOException {
    if (state == null) {
      return;
    }
    awaitLoad();
    boolean keepAbsent = malformed > 0 && !guard.allowMassRemoval();
    for (long i = 0, n = table.capacity(); i < n; i++) {
      if (table.used(i) && absent(table.get(i, W_META))) {
        absentUsers++;
      }
    }
    RemovalCheck.check(guard, base.users(), absentUsers, usersSeen, entriesRead, malformed);
    if (absentUsers == 0 && lookupChanges == 0 && namesWanted == 0) {
      return;
    }
    long[] h = new long[2];
    state.names(
        (userId, key) -> {
          Hash128.hash(userId, h);
          long s = table.find(h[0], h[1]);
          if (s < 0) {
            return;
          }
          long meta = table.get(s, W_META);
          if (absent(meta)) {
            absentOut.write(userId, key);
            if (keepAbsent) {
              absentKept++;
            } else {
              op(Comparison.OP_DELETE, userId);
            }
          }
          if ((meta & LOOKUP_CHANGED) != 0) {
            String now = staged.at(meta >>> PAYLOAD_SHIFT).key();
            lookupOut.write(userId, key, now);
          }
          if ((meta & NEEDS_NAME) != 0) {
            long offset = names.add(userId, key);
            table.set(s, W_META, (meta & 0xFF) | NAMED | (offset << PAYLOAD_SHIFT));
          }
        });
    names.seal();
  }

  private static boolean absent(long meta) {
    return (meta & IN_STATE) != 0 && (meta & (SEEN | REJECTED_NOW)) == 0;
  }

  /** The id and key value of an unchanged user asked for with {@link #wantName}. */
  public String[] name(long hi, long lo) throws IOException {
    long s = table.find(hi, lo);
    long meta = s < 0 ? 0 : table.get(s, W_META);
    if ((meta & NAMED) == 0) {
      throw new IOException("the sync state changed while this export read it");
    }
    return names.at(meta >>> PAYLOAD_SHIFT);
  }

  /** An unchanged user merged into another: its flag is cleared at commit. */
  public void mergedAway(String userId) throws IOException {
    if (state != null) {
      op(Comparison.OP_CLEAR, userId);
    }
  }

  private void op(int op, String userId) throws IOException {
    if (ops == null) {
      opsFile = OwnerOnlyFiles.createTemp(dir, outputName, ".ops.sync");
      ops = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(opsFile)));
    }
    ops.writeByte(op);
    Binary.writeString(ops, userId);
    opsCount++;
  }

  /**
   * Gives back the tables' disk once nothing more is classified, named or looked up: after the
   * merge, before the rows are written.
   */
  public void releaseTables() {
    if (load != null && !load.joined()) {
      return; // the state is still being read into them; close() waits for that
    }
    table.close();
    if (sources != null) {
      sources.close();
    }
  }

  /** Moves the side files into place beside the export. */
  public void publish() throws IOException {
    absentOut.publish();
    lookupOut.publish();
  }

  /**
   * The summary an export carries to its commit; from now on the run, the staged users and the
   * operations are the summary's.
   */
  public Comparison summary(
      long newUsers,
      long changedUsers,
      long unchangedUsers,
      StagedUsers staged,
      BitSet notSent,
      int[] partStarts,
      List<Path> files)
      throws IOException {
    if (ops != null) {
      ops.close();
    }
    staged.seal();
    staged.release();
    Comparison c =
        new Comparison(
            state,
            keyColumn,
            base.generation(),
            newUsers,
            changedUsers,
            unchangedUsers,
            absentUsers,
            absentKept,
            lookupChanges,
            absentOut.target(),
            lookupOut.target(),
            fullRunReason,
            staged.file(),
            staged.count(),
            opsFile,
            opsCount,
            notSent,
            partStarts,
            files);
    running = false;
    opsFile = null;
    return c;
  }

  /** Deletes the temporary files and ends the run, unless a summary took them. */
  @Override
  public void close() {
    if (load != null) {
      load.cancel();
    }
    table.close();
    if (sources != null) {
      sources.close();
    }
    absentOut.discard();
    lookupOut.discard();
    if (ops != null) {
      try {
        ops.close();
      } catch (IOException e) {
        // cleaning up
      }
    }
    OwnerOnlyFiles.deleteQuietly(opsFile);
    names.close();
    if (running) {
      running = false;
      state.endRun();
    }
  }
}
