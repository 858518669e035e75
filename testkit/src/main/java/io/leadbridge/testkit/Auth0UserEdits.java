package io.leadbridge.testkit;

import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The profile edits of {@link Auth0Emulator#updateUsers}: picks users and keeps only the fields it
 * changed, by {@code user_id}. Thread-safe: edits are made one at a time and published whole.
 */
final class Auth0UserEdits {
  private final Iterable<? extends Map<String, ?>> users;
  private final Clock clock;
  private final Object editLock = new Object();

  /**
   * The fields {@link #update} changed, by {@code user_id}: immutable, replaced as a whole and read
   * once by each job, so downloads never see half an update.
   */
  private volatile Map<String, Map<String, String>> edits = Map.of();

  Auth0UserEdits(Iterable<? extends Map<String, ?>> users, Clock clock) {
    this.users = users;
    this.clock = clock;
  }

  /** The edits made so far; immutable. */
  Map<String, Map<String, String>> current() {
    return edits;
  }

  /** See {@link Auth0Emulator#updateUsers}. */
  List<String> update(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative.");
    }
    synchronized (editLock) {
      Map<String, Map<String, String>> before = edits;
      String now = Auth0Times.format(clock.instant());
      // users that may change, by whether they were changed before: [0] not yet, [1] already
      long[] editable = new long[2];
      for (Map<String, ?> user : users) {
        String id = editableId(user);
        if (id != null) {
          editable[before.containsKey(id) ? 1 : 0]++;
        }
      }
      Set<String> shared = new HashSet<>(); // user_ids found on more than one user
      while (true) {
        long available = editable[0] + editable[1];
        if (available < count) {
          throw new IllegalArgumentException(
              "Cannot change "
                  + count
                  + " users: only "
                  + available
                  + " users have an email and a user_id that no other user has. Ask for at most "
                  + available
                  + ", or start the emulator with more such users.");
        }
        if (count == 0) {
          return List.of();
        }
        Map<String, Map<String, String>> picked = pick(count, before, shared, editable, now);
        // a user_id on two users would change both: leave such ids out and pick again
        Map<String, long[]> seen = new HashMap<>();
        picked.keySet().forEach(id -> seen.put(id, new long[2]));
        for (Map<String, ?> user : users) {
          long[] n = seen.get(user.get("user_id"));
          if (n != null) {
            n[0]++;
            n[1] += editableId(user) != null ? 1 : 0;
          }
        }
        boolean unique = true;
        for (Map.Entry<String, long[]> e : seen.entrySet()) {
          if (e.getValue()[0] > 1) {
            unique = false;
            shared.add(e.getKey());
            editable[before.containsKey(e.getKey()) ? 1 : 0] -= e.getValue()[1];
          }
        }
        if (unique) {
          if (picked.size() < count) {
            throw new IllegalStateException(
                "Found "
                    + picked.size()
                    + " of "
                    + count
                    + " users to change on a second read of the users: give the emulator users"
                    + " that are the same on every read.");
          }
          Map<String, Map<String, String>> after = new HashMap<>(before);
          after.putAll(picked);
          edits = Map.copyOf(after);
          return List.copyOf(picked.keySet());
        }
      }
    }
  }

  /**
   * Picks users for {@link #update}: first those not changed before, then those that were, each
   * group at positions spread evenly over its users; returns their new fields by user_id, in export
   * order.
   */
  private Map<String, Map<String, String>> pick(
      int count,
      Map<String, Map<String, String>> before,
      Set<String> shared,
      long[] editable,
      String now) {
    int[] want = {(int) Math.min(count, editable[0]), 0};
    want[1] = count - want[0];
    long[] seen = new long[2];
    int[] took = new int[2];
    Map<String, Map<String, String>> picked = new LinkedHashMap<>();
    for (Iterator<? extends Map<String, ?>> it = users.iterator();
        it.hasNext() && picked.size() < count; ) {
      Map<String, ?> user = it.next();
      String id = editableId(user);
      if (id == null || shared.contains(id)) {
        continue;
      }
      int group = before.containsKey(id) ? 1 : 0;
      long position = seen[group]++;
      if (took[group] == want[group]
          || position < spread(took[group], want[group], editable[group])
          || picked.containsKey(id)) {
        continue;
      }
      took[group]++;
      Map<String, ?> current = group == 1 ? before.get(id) : user; // what exports serve now
      Object given = current.get("given_name");
      Object family = current.get("family_name");
      int hash = id.hashCode();
      picked.put(
          id,
          Map.of(
              "given_name",
              SyntheticUsers.otherGivenName(given, hash),
              "family_name",
              SyntheticUsers.otherFamilyName(family, Integer.rotateLeft(hash, 16)),
              "updated_at",
              now));
    }
    return picked;
  }

  /** The {@code k}th of {@code n} positions spread evenly over {@code total}: its part's middle. */
  private static long spread(int k, int n, long total) {
    return (2L * k + 1) * total / (2L * n);
  }

  /** The user's {@code user_id} if {@link #update} may change it: it has a non-blank email. */
  private static String editableId(Map<String, ?> user) {
    Object id = user.get("user_id");
    Object email = user.get("email");
    return id instanceof String && email instanceof String && !((String) email).isBlank()
        ? (String) id
        : null;
  }
}
