package io.leadbridge.marketo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When each batch is polled: near its predicted end, never long past it once a rate is known. */
class BatchPollsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final BatchPolls polls = new BatchPolls(Duration.ofSeconds(5), Duration.ofSeconds(30));

  private static Instant at(double seconds) {
    return T0.plusNanos((long) (seconds * 1e9));
  }

  private static BatchStatus importing(long done) {
    return new BatchStatus(1, Optional.empty(), BatchStatus.State.IMPORTING, done, 0, 0, "");
  }

  private static BatchStatus queued() {
    return new BatchStatus(1, Optional.empty(), BatchStatus.State.QUEUED, 0, 0, 0, "");
  }

  /** Polls a batch of linear progress until its end; returns the polls and where the last fell. */
  private double[] follow(BatchPolls.Track t, double start, double end, long rows) {
    int n = 0;
    while (true) {
      double now = Duration.between(T0, t.next).toNanos() / 1e9;
      n++;
      if (now >= end) {
        return new double[] {n, now - end};
      }
      long done = now < start ? 0 : (long) (rows * (now - start) / (end - start));
      polls.read(t, t.next, now < start ? queued() : importing(done));
      assertThat(n).as("polls").isLessThan(50);
    }
  }

  @Test
  void theFirstBatchTakesTwoReadingsThenPollsAtItsEnd() {
    BatchPolls.Track t = polls.start(118_000, T0, false);
    assertThat(t.next).isEqualTo(at(5));
    double[] r = follow(t, 0, 23.6, 118_000);
    assertThat(r[0]).isEqualTo(3); // at 5 s, at 10 s, and just past 23.6 s
    assertThat(r[1]).isBetween(0.0, 1.0);
    assertThat(polls.rowsPerSecond()).isCloseTo(5_000, org.assertj.core.data.Offset.offset(5.0));
  }

  @Test
  void onceTheRateIsKnownABatchStartedAtOnceCostsOnePoll() {
    follow(polls.start(118_000, T0, false), 0, 23.6, 118_000);
    BatchPolls.Track next = polls.start(100_000, at(24), false);
    double[] r = follow(next, 24, 44, 100_000);
    assertThat(r[0]).isEqualTo(1);
    assertThat(r[1]).isBetween(0.0, 1.0);
  }

  @Test
  void aBatchThatStartedLateIsNotMistakenForASlowOne() {
    BatchPolls.Track t = polls.start(100_000, T0, false);
    double[] r = follow(t, 4.9, 24.9, 100_000);
    assertThat(r[0]).isLessThanOrEqualTo(3);
    assertThat(r[1]).isBetween(0.0, 1.0);
  }

  @Test
  void aQueuedBatchIsPolledAtGrowingIntervalsUpToTheMaximum() {
    BatchPolls.Track t = polls.start(1_000, T0, false);
    Instant now = t.next;
    Duration previous = Duration.ZERO;
    for (int i = 0; i < 8; i++) {
      polls.read(t, now, queued());
      Duration wait = Duration.between(now, t.next);
      assertThat(wait).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(Duration.ofSeconds(30));
      previous = wait;
      now = t.next;
    }
    assertThat(previous).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aBatchSlowerThanPredictedIsPolledAgainAtItsCorrectedEnd() {
    follow(polls.start(100_000, T0, false), 0, 20, 100_000); // 5,000 rows/s
    BatchPolls.Track t = polls.start(100_000, at(21), false);
    assertThat(t.next).isBetween(at(41), at(42));
    // it runs at half the speed: half done at the predicted end, then read again at the end its
    // own rate gives
    double[] r = follow(t, 21, 61, 100_000);
    assertThat(r[0]).isEqualTo(3);
    assertThat(r[1]).isBetween(0.0, 1.0);
    assertThat(polls.rowsPerSecond()).isCloseTo(2_500, org.assertj.core.data.Offset.offset(5.0));
  }

  @Test
  void aBatchWhoseRowsAreUnknownIsPolledEveryMinimumInterval() {
    BatchPolls.Track t = polls.start(-1, T0, true);
    polls.read(t, t.next, importing(10));
    assertThat(Duration.between(at(5), t.next)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void noWaitIsLongerThanTenMaximumIntervals() {
    BatchPolls.Track t = polls.start(100_000_000, T0, false);
    polls.read(t, at(5), importing(500));
    polls.read(t, at(10), importing(1_000));
    assertThat(Duration.between(at(10), t.next)).isEqualTo(Duration.ofSeconds(300));
  }
}
