package io.leadbridge.testkit;

import io.leadbridge.testkit.internal.Exchange;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daily API quota of {@link MarketoEmulator}: every REST and bulk call that passes the gate (a
 * valid token, within the rate limits) counts against a limit shared with other integrations, and
 * past it Marketo answers 607. The day is the emulator clock's UTC date (Marketo's resets at
 * midnight in the instance's time zone). Also answers {@code GET /rest/v1/stats/usage.json}, which
 * reports today's calls but not the limit, as Adobe's Usage page describes. Thread-safe.
 */
final class MarketoQuota {
  private final int dailyLimit;
  private final Clock clock;
  private final String apiUser;
  private LocalDate day;
  private long ours;
  private long foreign;

  MarketoQuota(int dailyLimit, long usedByOthers, String apiUser, Clock clock) {
    this.dailyLimit = dailyLimit;
    this.clock = clock;
    this.apiUser = apiUser;
    this.day = today();
    this.foreign = usedByOthers;
  }

  private LocalDate today() {
    return clock.instant().atOffset(ZoneOffset.UTC).toLocalDate();
  }

  private void roll() {
    LocalDate now = today();
    if (!now.equals(day)) {
      day = now;
      ours = 0;
      foreign = 0;
    }
  }

  /** Counts a call; false when the day's quota is used up (607). */
  synchronized boolean take() {
    roll();
    if (ours + foreign >= dailyLimit) {
      return false;
    }
    ours++;
    return true;
  }

  /** Counts calls of other integrations today, up to the limit. */
  synchronized void addForeign(long calls) {
    roll();
    foreign = Math.min(dailyLimit - ours, foreign + calls);
  }

  /** Calls counted today, of every integration. */
  synchronized long usedToday() {
    roll();
    return ours + foreign;
  }

  /** {@code GET /rest/v1/stats/usage.json}: today's calls, in all and per API user. */
  void usage(Exchange ex) throws IOException {
    Map<String, Object> result = new LinkedHashMap<>();
    synchronized (this) {
      roll();
      result.put("date", day.toString());
      result.put("total", ours + foreign);
      Map<String, Object> us = new LinkedHashMap<>();
      us.put("userId", apiUser);
      us.put("count", ours);
      Map<String, Object> others = new LinkedHashMap<>();
      others.put("userId", "other-integrations@example.com");
      others.put("count", foreign);
      result.put("users", List.of(us, others));
    }
    ex.json(200, MarketoImportQueue.success("q" + System.nanoTime() % 100000, result));
  }
}
