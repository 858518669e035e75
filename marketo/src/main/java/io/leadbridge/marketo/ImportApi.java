package io.leadbridge.marketo;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.internal.http.Deadline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The calls an import run ({@link ImportRun}) makes of Marketo, which {@link MarketoTransport}
 * makes over HTTP and tests may fake. Every call and wait stops at the run's deadline.
 */
interface ImportApi {
  BatchStatus upload(
      BulkTarget target,
      Path file,
      String name,
      CsvFormat format,
      ImportOptions options,
      Deadline deadline);

  BatchStatus status(BulkTarget target, long batchId, Deadline deadline);

  BatchRows failures(BulkTarget target, long batchId, CsvFormat format, Deadline deadline);

  BatchRows warnings(BulkTarget target, long batchId, CsvFormat format, Deadline deadline);

  /** The instance's lead fields, read once per client. */
  List<LeadField> leadFields(Deadline deadline);

  /**
   * The fields a target's files may name and the columns each row must fill; for program members
   * and custom objects, checks first that the target exists and takes the import.
   *
   * @throws MarketoTargetException if it does not
   */
  TargetFields targetFields(BulkTarget target, ImportOptions options, Deadline deadline);

  /** Leads whose filter field holds one of up to 300 values, with the fields named. */
  List<Map<String, Object>> leads(
      String filterType, List<String> values, List<String> fields, Deadline deadline);

  /** Today's API calls of every integration, from {@code stats/usage.json}. */
  long usageToday(Deadline deadline);

  /** API calls made so far by the client, tokens included. */
  long calls();

  /** Of {@link #calls()}, those to the identity endpoint. */
  long tokenCalls();

  void pause(Duration wait, String what, Deadline deadline);

  /**
   * What a target's files are checked against.
   *
   * @param target the target
   * @param fields the fields a header may name (read-only ones included, to be named as such)
   * @param required the columns every row must fill: the lookup field of leads, the email of
   *     program members, the dedupe fields of a custom object
   */
  record TargetFields(BulkTarget target, List<LeadField> fields, List<String> required) {}
}
