package io.leadbridge.testkit;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.csv.CsvReader;
import io.leadbridge.testkit.MarketoEmulator.Field;
import io.leadbridge.testkit.MarketoImportQueue.Job;
import io.leadbridge.testkit.internal.Exchange;
import io.leadbridge.testkit.internal.Forms;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /bulk/v1/leads.json} of {@link MarketoEmulator}: reads the multipart form and its
 * file in the delimiter of {@code format}, checks the header against the lead schema and each of a
 * row's values with {@link MarketoValueRules} (a failure or warnings), and queues the job. The
 * reading of the form and the file, the judging of rows and the queueing are shared with the
 * program member and custom object uploads. Thread-safe: it keeps no state of its own.
 */
final class MarketoUpload {
  private final MarketoLeadStore store;
  private final MarketoImportQueue queue;
  private final long maxFileBytes;

  MarketoUpload(MarketoLeadStore store, MarketoImportQueue queue, long maxFileBytes) {
    this.store = store;
    this.queue = queue;
    this.maxFileBytes = maxFileBytes;
  }

  /**
   * A bulk upload's multipart form read and its file parsed.
   *
   * @param form the query and form fields
   * @param header the file's header
   * @param rows the file's data rows
   * @param delimiter the delimiter {@code format} named
   */
  record Parsed(
      Map<String, String> form, List<String> header, List<List<String>> rows, char delimiter) {}

  void upload(Exchange ex) throws IOException {
    Parsed p = parse(ex, maxFileBytes);
    if (p == null) {
      return;
    }
    List<String> header = p.header();
    List<String> unknown = new ArrayList<>();
    Field[] columnFields = new Field[header.size()];
    for (int i = 0; i < header.size(); i++) {
      Field f = store.field(header.get(i));
      if (f == null || !f.updateable()) {
        unknown.add(header.get(i));
      }
      columnFields[i] = f;
    }
    if (!unknown.isEmpty()) {
      MarketoIdentity.error(
          ex, "1003", "Invalid or read-only fields: " + String.join(", ", unknown));
      return;
    }
    Job job =
        job(
            header,
            p.delimiter(),
            p.rows(),
            columnFields,
            p.form().getOrDefault("lookupField", "email"));
    queue(ex, job);
  }

  /** Brings the lead store up to the imports that have ended by now. */
  void advance() {
    queue.advance();
  }

  /** Queues a job and answers with its batch, or 1016 when the queue is full. */
  void queue(Exchange ex, Job job) throws IOException {
    if (!queue.accept(job)) {
      MarketoIdentity.error(ex, "1016", "Too many imports");
      return;
    }
    ex.accepted();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("batchId", job.id);
    if (job.kind == MarketoImportQueue.Kind.LEADS) {
      result.put("importId", job.importId);
    }
    result.put("status", "Queued");
    ex.json(200, MarketoImportQueue.success("u" + job.id, result));
  }

  /**
   * Reads the form and parses the file of a bulk upload, or answers the error Marketo would give
   * (609 not multipart, 1003 no file, bad format or empty file, 413 over the size limit).
   *
   * @return the upload, or {@code null} when an error was answered
   */
  static Parsed parse(Exchange ex, long maxFileBytes) throws IOException {
    String contentType = ex.header("content-type");
    contentType = contentType == null ? "" : contentType;
    int b = contentType.indexOf("boundary=");
    if (!contentType.startsWith("multipart/form-data") || b < 0) {
      MarketoIdentity.error(ex, "609", "Invalid JSON");
      return null;
    }
    String boundary = contentType.substring(b + 9).replace("\"", "");
    Map<String, String> form = Forms.pairs(ex.query());
    byte[] file = null;
    for (byte[][] part : MultipartParser.parse(ex.body(), boundary)) {
      String partHeaders = new String(part[0], StandardCharsets.UTF_8);
      String name = MultipartParser.attribute(partHeaders, "name");
      if (MultipartParser.attribute(partHeaders, "filename") != null && "file".equals(name)) {
        file = part[1];
      } else if (name != null) {
        form.put(name, new String(part[1], StandardCharsets.UTF_8));
      }
    }
    if (file == null) {
      MarketoIdentity.error(ex, "1003", "File not specified");
      return null;
    }
    if (file.length >= maxFileBytes) {
      ex.text(413, "text/html;charset=UTF-8", "<html>Request Entity Too Large</html>");
      return null;
    }
    char delimiter;
    switch (form.getOrDefault("format", "").toLowerCase(java.util.Locale.ROOT)) {
      case "csv":
        delimiter = ',';
        break;
      case "tsv":
        delimiter = '\t';
        break;
      case "ssv":
        delimiter = ';';
        break;
      default:
        MarketoIdentity.error(ex, "1003", "Invalid format: must be csv, tsv or ssv");
        return null;
    }
    List<List<String>> rows = new ArrayList<>();
    List<String> header;
    CsvFormat fmt = CsvFormat.CSV.toBuilder().delimiter(delimiter).build();
    try (CsvReader reader =
        fmt.newReader(new StringReader(new String(file, StandardCharsets.UTF_8)))) {
      header = reader.header();
      for (List<String> r; (r = reader.next()) != null; ) {
        rows.add(r);
      }
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      MarketoIdentity.error(ex, "1003", "Cannot parse the file");
      return null;
    }
    if (header.isEmpty() || rows.isEmpty()) {
      MarketoIdentity.error(ex, "1003", "Empty file");
      return null;
    }
    return new Parsed(form, header, rows, delimiter);
  }

  /** The job of a parsed file, with each row's failure or warning, if any. */
  static Job job(
      List<String> header,
      char delimiter,
      List<List<String>> rows,
      Field[] columnFields,
      String lookup) {
    int lookupIndex = -1;
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).equalsIgnoreCase(lookup)) {
        lookupIndex = i;
      }
    }
    Job job = new Job();
    job.header = List.copyOf(header);
    job.delimiter = delimiter;
    job.rows = rows;
    job.rowCount = rows.size();
    job.lookupIndex = lookupIndex;
    job.failureReason = new String[rows.size()];
    job.warningReason = new String[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      if (row.size() != header.size()) {
        job.failureReason[r] = "Row has " + row.size() + " values, header has " + header.size();
        continue;
      }
      if (lookupIndex < 0) {
        job.failureReason[r] = "Lookup field '" + lookup + "' is empty";
        continue;
      }
      StringBuilder warnings = new StringBuilder();
      for (int i = 0; i < row.size() && job.failureReason[r] == null; i++) {
        MarketoValueRules.Outcome o =
            MarketoValueRules.of(columnFields[i], row.get(i), i == lookupIndex);
        if (o.fails()) {
          job.failureReason[r] = o.reason();
        } else if (!o.ok()) {
          warnings.append(warnings.length() == 0 ? "" : "; ").append(o.reason());
        }
      }
      if (job.failureReason[r] == null && warnings.length() > 0) {
        job.warningReason[r] = warnings.toString();
      }
    }
    return job;
  }
}
