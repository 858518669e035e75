package io.leadbridge.core.internal.sync;

/**
 * The state's bulk read, on threads of its own while the export goes on reading its source: one
 * thread decodes the users from the database, another hands them to the comparison's tables ({@link
 * LoadPipe}). The export asks whether the read is {@link #running()}, waits for it with {@link
 * #await()}, or stops it with {@link #cancel()} when it ends first.
 */
final class StateLoad {
  private final Thread reader;
  private volatile boolean done;
  private volatile boolean cancelled;
  private Throwable failure; // read after the reader is joined
  private boolean joined;

  /**
   * Starts reading.
   *
   * @param state the state to read
   * @param into what each user is handed to, on the filling thread
   */
  StateLoad(JdbcSyncState state, JdbcSyncState.Loaded into) {
    this.reader =
        new Thread(
            () -> {
              // decoding the users and filling the tables take about as long: two threads
              try (LoadPipe pipe = new LoadPipe(into, "leadbridge-sync-state-fill")) {
                state.load(
                    (hi, lo, fp, kh, confirmed, sourceHi, sourceLo, updatedAt) -> {
                      if (cancelled) {
                        throw new Cancelled();
                      }
                      pipe.user(hi, lo, fp, kh, confirmed, sourceHi, sourceLo, updatedAt);
                    });
                pipe.finish();
              } catch (Throwable e) {
                failure = e;
              } finally {
                done = true;
              }
            },
            "leadbridge-sync-state-read");
    reader.setDaemon(true);
    reader.start();
  }

  /** Stops the reading of the state from within its callback. */
  private static final class Cancelled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Cancelled() {
      super("the export ended before the sync state was read", null, false, false);
    }
  }

  /** Whether the users are still being read: until they are, the tables are not to be read. */
  boolean running() {
    return !done;
  }

  /**
   * Waits until every user is in the tables; throws what reading them threw (as the read would have
   * thrown on the caller's thread), once.
   */
  void await() {
    if (joined) {
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        reader.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // the read cannot be interrupted; the caller sees the flag after it
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    joined = true;
    Throwable f = failure;
    failure = null;
    if (f instanceof RuntimeException) {
      throw (RuntimeException) f;
    }
    if (f instanceof Error) {
      throw (Error) f;
    }
    if (f != null) {
      throw new IllegalStateException("Reading the sync state failed: " + f, f);
    }
  }

  /** Stops the read at its next user and waits for it; what it threw no longer counts. */
  void cancel() {
    cancelled = true;
    try {
      await();
    } catch (RuntimeException | Error e) {
      // the export ended first; what it ended with is what counts
    }
  }

  /** Whether the read is over and joined: the tables are the caller's alone. */
  boolean joined() {
    return joined;
  }
}
