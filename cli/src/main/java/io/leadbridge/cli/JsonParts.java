package io.leadbridge.cli;

import io.leadbridge.alterian.AlterianPackage;
import io.leadbridge.core.ExportResult;
import io.leadbridge.core.ExportedFile;
import io.leadbridge.core.Rejection;
import io.leadbridge.core.sync.SyncState;
import io.leadbridge.core.sync.SyncSummary;
import io.leadbridge.marketo.BatchStatus;
import io.leadbridge.marketo.ImportReport;
import io.leadbridge.marketo.ValueReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parts of the {@code --json} document, built from the library's results. Counts, states,
 * reasons and paths only: never a row's values, which are personal data.
 */
final class JsonParts {
  private JsonParts() {}

  static Map<String, Object> export(ExportResult e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("usersRead", e.entriesRead());
    m.put("rowsWritten", e.rowsWritten());
    m.put("rowsRejected", e.rowsRejected());
    m.put("rowsMerged", e.rowsMerged());
    Map<String, Object> reasons = new LinkedHashMap<>();
    for (Map.Entry<Rejection.Reason, Long> r : e.rejectionCounts().entrySet()) {
      reasons.put(r.getKey().name(), r.getValue());
    }
    m.put("rejectionsByReason", reasons);
    m.put("emptyColumns", e.emptyColumns());
    m.put("header", e.header());
    m.put(
        "format",
        e.format().delimiter() == '\t' ? "tsv" : e.format().delimiter() == ';' ? "ssv" : "csv");
    m.put("files", files(e.files()));
    e.rowKeys().ifPresent(k -> m.put("rowKeysFile", k.file().toString()));
    e.rejectionsFile().ifPresent(f -> m.put("rejectionsFile", f.toString()));
    e.mergesFile().ifPresent(f -> m.put("mergesFile", f.toString()));
    return m;
  }

  static List<Object> files(List<ExportedFile> files) {
    List<Object> out = new ArrayList<>();
    for (ExportedFile f : files) {
      Map<String, Object> file = new LinkedHashMap<>();
      file.put("path", f.path().toString());
      if (f.rows() >= 0) {
        file.put("rows", f.rows());
      }
      file.put("bytes", f.bytes());
      out.add(file);
    }
    return out;
  }

  static Map<String, Object> sync(SyncState state, SyncSummary s, SyncState.Committed committed) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", Settings.where(state));
    m.put("baseGeneration", s.baseGeneration());
    m.put("newUsers", s.newUsers());
    m.put("changedUsers", s.changedUsers());
    m.put("unchangedUsers", s.unchangedUsers());
    m.put("absentUsers", s.absentUsers());
    m.put("lookupChanges", s.lookupChanges());
    s.fullRunReason().ifPresent(r -> m.put("fullRunReason", r));
    s.absentFile().ifPresent(f -> m.put("absentFile", f.toString()));
    if (committed != null) {
      m.put("committed", committed(committed));
    } else {
      m.put("committed", null);
    }
    return m;
  }

  static Map<String, Object> committed(SyncState.Committed c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("generation", c.generation());
    m.put("users", c.users());
    m.put("rowsConfirmed", c.rowsConfirmed());
    m.put("rowsUnconfirmed", c.rowsUnconfirmed());
    return m;
  }

  static Map<String, Object> marketo(ImportReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Object> batches = new ArrayList<>();
    for (ImportReport.Batch b : r.batches()) {
      Map<String, Object> batch = new LinkedHashMap<>();
      batch.put("batchId", b.batchId());
      batch.put("file", b.file().toString());
      batch.put("state", state(b.state()));
      batch.put("leadsProcessed", b.leadsProcessed());
      batch.put("rowsFailed", b.rowsFailed());
      batch.put("rowsWithWarning", b.rowsWithWarning());
      batch.put("resumed", b.resumed());
      if (!b.message().isEmpty()) {
        batch.put("message", b.message());
      }
      batches.add(batch);
    }
    m.put("batches", batches);
    m.put("leadsProcessed", r.leadsProcessed());
    m.put("rowsFailed", r.rowsFailed());
    m.put("rowsWithWarning", r.rowsWithWarning());
    m.put("failuresByReason", byReason(r.failures()));
    m.put("warningsByReason", byReason(r.warnings()));
    m.put("uncertainParts", r.uncertainParts().stream().map(Path::toString).toList());
    m.put("allImported", r.allImported());
    m.put("calls", r.calls());
    return m;
  }

  static Map<String, Object> batch(BatchStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("batchId", s.batchId());
    s.importId().ifPresent(i -> m.put("importId", i));
    m.put("state", state(s.state()));
    m.put("finished", s.finished());
    m.put("leadsProcessed", s.leadsProcessed());
    m.put("rowsFailed", s.rowsFailed());
    m.put("rowsWithWarning", s.rowsWithWarning());
    if (!s.message().isEmpty()) {
      m.put("message", s.message());
    }
    return m;
  }

  static String state(BatchStatus.State s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  private static Map<String, Object> byReason(List<ImportReport.RowIssue> issues) {
    Map<String, Object> m = new TreeMap<>();
    for (ImportReport.RowIssue i : issues) {
      m.merge(i.reason(), 1L, (a, b) -> (Long) a + (Long) b);
    }
    return m;
  }

  static Map<String, Object> alterian(AlterianPackage p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("directory", p.directory().toString());
    m.put("rows", p.rows());
    List<Object> files = new ArrayList<>();
    for (AlterianPackage.DataFile f : p.dataFiles()) {
      Map<String, Object> file = new LinkedHashMap<>();
      file.put("path", f.path().toString());
      file.put("rows", f.rows());
      file.put("bytes", f.bytes());
      files.add(file);
    }
    m.put("files", files);
    m.put("settingsFile", p.settingsFile().toString());
    m.put("columnsFile", p.columnsFile().toString());
    m.put("checksumsFile", p.checksumsFile().toString());
    p.zipFile().ifPresent(z -> m.put("zipFile", z.toString()));
    m.put("skippedRows", p.skippedRows().size());
    return m;
  }

  /** A dry run's prediction: rows checked, refused and changed, and counts by column and rule. */
  static Map<String, Object> valueCheck(ValueReport check) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rowsChecked", check.rowsChecked());
    m.put("rowsRejected", check.rowsRejected());
    m.put("rowsWarned", check.rowsWarned());
    m.put("rowsLeftOut", check.rowsLeftOut());
    Map<String, Object> byColumn = new LinkedHashMap<>();
    check
        .counts()
        .forEach(
            (column, rules) -> {
              Map<String, Object> r = new LinkedHashMap<>();
              rules.forEach((rule, n) -> r.put(rule.name(), n));
              byColumn.put(column, r);
            });
    m.put("findings", byColumn);
    return m;
  }
}
