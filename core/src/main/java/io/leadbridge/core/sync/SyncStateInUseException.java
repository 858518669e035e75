package io.leadbridge.core.sync;

/**
 * Another run holds the {@link SyncState} this run would compare with or commit to: a second export
 * at the same time is refused before it reads anything, and the state is unchanged. The message
 * names the holder (process id, host, since when), never credentials. A holder that died loses its
 * hold by itself: the embedded store's lock goes with its process, PostgreSQL's with its
 * connection.
 *
 * <p>Immutable once thrown.
 */
public class SyncStateInUseException extends SyncException {
  private static final long serialVersionUID = 1L;

  private final String holder;

  /**
   * Creates the exception.
   *
   * @param message who holds the state and what to do
   * @param holder who holds it, e.g. {@code pid 4242 on worker-2 since 2026-11-24T02:00:03Z}; empty
   *     if not known
   */
  public SyncStateInUseException(String message, String holder) {
    super(message);
    this.holder = holder == null ? "" : holder;
  }

  /**
   * Who holds the state and since when, as the holder recorded it.
   *
   * @return the holder, or an empty string if not known
   */
  public String holder() {
    return holder;
  }
}
