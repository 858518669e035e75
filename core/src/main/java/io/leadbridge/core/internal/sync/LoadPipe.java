package io.leadbridge.core.internal.sync;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hands the users of the state's bulk read to another {@link JdbcSyncState.Loaded} on a thread of
 * its own, in batches of longs, so that decoding the next users from the database and filling the
 * comparison's tables with the last ones overlap: each was about half of the read. The users reach
 * the other side in the order they were read. Three batches of {@value #ROWS} users circulate, 200
 * KB each: the heap stays flat.
 *
 * <p>One thread calls {@link #user}, then {@link #finish()} once the read is over, and in any case
 * {@link #close()}. What the other side throws is rethrown to the reading thread, at its next user
 * or at {@link #finish()}.
 */
final class LoadPipe implements JdbcSyncState.Loaded, AutoCloseable {
  private static final int ROWS = 4096;
  private static final int WIDTH = 8;
  private static final int BATCHES = 3;

  /** The end of the users, on the queue of full batches. */
  private static final long[] END = new long[0];

  private final JdbcSyncState.Loaded into;
  private final BlockingQueue<long[]> full = new ArrayBlockingQueue<>(BATCHES + 1);
  private final BlockingQueue<long[]> free = new ArrayBlockingQueue<>(BATCHES);
  private final Thread filler;
  private volatile Throwable failure;
  private long[] batch;
  private int rows;
  private boolean ended;

  /**
   * Starts the other side's thread.
   *
   * @param into what each user is handed to, on that thread
   * @param threadName its name
   */
  LoadPipe(JdbcSyncState.Loaded into, String threadName) {
    this.into = into;
    for (int i = 0; i < BATCHES - 1; i++) {
      free.add(new long[ROWS * WIDTH + 1]);
    }
    this.batch = new long[ROWS * WIDTH + 1];
    this.filler = new Thread(this::fill, threadName);
    filler.setDaemon(true);
    filler.start();
  }

  @Override
  public void user(
      long uidHi,
      long uidLo,
      long fingerprint,
      long keyHash,
      boolean confirmed,
      long sourceHi,
      long sourceLo,
      long updatedAt)
      throws IOException {
    int at = rows * WIDTH;
    long[] b = batch;
    b[at] = uidHi;
    b[at + 1] = uidLo;
    b[at + 2] = fingerprint;
    b[at + 3] = keyHash;
    b[at + 4] = confirmed ? 1 : 0;
    b[at + 5] = sourceHi;
    b[at + 6] = sourceLo;
    b[at + 7] = updatedAt;
    if (++rows == ROWS) {
      hand();
    }
  }

  /** Sends the batch to the other side and takes an empty one. */
  private void hand() throws IOException {
    rethrow();
    batch[ROWS * WIDTH] = rows;
    try {
      full.put(batch);
      batch = free.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading the sync state", e);
    }
    rows = 0;
  }

  /** Hands over the last users and waits until the other side has taken them all. */
  void finish() throws IOException {
    if (rows > 0) {
      hand();
    }
    end();
    rethrow();
  }

  private void rethrow() throws IOException {
    Throwable t = failure;
    if (t instanceof IOException) {
      throw (IOException) t;
    }
    if (t instanceof RuntimeException) {
      throw (RuntimeException) t;
    }
    if (t instanceof Error) {
      throw (Error) t;
    }
  }

  /** Tells the other side that no more users come, and waits for its thread to end. */
  private void end() {
    if (ended) {
      return;
    }
    ended = true;
    boolean interrupted = false;
    while (true) {
      try {
        full.put(END);
        filler.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // the other side ends by itself once it takes END
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The other side: fills until {@link #END}; after a failure, only gives the batches back. */
  private void fill() {
    try {
      while (true) {
        long[] b = full.take();
        if (b == END) {
          return;
        }
        if (failure == null) {
          try {
            int n = (int) b[ROWS * WIDTH];
            for (int at = 0; at < n * WIDTH; at += WIDTH) {
              into.user(
                  b[at],
                  b[at + 1],
                  b[at + 2],
                  b[at + 3],
                  b[at + 4] != 0,
                  b[at + 5],
                  b[at + 6],
                  b[at + 7]);
            }
          } catch (Throwable t) {
            failure = t;
          }
        }
        free.put(b);
      }
    } catch (InterruptedException e) {
      // only the JVM's end interrupts this daemon thread
    }
  }

  /** Ends the other side's thread, whether or not the read finished. */
  @Override
  public void close() {
    end();
  }
}
