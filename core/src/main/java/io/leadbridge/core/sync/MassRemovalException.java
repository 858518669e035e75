package io.leadbridge.core.sync;

/**
 * An export against a {@link SyncState} stopped because its input would have removed too many users
 * from the state (see {@link RemovalGuard}). Nothing was written and the state is as it was. The
 * numbers are counts, never user data.
 *
 * <p>Immutable once thrown.
 */
public class MassRemovalException extends SyncException {
  private static final long serialVersionUID = 1L;

  private final long stateUsers;
  private final long absentUsers;
  private final long usersRead;
  private final long malformedEntries;

  /**
   * Creates the exception.
   *
   * @param message what was refused and how to override it
   * @param stateUsers users in the state
   * @param absentUsers state users missing from the input
   * @param usersRead users the input held
   * @param malformedEntries entries of the input that could not be read
   */
  public MassRemovalException(
      String message, long stateUsers, long absentUsers, long usersRead, long malformedEntries) {
    super(message);
    this.stateUsers = stateUsers;
    this.absentUsers = absentUsers;
    this.usersRead = usersRead;
    this.malformedEntries = malformedEntries;
  }

  /**
   * Users in the state before this run.
   *
   * @return the count
   */
  public long stateUsers() {
    return stateUsers;
  }

  /**
   * Users of the state missing from the input.
   *
   * @return the count
   */
  public long absentUsers() {
    return absentUsers;
  }

  /**
   * Users the input held (read and mapped, whether written or not).
   *
   * @return the count
   */
  public long usersRead() {
    return usersRead;
  }

  /**
   * Entries of the input that could not be read as users.
   *
   * @return the count
   */
  public long malformedEntries() {
    return malformedEntries;
  }
}
