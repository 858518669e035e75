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
 * row's values with {@link MarketoValueRules} (a failure or warnings), and queues the job.
 * Thread-safe: it keeps no state of its own.
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

  void upload(Exchange ex) throws IOException {
    String contentType = ex.header("content-type");
    contentType = contentType == null ? "" : contentType;
    int b = contentType.indexOf("boundary=");
    if (!contentType.startsWith("multipart/form-data") || b < 0) {
      MarketoIdentity.error(ex, "609", "Invalid JSON");
      return;
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
      return;
    }
    if (file.length >= maxFileBytes) {
      ex.text(413, "text/html;charset=UTF-8", "<html>Request Entity Too Large</html>");
      return;
    }
    char delimiter;
    switch (form.getOrDefault("format", "")) {
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
        return;
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
      return;
    }
    if (header.isEmpty() || rows.isEmpty()) {
      MarketoIdentity.error(ex, "1003", "Empty file");
      return;
    }
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
    Job job = job(header, delimiter, rows, columnFields, form.getOrDefault("lookupField", "email"));
    if (!queue.accept(job)) {
      MarketoIdentity.error(ex, "1016", "Too many imports");
      return;
    }
    ex.accepted();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("batchId", job.id);
    result.put("importId", job.importId);
    result.put("status", "Queued");
    ex.json(200, MarketoImportQueue.success("u" + job.id, result));
  }

  /** The job of a parsed file, with each row's failure or warning, if any. */
  private static Job job(
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
