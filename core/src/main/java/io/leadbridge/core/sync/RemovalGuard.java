package io.leadbridge.core.sync;

/**
 * When an export against a {@link SyncState} refuses to go on because its input looks wrong: a
 * truncated download, an empty file or a file in another format would otherwise mark most users
 * "absent", the commit would drop them from the state, and the next run would send the whole tenant
 * again as new.
 *
 * <p>Unless mass removal is allowed, the export stops with a {@link MassRemovalException}, writing
 * nothing, when the state holds users and
 *
 * <ul>
 *   <li>the input held no user that could be read, or
 *   <li>more than {@code maxAbsentShare} of the state's users are missing from the input, or
 *   <li>more than {@code maxMalformedShare} of the input's entries are malformed.
 * </ul>
 *
 * <p>And when the input had any malformed entry, users missing from it stay in the state at commit
 * (a malformed line may have been one of them): only a clean input removes users, unless mass
 * removal is allowed.
 *
 * <pre>{@code
 * UserExporter.builder().mapping(mapping).removalGuard(RemovalGuard.defaults())   // the default
 * UserExporter.builder().mapping(mapping).removalGuard(RemovalGuard.allowingMassRemoval())
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxAbsentShare the largest share of the state's users that may be missing from one input,
 *     from 0 to 1
 * @param maxMalformedShare the largest share of an input's entries that may be malformed, from 0 to
 *     1
 * @param allowMassRemoval true to accept any input: absent users leave the state whatever their
 *     number, even after malformed input
 */
public record RemovalGuard(
    double maxAbsentShare, double maxMalformedShare, boolean allowMassRemoval) {

  /**
   * Validates the shares.
   *
   * @param maxAbsentShare from 0 to 1
   * @param maxMalformedShare from 0 to 1
   * @param allowMassRemoval true to accept any input
   */
  public RemovalGuard {
    if (!(maxAbsentShare >= 0 && maxAbsentShare <= 1)
        || !(maxMalformedShare >= 0 && maxMalformedShare <= 1)) {
      throw new IllegalArgumentException(
          "The shares of a removal guard are fractions from 0 to 1, e.g. 0.5 for half.");
    }
  }

  /**
   * The default: refuse when more than half of the state's users would leave, or more than 5% of
   * the entries are malformed, or nothing could be read.
   *
   * @return the default guard
   */
  public static RemovalGuard defaults() {
    return new RemovalGuard(0.5, 0.05, false);
  }

  /**
   * No guard: for the run after a real mass removal (a tenant cleaned up), or a deliberate reset.
   *
   * @return a guard that accepts every input
   */
  public static RemovalGuard allowingMassRemoval() {
    return new RemovalGuard(1, 1, true);
  }
}
