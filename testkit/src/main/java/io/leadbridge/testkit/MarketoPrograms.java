package io.leadbridge.testkit;

import io.leadbridge.testkit.MarketoEmulator.Field;
import io.leadbridge.testkit.MarketoImportQueue.Job;
import io.leadbridge.testkit.internal.Exchange;
import io.leadbridge.testkit.internal.Forms;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The programs of {@link MarketoEmulator} and their members: channels with their progression
 * statuses, programs each in a channel ({@code GET /rest/asset/v1/program/{id}.json}, {@code GET
 * /rest/asset/v1/channels/byName.json}), the program member schema ({@code GET
 * /rest/v1/programs/members/describe.json}), and the bulk program member import ({@code POST
 * /bulk/v1/program/{programId}/members/import.json}). Each row finds its lead by {@code email}; a
 * lead that does not exist is created from the row's lead fields; the member gets the import's
 * status and the row's program member fields. Thread-safe.
 */
final class MarketoPrograms {
  /** A program of the instance. */
  record Program(long id, String name, String channel) {}

  private final Map<String, List<String>> channels;
  private final Map<Long, Program> programs;
  private final List<Field> memberFields;
  private final MarketoLeadStore leads;
  private final MarketoUpload upload;
  private final long maxFileBytes;
  private final Map<Long, Map<String, Map<String, String>>> members = new HashMap<>();
  private final Map<String, Integer> importCounts = new HashMap<>();

  MarketoPrograms(
      Map<String, List<String>> channels,
      Map<Long, Program> programs,
      List<Field> memberFields,
      MarketoLeadStore leads,
      MarketoUpload upload,
      long maxFileBytes) {
    this.channels = Map.copyOf(channels);
    this.programs = Map.copyOf(programs);
    this.memberFields = List.copyOf(memberFields);
    this.leads = leads;
    this.upload = upload;
    this.maxFileBytes = maxFileBytes;
  }

  /** The program a path's last number names, or {@code null}. */
  private Program program(String path, String before) {
    int at = path.indexOf(before);
    if (at < 0) {
      return null;
    }
    String rest = path.substring(at + before.length());
    int end = 0;
    while (end < rest.length() && Character.isDigit(rest.charAt(end))) {
      end++;
    }
    if (end == 0 || end > 18) {
      return null;
    }
    return programs.get(Long.parseLong(rest.substring(0, end)));
  }

  /** {@code GET /rest/asset/v1/program/{id}.json}: 1013 when there is no such program. */
  void get(Exchange ex) throws IOException {
    Program p = program(ex.path(), "/rest/asset/v1/program/");
    if (p == null) {
      MarketoIdentity.error(ex, "1013", "Object not found");
      return;
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", p.id());
    r.put("name", p.name());
    r.put("type", "Default");
    r.put("channel", p.channel());
    r.put("status", "");
    r.put("workspace", "Default");
    ex.json(200, MarketoImportQueue.success("p" + p.id(), r));
  }

  /** {@code GET /rest/asset/v1/channels/byName.json?name=…}: the channel's statuses. */
  void channel(Exchange ex) throws IOException {
    String name = Forms.query(ex.query()).getOrDefault("name", "");
    List<String> statuses = channels.get(name);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requestId", "c1");
    m.put("success", true);
    m.put("errors", List.of());
    if (statuses == null) {
      m.put("warnings", List.of("No assets found for the given search criteria."));
      m.put("result", List.of());
      ex.json(200, m);
      return;
    }
    List<Object> progression = new ArrayList<>();
    for (int i = 0; i < statuses.size(); i++) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("name", statuses.get(i));
      s.put("step", i);
      s.put("success", i == statuses.size() - 1);
      s.put("hidden", false);
      s.put("type", "channel");
      progression.add(s);
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", Math.abs(name.hashCode() % 1000) + 1);
    r.put("name", name);
    r.put("applicableProgramType", "program");
    r.put("progressionStatuses", progression);
    m.put("warnings", List.of());
    m.put("result", List.of(r));
    ex.json(200, m);
  }

  /** {@code GET /rest/v1/programs/members/describe.json}. */
  void describe(Exchange ex) throws IOException {
    List<Object> out = new ArrayList<>();
    for (Field f : memberFields) {
      out.add(f.described());
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", "API Program Membership");
    r.put("dedupeFields", List.of("leadId", "programId"));
    r.put("searchableFields", List.of(List.of("leadId"), List.of("programId")));
    r.put("fields", out);
    ex.json(200, MarketoImportQueue.success("m1", r));
  }

  private Field memberField(String name) {
    for (Field f : memberFields) {
      if (f.name().equalsIgnoreCase(name)) {
        return f;
      }
    }
    return null;
  }

  /** {@code POST /bulk/v1/program/{programId}/members/import.json}. */
  void upload(Exchange ex) throws IOException {
    MarketoUpload.Parsed parsed = MarketoUpload.parse(ex, maxFileBytes);
    if (parsed == null) {
      return;
    }
    Program program = program(ex.path(), "/bulk/v1/program/");
    if (program == null) {
      MarketoIdentity.error(ex, "1013", "Program not found");
      return;
    }
    String status = parsed.form().get("programMemberStatus");
    List<String> statuses = channels.getOrDefault(program.channel(), List.of());
    if (status == null || !statuses.contains(status)) {
      MarketoIdentity.error(ex, "1003", "Invalid program member status");
      return;
    }
    List<String> header = parsed.header();
    Field[] columns = new Field[header.size()];
    boolean[] member = new boolean[header.size()];
    List<String> unknown = new ArrayList<>();
    int email = -1;
    for (int i = 0; i < header.size(); i++) {
      Field f = leads.field(header.get(i));
      if (f == null) {
        f = memberField(header.get(i));
        member[i] = f != null;
      }
      if (f == null || !f.updateable()) {
        unknown.add(header.get(i));
      }
      columns[i] = f;
      if (header.get(i).equalsIgnoreCase("email")) {
        email = i;
      }
    }
    if (!unknown.isEmpty()) {
      MarketoIdentity.error(
          ex, "1003", "Invalid or read-only fields: " + String.join(", ", unknown));
      return;
    }
    if (email < 0) {
      MarketoIdentity.error(ex, "1003", "Field 'email' is required");
      return;
    }
    Job job = MarketoUpload.job(header, parsed.delimiter(), parsed.rows(), columns, "email");
    job.kind = MarketoImportQueue.Kind.PROGRAM_MEMBERS;
    job.target = Long.toString(program.id());
    job.apply = () -> apply(program.id(), status, job, columns, member);
    upload.queue(ex, job);
  }

  /** Creates or updates each lead by email, then its membership, for rows that did not fail. */
  private void apply(long programId, String status, Job job, Field[] columns, boolean[] member) {
    List<String> leadHeader = new ArrayList<>();
    List<Integer> leadColumns = new ArrayList<>();
    for (int i = 0; i < job.header.size(); i++) {
      if (!member[i]) {
        leadHeader.add(job.header.get(i));
        leadColumns.add(i);
      }
    }
    List<List<String>> leadRows = new ArrayList<>();
    for (List<String> row : job.rows) {
      List<String> values = new ArrayList<>();
      for (int i : leadColumns) {
        values.add(i < row.size() ? row.get(i) : "");
      }
      leadRows.add(values);
    }
    leads.upsert(
        leadHeader,
        leadRows,
        leadHeader.indexOf(job.header.get(job.lookupIndex)),
        job.failureReason);
    synchronized (this) {
      Map<String, Map<String, String>> program =
          members.computeIfAbsent(programId, k -> new LinkedHashMap<>());
      for (int r = 0; r < job.rows.size(); r++) {
        if (job.failureReason[r] != null) {
          continue;
        }
        List<String> row = job.rows.get(r);
        String key = row.get(job.lookupIndex).toLowerCase(Locale.ROOT);
        Map<String, String> m = program.computeIfAbsent(key, k -> new LinkedHashMap<>());
        m.put("statusName", status);
        for (int i = 0; i < row.size() && i < columns.length; i++) {
          if (member[i]) {
            m.put(columns[i].name(), MarketoValueRules.stored(columns[i], row.get(i)));
          }
        }
        importCounts.merge(programId + "\u0000" + key, 1, Integer::sum);
      }
    }
  }

  /** A copy of a program's members by lead email (lower case), each with its fields. */
  synchronized Map<String, Map<String, String>> members(long programId) {
    Map<String, Map<String, String>> copy = new LinkedHashMap<>();
    members.getOrDefault(programId, Map.of()).forEach((k, v) -> copy.put(k, Map.copyOf(v)));
    return copy;
  }

  /** The largest number of times a membership of a program was imported. */
  synchronized int maxImportCount(long programId) {
    String prefix = programId + "\u0000";
    return importCounts.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .mapToInt(Map.Entry::getValue)
        .max()
        .orElse(0);
  }
}
