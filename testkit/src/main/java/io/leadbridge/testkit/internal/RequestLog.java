package io.leadbridge.testkit.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every request an emulator received, in order of arrival: an entry is made when the request has
 * been read, before it is answered, and completed with the status of its answer. Thread-safe.
 *
 * @param <E> the service's endpoints
 */
public final class RequestLog<E extends Enum<E>> {

  /** The status of an entry whose request is still being answered. */
  public static final int PENDING = -1;

  /**
   * One request. Immutable.
   *
   * @param endpoint what it was for
   * @param method the HTTP method
   * @param path the raw path, without the query
   * @param query the raw query, or {@code null}
   * @param headers the headers, names in lower case; unmodifiable
   * @param body the body as UTF-8 text, or {@code null} when the emulator keeps no bodies
   * @param bodyBytes the size of the body
   * @param status the status code of the answer; 0 if the connection was dropped, {@link #PENDING}
   *     while it is being answered
   * @param received when it arrived, by the emulator's clock
   */
  public record Entry<E>(
      E endpoint,
      String method,
      String path,
      String query,
      Map<String, List<String>> headers,
      String body,
      long bodyBytes,
      int status,
      Instant received) {

    /**
     * Whether the request has been answered or dropped.
     *
     * @return {@code false} while it is being answered
     */
    public boolean finished() {
      return status != PENDING;
    }

    Entry<E> withStatus(int status) {
      return new Entry<>(endpoint, method, path, query, headers, body, bodyBytes, status, received);
    }
  }

  /** How long {@link #answered()} waits at most for requests still being answered. */
  private static final long SETTLE_NANOS = 2_000_000_000L;

  private final Map<Long, Entry<E>> entries = new ConcurrentSkipListMap<>();
  private final AtomicLong arrivals = new AtomicLong();
  private final AtomicInteger pending = new AtomicInteger();

  RequestLog() {}

  /** Records a request that has arrived; returns its number, for {@link #finish}. */
  long begin(Entry<E> entry) {
    long seq = arrivals.incrementAndGet();
    pending.incrementAndGet();
    entries.put(seq, entry);
    return seq;
  }

  /** Completes the entry of a request with the status of its answer, 0 if none was sent. */
  void finish(long seq, int status) {
    entries.computeIfPresent(seq, (k, e) -> e.withStatus(status));
    pending.decrementAndGet();
  }

  /**
   * Every request received so far, those still being answered included.
   *
   * @return a snapshot, in order of arrival
   */
  public List<Entry<E>> all() {
    return List.copyOf(entries.values());
  }

  /**
   * The requests answered (or dropped) so far. A client can have its whole answer before the server
   * thread has completed the entry: this waits, briefly and bounded, for the requests still being
   * answered, so that a snapshot taken after a call returned holds that call.
   *
   * @return a snapshot, in order of arrival
   */
  public List<Entry<E>> answered() {
    long deadline = System.nanoTime() + SETTLE_NANOS;
    while (pending.get() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    List<Entry<E>> out = new ArrayList<>();
    for (Entry<E> e : entries.values()) {
      if (e.finished()) {
        out.add(e);
      }
    }
    return out;
  }
}
