package io.leadbridge.core.internal.select;

import io.leadbridge.core.Merge;
import io.leadbridge.core.MergePolicy;
import io.leadbridge.core.Rejection;
import io.leadbridge.core.internal.Binary;
import io.leadbridge.core.internal.files.SideFile;
import io.leadbridge.core.internal.sort.ExternalSorter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Merges candidates that share a key value (compared ignoring case), by a {@link MergePolicy}: the
 * candidates are sorted by key with each group's winner first, the winner is kept and every other
 * member reported as merged into it; under {@link MergePolicy#REFUSE} a group of two or more is
 * rejected whole. Memory stays within the sort budget whatever the number of users.
 */
final class KeyMerge {
  private static final int REFUSE_LISTED = 5;
  private static final int REFUSE_BUFFER = 64;
  static final long NO_TIME = Long.MIN_VALUE;

  /** A candidate to place in its key group; {@code rank} orders the group's winner first. */
  record KeyRec(String normKey, long rank, long position, int index, String userId, int cls) {}

  /** What the merge decides for each candidate. */
  interface Decisions {
    /** The candidate is its group's winner (or alone): written unless unchanged. */
    void keep(int index, int cls);

    /** The candidate was merged into another, or refused: not written. */
    void drop(int index);
  }

  private final MergePolicy policy;
  private final String keyColumn;
  private final int maxMergesInMemory;
  private final RowSink sink;
  private final ExternalSorter<KeyRec> byKey;
  private final SideFile mergesOut;
  private final List<Merge> merges = new ArrayList<>();
  private long merged;

  KeyMerge(
      MergePolicy policy,
      String keyColumn,
      int maxMergesInMemory,
      RowSink sink,
      Path dir,
      String outputName,
      long sortBufferBytes) {
    this.policy = policy;
    this.keyColumn = keyColumn;
    this.maxMergesInMemory = maxMergesInMemory;
    this.sink = sink;
    this.byKey =
        new ExternalSorter<>(
            dir,
            outputName,
            Comparator.comparing(KeyRec::normKey)
                .thenComparingLong(KeyRec::rank)
                .thenComparingLong(KeyRec::position),
            CODEC,
            sortBufferBytes);
    this.mergesOut =
        new SideFile(dir, outputName + ".merges", "position", "user_id", "kept_user_id", "policy");
  }

  /** Whether the policy needs each user's {@code updated_at}. */
  boolean needsUpdatedAt() {
    return policy == MergePolicy.MOST_RECENTLY_UPDATED;
  }

  /** Places a candidate with a non-blank key in its group. */
  void add(String key, long updatedAt, long position, int index, String userId, int cls)
      throws IOException {
    long rank =
        policy == MergePolicy.MOST_RECENTLY_UPDATED
            ? (updatedAt == NO_TIME ? Long.MAX_VALUE : -updatedAt)
            : 0;
    byKey.add(new KeyRec(key.toLowerCase(Locale.ROOT), rank, position, index, userId, cls));
  }

  /** Decides every group, in key order. */
  void run(Decisions decisions) throws IOException {
    List<KeyRec> held = new ArrayList<>();
    boolean overflow = false;
    KeyRec first = null;
    try (ExternalSorter.Cursor<KeyRec> c = byKey.sorted()) {
      for (KeyRec r; (r = c.next()) != null; ) {
        if (first != null && r.normKey().equals(first.normKey())) {
          if (policy != MergePolicy.REFUSE) {
            loser(r, first, decisions);
          } else if (!overflow && held.size() < REFUSE_BUFFER) {
            held.add(r);
          } else {
            if (!overflow) {
              overflow = true;
              for (KeyRec h : held) {
                refuse(h, held, "more than " + REFUSE_BUFFER, decisions);
              }
            }
            refuse(r, held, "more than " + REFUSE_BUFFER, decisions);
          }
          continue;
        }
        if (first != null && policy == MergePolicy.REFUSE && !overflow) {
          endRefusedGroup(held, decisions);
        }
        first = r;
        held.clear();
        overflow = false;
        if (policy == MergePolicy.REFUSE) {
          held.add(r);
        } else {
          decisions.keep(r.index(), r.cls());
        }
      }
      if (first != null && policy == MergePolicy.REFUSE && !overflow) {
        endRefusedGroup(held, decisions);
      }
    }
  }

  private void loser(KeyRec r, KeyRec winner, Decisions decisions) throws IOException {
    decisions.drop(r.index());
    merged++;
    Merge m =
        new Merge(r.position(), emptyToNull(r.userId()), emptyToNull(winner.userId()), policy);
    if (merges.size() < maxMergesInMemory) {
      merges.add(m);
    }
    mergesOut.write(Long.toString(m.position()), nz(m.userId()), nz(m.keptUserId()), policy.name());
  }

  private void endRefusedGroup(List<KeyRec> held, Decisions decisions) throws IOException {
    if (held.size() == 1) {
      decisions.keep(held.get(0).index(), held.get(0).cls());
      return;
    }
    for (KeyRec h : held) {
      refuse(h, held, Integer.toString(held.size()), decisions);
    }
  }

  private void refuse(KeyRec r, List<KeyRec> group, String size, Decisions decisions)
      throws IOException {
    decisions.drop(r.index());
    List<String> others = new ArrayList<>();
    for (KeyRec g : group) {
      if (g != r && others.size() < REFUSE_LISTED) {
        others.add(
            g.userId() == null || g.userId().isEmpty() ? "position " + g.position() : g.userId());
      }
    }
    sink.reject(
        new Rejection(
            r.position(),
            emptyToNull(r.userId()),
            Rejection.Reason.DUPLICATE_KEY,
            size
                + " users share this value of '"
                + keyColumn
                + "' (also "
                + String.join(", ", others)
                + "); the merge policy REFUSE writes none of them"));
  }

  long merged() {
    return merged;
  }

  List<Merge> merges() {
    return merges;
  }

  /** Moves the merges side file into place; returns it, or {@code null} when nobody merged. */
  Path publish() throws IOException {
    return mergesOut.publish();
  }

  /** Deletes the temporary files. */
  void discard() throws IOException {
    byKey.close();
    mergesOut.discard();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static final ExternalSorter.Codec<KeyRec> CODEC =
      new ExternalSorter.Codec<>() {
        @Override
        public void write(DataOutputStream out, KeyRec r) throws IOException {
          Binary.writeString(out, r.normKey());
          out.writeLong(r.rank());
          Binary.writeVarLong(out, r.position());
          Binary.writeVarLong(out, r.index());
          Binary.writeString(out, r.userId());
          out.writeByte(r.cls());
        }

        @Override
        public KeyRec read(DataInputStream in) throws IOException {
          return new KeyRec(
              Binary.readString(in),
              in.readLong(),
              Binary.readVarLong(in),
              (int) Binary.readVarLong(in),
              Binary.readString(in),
              in.readUnsignedByte());
        }

        @Override
        public long heapBytes(KeyRec r) {
          return 56
              + 48
              + r.normKey().length()
              + 48
              + (r.userId() == null ? 0 : r.userId().length());
        }
      };
}
