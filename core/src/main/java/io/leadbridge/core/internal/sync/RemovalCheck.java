package io.leadbridge.core.internal.sync;

import io.leadbridge.core.sync.MassRemovalException;
import io.leadbridge.core.sync.RemovalGuard;

/** Applies a {@link RemovalGuard} to the counts of a comparison, whatever stores the state. */
public final class RemovalCheck {
  private RemovalCheck() {}

  /**
   * Refuses an input that would remove too many users from a state.
   *
   * @param guard the limits
   * @param stateUsers users in the state before this run
   * @param absent state users missing from the input
   * @param usersSeen users of the input the comparison saw (with a {@code user_id})
   * @param entriesRead entries the input held
   * @param malformed entries that could not be read as users
   * @throws MassRemovalException if the guard refuses
   */
  public static void check(
      RemovalGuard guard,
      long stateUsers,
      long absent,
      long usersSeen,
      long entriesRead,
      long malformed) {
    if (guard.allowMassRemoval() || stateUsers == 0) {
      return;
    }
    String what;
    if (usersSeen == 0) {
      what =
          "the input held no user that could be read ("
              + entriesRead
              + (entriesRead == 1 ? " entry, " : " entries, ")
              + malformed
              + " malformed), so all "
              + stateUsers
              + " users of the state would be removed";
    } else if (absent > guard.maxAbsentShare() * stateUsers) {
      what =
          absent
              + " of the state's "
              + stateUsers
              + " users ("
              + percent(absent, stateUsers)
              + ") are missing from the input, more than the "
              + percent(guard.maxAbsentShare())
              + " allowed";
    } else if (entriesRead > 0 && malformed > guard.maxMalformedShare() * entriesRead) {
      what =
          malformed
              + " of the input's "
              + entriesRead
              + " entries ("
              + percent(malformed, entriesRead)
              + ") are malformed, more than the "
              + percent(guard.maxMalformedShare())
              + " allowed";
    } else {
      return;
    }
    throw new MassRemovalException(
        "Refusing to sync: "
            + what
            + ". The input may be truncated, empty or in another format. Nothing was written and"
            + " the sync state is unchanged. If these users really left, run again allowing mass"
            + " removal (RemovalGuard.allowingMassRemoval(), or --allow-mass-removal).",
        stateUsers,
        absent,
        usersSeen,
        malformed);
  }

  private static String percent(long part, long whole) {
    return percent((double) part / whole);
  }

  private static String percent(double share) {
    double p = share * 100;
    return (p == Math.rint(p)
            ? String.valueOf((long) p)
            : String.format(java.util.Locale.ROOT, "%.1f", p))
        + "%";
  }
}
