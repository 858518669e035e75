package io.leadbridge.marketo;

import java.time.Duration;
import java.time.Instant;

/**
 * When to poll each batch of an import: near the moment it should end, predicted from its own
 * progress ({@code numOfLeadsProcessed} and {@code numOfRowsFailed} over time) and from the import
 * rate its earlier batches showed, so that a batch costs about one poll once the rate is known and
 * its end is then passed by at most one {@link #shortPoll() short poll}. Every poll counts against
 * the daily quota; Adobe's <a
 * href="https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-import/bulk-lead-import">Bulk
 * Lead Import</a> page describes the status and its counts.
 *
 * <ul>
 *   <li>Just uploaded: at the end its rows take at the known rate, as if it started at once; with
 *       no rate known yet, after {@code minPollInterval}.
 *   <li>Queued, or importing with nothing processed yet: every {@code minPollInterval}, the wait
 *       growing by half up to {@code maxPollInterval} while it does not move.
 *   <li>Importing: at the end its remaining rows take, at its own rate between two readings, else
 *       at the rate of the run's earlier batches, plus a slack of 1 % of the wait (between 200 ms
 *       and one short poll). With one reading and no rate yet, it takes a second reading: half-way
 *       to the end the batch would reach had it started at its upload (it cannot end sooner), or
 *       after {@code minPollInterval} when that comes first (a batch that started late seems slow
 *       from one reading).
 *   <li>At or past the predicted end and still importing: again at the corrected end, at least one
 *       short poll later.
 * </ul>
 *
 * <p>No wait is longer than ten times {@code maxPollInterval}, so that a batch Marketo fails early
 * is seen within minutes. Not thread-safe: one per run.
 */
final class BatchPolls {
  private static final Duration MIN_SLACK = Duration.ofMillis(200);

  private final Duration minPoll;
  private final Duration maxPoll;
  private final Duration shortPoll;
  private final Duration longest;
  private double rowsPerSecond; // per batch, learned from this run's batches; 0 until known

  /** One batch's readings. */
  static final class Track {
    final long rows;
    final Instant uploadedAt;
    Instant next;
    Duration queuedWait;
    Instant firstAt;
    long firstDone;
    Instant lastAt;
    long lastDone;

    Track(long rows, Instant uploadedAt) {
      this.rows = rows;
      this.uploadedAt = uploadedAt;
    }
  }

  BatchPolls(Duration minPoll, Duration maxPoll) {
    this.minPoll = minPoll;
    this.maxPoll = maxPoll;
    Duration fifth = minPoll.dividedBy(5);
    this.shortPoll = fifth.compareTo(Duration.ofSeconds(1)) > 0 ? fifth : Duration.ofSeconds(1);
    this.longest = maxPoll.multipliedBy(10);
  }

  /** The wait after a predicted end that was not yet reached. */
  Duration shortPoll() {
    return shortPoll;
  }

  /** The rate learned so far, rows per second per batch; 0 when none. */
  double rowsPerSecond() {
    return rowsPerSecond;
  }

  /**
   * A batch just uploaded, or found in the journal.
   *
   * @param rows its rows, or -1 when unknown
   * @param uploadedAt when it was uploaded, or when the run found it
   * @param resumed whether an earlier run uploaded it (it may be anywhere in its import)
   */
  Track start(long rows, Instant uploadedAt, boolean resumed) {
    Track t = new Track(rows, uploadedAt);
    if (!resumed && rowsPerSecond > 0 && rows > 0) {
      t.next = uploadedAt.plus(withSlack(seconds(rows / rowsPerSecond)));
    } else {
      t.next = uploadedAt.plus(minPoll);
    }
    return t;
  }

  /**
   * Notes a reading of an unfinished batch and sets its next poll.
   *
   * @param t the batch
   * @param now when it was read
   * @param status what Marketo said
   */
  void read(Track t, Instant now, BatchStatus status) {
    long done = status.leadsProcessed() + status.rowsFailed();
    if (status.state() != BatchStatus.State.IMPORTING || done == 0) {
      t.queuedWait =
          t.queuedWait == null ? minPoll : min(maxPoll, t.queuedWait.multipliedBy(3).dividedBy(2));
      t.next = now.plus(t.queuedWait);
      return;
    }
    t.queuedWait = null;
    if (t.firstAt == null) {
      t.firstAt = now;
      t.firstDone = done;
    }
    t.lastAt = now;
    t.lastDone = done;
    double own = 0;
    double elapsed = seconds(t.firstAt, t.lastAt);
    if (elapsed > 0 && t.lastDone > t.firstDone) {
      own = (t.lastDone - t.firstDone) / elapsed;
      rowsPerSecond = own;
    }
    long remaining = t.rows < 0 ? -1 : Math.max(0, t.rows - done);
    if (remaining < 0) {
      t.next = now.plus(minPoll); // rows unknown: no end to predict
      return;
    }
    double rate = own > 0 ? own : rowsPerSecond;
    Duration wait;
    if (rate > 0) {
      wait = withSlack(seconds(remaining / rate));
    } else {
      // one reading, no rate: take a second one soon. As if it started at its upload, the batch
      // cannot end before it would at that rate; poll half-way there, or after minPollInterval
      // when that is sooner (a batch that started late seems slow from one reading).
      double sinceUpload = seconds(t.uploadedAt, now);
      double slowest = sinceUpload > 0 ? done / sinceUpload : 0;
      wait = slowest > 0 ? min(minPoll, seconds(remaining / slowest / 2)) : minPoll;
    }
    t.next = now.plus(clamp(wait));
  }

  private Duration clamp(Duration wait) {
    if (wait.compareTo(shortPoll) < 0) {
      return shortPoll;
    }
    return wait.compareTo(longest) > 0 ? longest : wait;
  }

  private Duration withSlack(Duration wait) {
    Duration slack = wait.dividedBy(100);
    if (slack.compareTo(MIN_SLACK) < 0) {
      slack = MIN_SLACK;
    }
    if (slack.compareTo(shortPoll) > 0) {
      slack = shortPoll;
    }
    return wait.plus(slack);
  }

  private static Duration seconds(double s) {
    return Duration.ofNanos((long) Math.ceil(Math.min(s, 1e9) * 1e9));
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e9;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
