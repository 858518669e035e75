package io.leadbridge.testkit;

import static io.leadbridge.testkit.Auth0Tenant.apiError;

import io.leadbridge.core.internal.Json;
import io.leadbridge.core.mapping.FieldPath;
import io.leadbridge.core.mapping.MappingException;
import io.leadbridge.testkit.internal.Exchange;
import io.leadbridge.testkit.internal.Forms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPOutputStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The users-export jobs of {@link Auth0Emulator}: creating them, their progress from {@code
 * pending} through {@code processing} to {@code completed} (or {@code failed}, then {@code
 * expired}) by the emulator's clock, and their files behind signed links that expire. Thread-safe.
 */
final class Auth0JobStore {
  private static final int MAX_FIELDS = 30;
  private static final List<String> DEFAULT_FIELDS =
      List.of(
          "user_id",
          "email",
          "email_verified",
          "given_name",
          "family_name",
          "name",
          "nickname",
          "picture",
          "created_at",
          "updated_at",
          "identities");

  /** A field asked for: a name that may be a path, and the column or key to export it as. */
  record Field(String name, String exportAs, FieldPath path) {
    /** The CSV header or JSON key that holds it. */
    String column() {
      return exportAs != null ? exportAs : name;
    }
  }

  private record Job(
      String id,
      Instant created,
      String connectionId,
      String connectionName,
      String format,
      List<Field> fields,
      Long limit,
      String failure,
      Map<String, Map<String, String>> edits) {}

  private final Iterable<? extends Map<String, ?>> users;
  private final Map<String, String> connections;
  private final Auth0UserEdits edits;
  private final Duration jobDuration;
  private final Duration linkTtl;
  private final Clock clock;
  private final byte[] signingKey = new byte[32];
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final AtomicInteger jobCounter = new AtomicInteger();
  private final List<String> jobFailures = new CopyOnWriteArrayList<>();

  Auth0JobStore(
      Iterable<? extends Map<String, ?>> users,
      Map<String, String> connections,
      Auth0UserEdits edits,
      Duration jobDuration,
      Duration linkTtl,
      Clock clock) {
    this.users = users;
    this.connections = connections;
    this.edits = edits;
    this.jobDuration = jobDuration;
    this.linkTtl = linkTtl;
    this.clock = clock;
    new SecureRandom().nextBytes(signingKey);
  }

  /** Makes the next job created end {@code failed} with these details. */
  void failNextJob(String statusDetails) {
    jobFailures.add(statusDetails);
  }

  /** {@code POST /api/v2/jobs/users-exports}. */
  void create(Exchange ex) throws IOException {
    Object parsed = Json.parse(ex.bodyText());
    if (!(parsed instanceof Map)) {
      invalid(ex, "Payload validation error: invalid JSON");
      return;
    }
    Map<?, ?> req = (Map<?, ?>) parsed;
    Object format = req.containsKey("format") ? req.get("format") : "csv";
    if (!"json".equals(format) && !"csv".equals(format)) {
      invalid(
          ex, "Payload validation error: 'No enum match for: " + format + "' on property format");
      return;
    }
    List<Field> fields = new ArrayList<>();
    Object rawFields = req.get("fields");
    if (rawFields != null) {
      if (!(rawFields instanceof List)) {
        invalid(ex, "Payload validation error on property fields");
        return;
      }
      for (Object f : (List<?>) rawFields) {
        Object name = f instanceof Map ? ((Map<?, ?>) f).get("name") : null;
        if (!(name instanceof String) || ((String) name).isEmpty()) {
          invalid(
              ex, "Payload validation error: 'Missing required property: name' on property fields");
          return;
        }
        Object exportAs = ((Map<?, ?>) f).get("export_as");
        if (exportAs != null && (!(exportAs instanceof String) || ((String) exportAs).isEmpty())) {
          invalid(ex, "Payload validation error: 'Invalid type' on property fields[].export_as");
          return;
        }
        FieldPath path;
        try {
          path = FieldPath.parse((String) name);
        } catch (MappingException e) {
          path = null; // any name is accepted: it simply matches no value
        }
        fields.add(new Field((String) name, (String) exportAs, path));
      }
      if (fields.size() > MAX_FIELDS) {
        invalid(
            ex,
            "Payload validation error: 'Too many items ("
                + fields.size()
                + "), maximum "
                + MAX_FIELDS
                + "' on property fields");
        return;
      }
    } else {
      for (String name : DEFAULT_FIELDS) {
        fields.add(new Field(name, null, FieldPath.parse(name)));
      }
    }
    Object connectionId = req.get("connection_id");
    String connectionName = null;
    if (connectionId != null) {
      connectionName = connections.get(String.valueOf(connectionId));
      if (connectionName == null) {
        apiError(ex, 400, "Bad Request", "The connection does not exist", "inexistent_connection");
        return;
      }
    }
    Long limit = null;
    Object rawLimit = req.get("limit");
    if (rawLimit != null) {
      if (!(rawLimit instanceof Long) || (Long) rawLimit < 1) {
        invalid(ex, "Payload validation error on property limit");
        return;
      }
      limit = (Long) rawLimit;
    }
    String failure = jobFailures.isEmpty() ? null : jobFailures.remove(0);
    String id = String.format(Locale.ROOT, "job_%016x", 0x5eed0000L + jobCounter.incrementAndGet());
    Job job =
        new Job(
            id,
            clock.instant(),
            connectionId == null ? null : String.valueOf(connectionId),
            connectionName,
            (String) format,
            List.copyOf(new LinkedHashSet<>(fields)),
            limit,
            failure,
            edits.current());
    jobs.put(id, job);
    ex.json(201, describe(ex, job));
  }

  private static void invalid(Exchange ex, String message) throws IOException {
    apiError(ex, 400, "Bad Request", message, "invalid_body");
  }

  /** {@code GET /api/v2/jobs/{id}}. */
  void get(Exchange ex) throws IOException {
    Job job = jobs.get(ex.path().substring("/api/v2/jobs/".length()));
    if (job == null) {
      apiError(ex, 404, "Not Found", "The job does not exist.", "inexistent_job");
      return;
    }
    ex.json(200, describe(ex, job));
  }

  private Map<String, Object> describe(Exchange ex, Job job) {
    Instant now = clock.instant();
    long elapsed = Duration.between(job.created(), now).toMillis();
    long total = Math.max(1, jobDuration.toMillis());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "users_export");
    String status;
    if (elapsed >= total + Duration.ofHours(24).toMillis()) {
      status = "expired";
    } else if (elapsed >= total) {
      status = job.failure() != null ? "failed" : "completed";
    } else if (elapsed < total / 10) {
      status = "pending";
    } else {
      status = "processing";
    }
    m.put("status", status);
    if (job.connectionId() != null) {
      m.put("connection_id", job.connectionId());
      m.put("connection", job.connectionName());
    }
    m.put("format", job.format());
    if (job.limit() != null) {
      m.put("limit", job.limit());
    }
    List<Object> fields = new ArrayList<>();
    for (Field f : job.fields()) {
      Map<String, Object> field = new LinkedHashMap<>();
      field.put("name", f.name());
      if (f.exportAs() != null) {
        field.put("export_as", f.exportAs());
      }
      fields.add(field);
    }
    m.put("fields", fields);
    m.put("created_at", Auth0Times.format(job.created()));
    m.put("id", job.id());
    if (status.equals("processing")) {
      m.put("percentage_done", Math.min(99, elapsed * 100 / total));
      m.put("time_left_seconds", Math.max(1, (total - elapsed + 999) / 1000));
    } else if (status.equals("completed")) {
      m.put("percentage_done", 100L);
      m.put("time_left_seconds", 0L);
      long expires = now.plus(linkTtl).getEpochSecond();
      m.put(
          "location",
          ex.baseUri()
              + "/exports/"
              + job.id()
              + "."
              + job.format()
              + ".gz?Expires="
              + expires
              + "&Signature="
              + sign(job.id(), expires));
    } else if (status.equals("failed")) {
      m.put("status_details", job.failure());
    } else if (status.equals("pending")) {
      m.put("percentage_done", 0L);
    }
    return m;
  }

  /** {@code GET} of a signed link: the job's users as gzipped NDJSON, or an S3 error. */
  void download(Exchange ex) throws IOException {
    String name = ex.path().substring("/exports/".length());
    int dot = name.indexOf('.');
    String id = dot < 0 ? name : name.substring(0, dot);
    Map<String, String> q = Forms.query(ex.query());
    Job job = jobs.get(id);
    long expires;
    try {
      expires = Long.parseLong(q.getOrDefault("Expires", ""));
    } catch (NumberFormatException e) {
      s3Error(ex, 403, "AccessDenied", "Query-string authentication requires Expires");
      return;
    }
    if (job == null || !sign(id, expires).equals(q.get("Signature"))) {
      s3Error(
          ex, 403, "SignatureDoesNotMatch", "The request signature we calculated does not match");
      return;
    }
    if (clock.instant().getEpochSecond() > expires) {
      s3Error(ex, 403, "AccessDenied", "Request has expired");
      return;
    }
    ex.stream(
        200,
        "application/gzip",
        out -> {
          try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
            if (job.format().equals("csv")) {
              Auth0CsvExport.write(job.fields(), users(job), job.edits(), gz);
            } else {
              Iterable<Map<String, Object>> it = () -> exported(job).iterator();
              SyntheticUsers.writeNdjson(it, gz);
            }
          }
        });
  }

  /** See {@link Auth0Emulator#exportedUsers}. */
  Stream<Map<String, Object>> exportedUsers(String jobId) {
    Job job = jobs.get(jobId);
    if (job == null) {
      throw new IllegalArgumentException("No job " + jobId);
    }
    return exported(job);
  }

  /** See {@link Auth0Emulator#jobIds}. */
  List<String> jobIds() {
    return jobs.values().stream()
        .sorted((a, b) -> a.id().compareTo(b.id()))
        .map(Job::id)
        .collect(Collectors.toList());
  }

  private Stream<Map<String, Object>> exported(Job job) {
    return users(job).map(u -> project(u, job.fields(), job.edits()));
  }

  /** The users a job exports, before projection. */
  private Stream<? extends Map<String, ?>> users(Job job) {
    Stream<? extends Map<String, ?>> all = StreamSupport.stream(users.spliterator(), false);
    if (job.connectionName() != null) {
      all = all.filter(u -> hasConnection(u, job.connectionName()));
    }
    if (job.limit() != null) {
      all = all.limit(job.limit());
    }
    return all;
  }

  private static boolean hasConnection(Map<String, ?> user, String connection) {
    Object identities = user.get("identities");
    if (identities instanceof Iterable) {
      for (Object i : (Iterable<?>) identities) {
        if (i instanceof Map && connection.equals(((Map<?, ?>) i).get("connection"))) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * A user as the JSON export holds it: each field asked for, under its {@code export_as} name if
   * it has one, a nested name (such as {@code identities[0].connection}) in its place in the tree.
   */
  private static Map<String, Object> project(
      Map<String, ?> user, List<Field> fields, Map<String, Map<String, String>> edits) {
    Map<String, ?> current = edited(user, edits);
    Map<String, Object> out = new LinkedHashMap<>();
    for (Field f : fields) {
      if (f.path() == null) {
        continue;
      }
      if (f.exportAs() == null && f.path().isTopLevel()) {
        if (current.containsKey(f.name())) {
          out.put(f.name(), current.get(f.name()));
        }
        continue;
      }
      Object value = f.path().resolve(current);
      if (value == null) {
        continue;
      }
      if (f.exportAs() != null) {
        out.put(f.exportAs(), value);
      } else {
        Auth0CsvExport.assign(out, f.path().segments(), value);
      }
    }
    return out;
  }

  /** The user with the profile edits made before the job, if any. */
  static Map<String, ?> edited(Map<String, ?> user, Map<String, Map<String, String>> edits) {
    Object id = edits.isEmpty() ? null : user.get("user_id");
    Map<String, String> edited = id instanceof String ? edits.get(id) : null;
    if (edited == null) {
      return user;
    }
    Map<String, Object> copy = new LinkedHashMap<>(user);
    copy.putAll(edited);
    return copy;
  }

  private String sign(String jobId, long expires) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
      byte[] sig = mac.doFinal((jobId + "\n" + expires).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sig);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static void s3Error(Exchange ex, int status, String code, String message)
      throws IOException {
    ex.text(
        status,
        "application/xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
            + code
            + "</Code><Message>"
            + message
            + "</Message></Error>");
  }
}
