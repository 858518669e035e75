package io.leadbridge.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Shows progress a person can follow: on a terminal, one live line per stage rewritten in place;
 * otherwise a plain line at most every few seconds, so a log file stays readable.
 */
final class Progress {
  private final PrintStream out;
  private final boolean terminal;
  private final Clock clock;
  private final Duration interval;
  private Instant last = Instant.EPOCH;
  private String stage;
  private int lastWidth;

  Progress(PrintStream out, boolean terminal, Clock clock) {
    this.out = out;
    this.terminal = terminal;
    this.clock = clock;
    this.interval = terminal ? Duration.ofMillis(100) : Duration.ofSeconds(5);
  }

  /**
   * Starts a stage: ends any live line and prints the stage's title; {@code tag} prefixes log
   * lines.
   */
  synchronized void stage(String tag, String title) {
    endLine();
    stage = tag;
    out.println("== " + title);
    last = Instant.EPOCH;
  }

  /** Reports progress within the stage; shown if enough time has passed (or {@code force}). */
  synchronized void update(String text, boolean force) {
    Instant now = clock.instant();
    if (!force && Duration.between(last, now).compareTo(interval) < 0) {
      return;
    }
    last = now;
    if (terminal) {
      String line = "   " + text;
      int pad = Math.max(0, lastWidth - line.length());
      out.print("\r" + line + " ".repeat(pad));
      lastWidth = line.length();
      out.flush();
    } else {
      out.println("   [" + stage + "] " + text);
    }
  }

  /** Prints a line that stays, after any live line. */
  synchronized void line(String text) {
    endLine();
    out.println("   " + text);
  }

  private void endLine() {
    if (terminal && lastWidth > 0) {
      out.println();
      lastWidth = 0;
    }
  }

  synchronized void finish() {
    endLine();
  }
}
