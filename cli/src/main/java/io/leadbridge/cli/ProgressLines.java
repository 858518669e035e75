package io.leadbridge.cli;

import io.leadbridge.auth0.Auth0JobListener;
import io.leadbridge.core.ExportListener;
import io.leadbridge.marketo.ImportListener;
import io.leadbridge.marketo.ImportProgress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/** The library's progress reports as the lines a person watching reads. */
final class ProgressLines {
  private ProgressLines() {}

  /** The export's progress: users read, rows written and rejected, the part, the rate. */
  static ExportListener export(Progress progress, Clock clock) {
    AtomicReference<Instant> start = new AtomicReference<>();
    return p -> {
      start.compareAndSet(null, clock.instant());
      progress.update(
          String.format(
              Locale.ROOT,
              "%,d users read, %,d rows written, %,d rejected, part %d%s",
              p.entriesRead(),
              p.rowsWritten(),
              p.rowsRejected(),
              p.part(),
              rate(p.entriesRead(), start.get(), clock)),
          p.done());
    };
  }

  private static String rate(long n, Instant start, Clock clock) {
    long ms = Duration.between(start, clock.instant()).toMillis();
    return ms < 200 ? "" : String.format(Locale.ROOT, " (%,d users/s)", n * 1000 / ms);
  }

  /** The Auth0 export job's progress. */
  static Auth0JobListener auth0(Progress progress) {
    return p ->
        progress.update(
            String.format(
                Locale.ROOT,
                "export job %s: %s, %d%% done%s",
                p.jobId(),
                p.status(),
                p.percentageDone(),
                p.timeLeftSeconds() > 0 ? ", about " + p.timeLeftSeconds() + " s left" : ""),
            false);
  }

  /**
   * The import's progress; the last report is kept in {@code last}, for saying what a stopped run
   * leaves.
   */
  static ImportListener marketo(Progress progress, AtomicReference<ImportProgress> last) {
    return p -> {
      last.set(p);
      progress.update(
          String.format(
              Locale.ROOT,
              "parts uploaded %d/%d, batches queued %d, importing %d, finished %d; rows processed"
                  + " %,d%s",
              p.uploaded(),
              p.parts(),
              p.queued(),
              p.importing(),
              p.finished(),
              p.rowsProcessed(),
              p.rowsTotal() > 0 ? String.format(Locale.ROOT, " of %,d", p.rowsTotal()) : ""),
          false);
    };
  }
}
