package io.leadbridge.marketo;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What a bulk import writes in Marketo: leads, the members of a program with a status, or the
 * records of a custom object. Each goes through the same cycle (upload a file under 10 MB, wait in
 * the instance's queue, poll, read the failures and warnings files); only the paths, the upload's
 * parameters, the fields a header may name and the journal differ.
 *
 * <pre>{@code
 * marketo.importAndAwait(export, BulkTarget.programMembers(1234, "Registered"), options);
 * marketo.importAndAwait(export, BulkTarget.customObject("subscription_c"), options);
 * }</pre>
 *
 * <ul>
 *   <li>{@link #leads()}: rows are leads, found by {@link ImportOptions#lookupField()}.
 *   <li>{@link #programMembers}: each row's lead is found by its {@code email} column and created
 *       when missing; the lead becomes a member of the program with the status. A header may name
 *       lead fields and program member fields. Before any upload the program is looked up and the
 *       status checked against its channel's statuses.
 *   <li>{@link #customObject}: rows are records, inserted or updated by the object's dedupe fields
 *       (from its describe), which every row must fill. A header may name only the object's fields.
 *       Failed and warned rows are traced to users by {@link ImportOptions#lookupField()}, usually
 *       the field that links a record to its lead.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class BulkTarget {
  /** The kinds of target. Immutable and thread-safe. */
  public enum Kind {
    /** {@code POST /bulk/v1/leads.json}. */
    LEADS,
    /** {@code POST /bulk/v1/program/{programId}/members/import.json}. */
    PROGRAM_MEMBERS,
    /** {@code POST /bulk/v1/customobjects/{apiName}/import.json}. */
    CUSTOM_OBJECT
  }

  private static final Pattern API_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,99}");
  private static final BulkTarget LEADS = new BulkTarget(Kind.LEADS, 0, null, null);

  private final Kind kind;
  private final long programId;
  private final String status;
  private final String apiName;

  private BulkTarget(Kind kind, long programId, String status, String apiName) {
    this.kind = kind;
    this.programId = programId;
    this.status = status;
    this.apiName = apiName;
  }

  /**
   * Leads, as {@link MarketoBulkLeadClient#importAndAwait(io.leadbridge.core.ExportResult,
   * ImportOptions)} imports them.
   *
   * @return the target
   */
  public static BulkTarget leads() {
    return LEADS;
  }

  /**
   * The members of a program, each given this status.
   *
   * @param programId the program's id (in Marketo, the number in the program's URL)
   * @param status a progression status of the program's channel, e.g. {@code Registered}
   * @return the target
   * @throws IllegalArgumentException if the id is not positive or the status is blank
   */
  public static BulkTarget programMembers(long programId, String status) {
    Objects.requireNonNull(status, "status");
    if (programId <= 0) {
      throw new IllegalArgumentException("A program id is a positive number.");
    }
    if (status.isBlank()) {
      throw new IllegalArgumentException(
          "The member status is empty; name one of the program's channel statuses.");
    }
    return new BulkTarget(Kind.PROGRAM_MEMBERS, programId, status, null);
  }

  /**
   * The records of a custom object.
   *
   * @param apiName the object's API name, e.g. {@code subscription_c} (Admin &gt; Marketo Custom
   *     Objects)
   * @return the target
   * @throws IllegalArgumentException if the name is not an API name
   */
  public static BulkTarget customObject(String apiName) {
    Objects.requireNonNull(apiName, "apiName");
    if (!API_NAME.matcher(apiName).matches()) {
      throw new IllegalArgumentException(
          "\"" + apiName + "\" is not a custom object's API name (letters, digits and _).");
    }
    return new BulkTarget(Kind.CUSTOM_OBJECT, 0, null, apiName);
  }

  /**
   * The kind of target.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * The program whose members are imported.
   *
   * @return the program's id, or empty for other kinds
   */
  public OptionalLong programId() {
    return kind == Kind.PROGRAM_MEMBERS ? OptionalLong.of(programId) : OptionalLong.empty();
  }

  /**
   * The status given to the members imported.
   *
   * @return the status, or empty for other kinds
   */
  public Optional<String> memberStatus() {
    return Optional.ofNullable(status);
  }

  /**
   * The custom object whose records are imported.
   *
   * @return its API name, or empty for other kinds
   */
  public Optional<String> apiName() {
    return Optional.ofNullable(apiName);
  }

  boolean isLeads() {
    return kind == Kind.LEADS;
  }

  /**
   * The column whose value traces a failed or warned row back to its users through the export's row
   * keys: the lookup field of leads and custom objects, the email of program members.
   */
  String traceColumn(ImportOptions options) {
    return kind == Kind.PROGRAM_MEMBERS ? "email" : options.lookupField();
  }

  /** The upload's path. */
  String uploadPath() {
    switch (kind) {
      case PROGRAM_MEMBERS:
        return "/bulk/v1/program/" + programId + "/members/import.json";
      case CUSTOM_OBJECT:
        return "/bulk/v1/customobjects/" + apiName + "/import.json";
      default:
        return "/bulk/v1/leads.json";
    }
  }

  /**
   * The upload's parameters besides the file: for leads, sent as form fields; for the others, in
   * the query, as Adobe's pages show them.
   */
  Map<String, String> uploadParameters(ImportOptions options, String format) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("format", format);
    if (kind == Kind.LEADS) {
      out.put("lookupField", options.lookupField());
      options.partitionName().ifPresent(p -> out.put("partitionName", p));
      options.listId().ifPresent(id -> out.put("listId", Integer.toString(id)));
    } else if (kind == Kind.PROGRAM_MEMBERS) {
      out.put("programMemberStatus", status);
    }
    return out;
  }

  /** The upload's path with its parameters in the query, for the kinds that take them so. */
  String uploadPathAndQuery(ImportOptions options, String format) {
    if (kind == Kind.LEADS) {
      return uploadPath();
    }
    StringBuilder q = new StringBuilder(uploadPath());
    char sep = '?';
    for (Map.Entry<String, String> e : uploadParameters(options, format).entrySet()) {
      q.append(sep)
          .append(e.getKey())
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8).replace("+", "%20"));
      sep = '&';
    }
    return q.toString();
  }

  /** A batch's status path. */
  String statusPath(long batchId) {
    switch (kind) {
      case PROGRAM_MEMBERS:
        return "/bulk/v1/program/members/batch/" + batchId + ".json";
      case CUSTOM_OBJECT:
        return "/bulk/v1/customobjects/" + apiName + "/import/" + batchId + "/status.json";
      default:
        return "/bulk/v1/leads/batch/" + batchId + ".json";
    }
  }

  /** A batch's failures or warnings path; {@code which} is {@code failures} or {@code warnings}. */
  String rowsPath(long batchId, String which) {
    switch (kind) {
      case PROGRAM_MEMBERS:
        return "/bulk/v1/program/members/batch/" + batchId + "/" + which + ".json";
      case CUSTOM_OBJECT:
        return "/bulk/v1/customobjects/" + apiName + "/import/" + batchId + "/" + which + ".json";
      default:
        return "/bulk/v1/leads/batch/" + batchId + "/" + which + ".json";
    }
  }

  /**
   * The end of the journal's file name: each target keeps its own journal beside the files, so that
   * importing the same files as leads and then as members does not read as done.
   */
  String journalSuffix() {
    switch (kind) {
      case PROGRAM_MEMBERS:
        return ".marketo-program-" + programId + "-" + slug(status) + "-journal";
      case CUSTOM_OBJECT:
        return ".marketo-object-" + apiName + "-journal";
      default:
        return ".marketo-journal";
    }
  }

  /**
   * The target's name in the import journal a sync state keeps: {@code marketo-leads}, {@code
   * marketo-program-1234-member_...}, {@code marketo-object-car_c}.
   */
  String journalName() {
    String suffix = journalSuffix().substring(1);
    String name = suffix.substring(0, suffix.length() - "-journal".length());
    return isLeads() ? name + "-leads" : name;
  }

  private static String slug(String s) {
    String plain = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    return plain + "-" + Integer.toHexString(s.hashCode());
  }

  /** What a header's columns must be, for messages: "a lead field". */
  String fieldsNoun() {
    switch (kind) {
      case PROGRAM_MEMBERS:
        return "a lead or program member field";
      case CUSTOM_OBJECT:
        return "a field of custom object " + apiName;
      default:
        return "a lead field";
    }
  }

  /** The same, in the plural: "lead or program member fields". */
  String fieldsPlural() {
    switch (kind) {
      case PROGRAM_MEMBERS:
        return "lead or program member fields";
      case CUSTOM_OBJECT:
        return "the fields of custom object " + apiName;
      default:
        return "lead fields";
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BulkTarget t
        && t.kind == kind
        && t.programId == programId
        && Objects.equals(t.status, status)
        && Objects.equals(t.apiName, apiName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, programId, status, apiName);
  }

  @Override
  public String toString() {
    switch (kind) {
      case PROGRAM_MEMBERS:
        return "BulkTarget[members of program " + programId + ", status " + status + "]";
      case CUSTOM_OBJECT:
        return "BulkTarget[custom object " + apiName + "]";
      default:
        return "BulkTarget[leads]";
    }
  }
}
