package io.leadbridge.marketo;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.csv.CsvReader;
import io.leadbridge.core.internal.Json;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import io.leadbridge.core.internal.http.Answer;
import io.leadbridge.core.internal.http.Call;
import io.leadbridge.core.internal.http.Deadline;
import io.leadbridge.core.internal.http.Endpoints;
import io.leadbridge.core.internal.http.HttpEngine;
import io.leadbridge.core.internal.http.TokenCache;
import io.leadbridge.core.internal.http.Verdict;
import io.leadbridge.core.remote.RetryPolicy;
import io.leadbridge.core.remote.Sleeper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Marketo's calls over the shared {@link HttpEngine}: the token from {@code /identity/oauth/token}
 * (sent only in the {@code Authorization} header), uploads, batch status, failure and warning
 * files, lead fields. How answers read is {@link MarketoAnswers}'. Thread-safe; one per client.
 */
final class MarketoTransport implements ImportApi {
  private final URI endpoint;
  private final String clientId;
  private final String clientSecret;
  private final HttpEngine engine;
  private final MarketoAnswers answers;
  private final AtomicLong tokenCalls = new AtomicLong();
  private volatile List<LeadField> leadFields;

  MarketoTransport(
      URI endpoint,
      String clientId,
      String clientSecret,
      HttpClient http,
      Duration requestTimeout,
      RetryPolicy retryPolicy,
      CallBudget budget,
      Clock clock,
      Sleeper sleeper) {
    this.endpoint = endpoint;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.answers = new MarketoAnswers(this::redact);
    this.engine =
        HttpEngine.builder(answers, http)
            .clock(clock)
            .sleeper(sleeper)
            .retryPolicy(retryPolicy)
            .requestTimeout(requestTimeout)
            .callLimit(budget.maxCalls(), budget.window(), budget.maxConcurrentCalls())
            .tokens(this::fetchToken)
            .secret(clientSecret)
            .build();
  }

  /** The endpoint as calls use it, checked: https, or http to a loopback host; no {@code /rest}. */
  static URI endpoint(URI endpoint) {
    if (endpoint.getHost() == null || endpoint.getScheme() == null) {
      throw new IllegalArgumentException(
          "The endpoint must be a URL such as https://123-ABC-456.mktorest.com");
    }
    Endpoints.check(endpoint, "The Marketo endpoint");
    String s = endpoint.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.endsWith("/rest")) {
      s = s.substring(0, s.length() - 5);
    }
    return URI.create(s);
  }

  private String redact(String text) {
    return engine == null ? text : engine.redact(text);
  }

  private URI uri(String path) {
    return URI.create(endpoint + path);
  }

  private Map<String, Object> json(String what, Call.Builder call, Deadline deadline) {
    Answer a =
        engine.send(
            call.authorized().classifier(x -> answers.json(x, what)).deadline(deadline).build());
    return Json.object(Json.parse(a.body()));
  }

  /** Uploads one file given by the caller, which must be under 10 MB. */
  BatchStatus uploadOne(Path file, ImportOptions options, boolean headerCheck) {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new MarketoException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    if (size >= 10_000_000L) {
      throw new MarketoException(
          file.getFileName()
              + " is "
              + size
              + " bytes; Marketo takes files under 10 MB. Use importAndAwait, which splits it.");
    }
    if (headerCheck) {
      checkHeader(HeaderCheck.readHeader(file, options.format()), Deadline.none());
    }
    String name = file.getFileName().toString();
    return upload(file, name, options.format(), options, Deadline.none());
  }

  @Override
  public BatchStatus upload(
      BulkTarget target,
      Path file,
      String name,
      CsvFormat format,
      ImportOptions options,
      Deadline deadline) {
    Multipart body = Multipart.withRandomBoundary();
    String marketoFormat = ImportOptions.marketoFormat(format);
    if (target.isLeads()) {
      target.uploadParameters(options, marketoFormat).forEach(body::field);
    }
    body.file("file", name, "text/csv", file);
    String what = "upload " + name;
    try {
      Call.Builder call =
          Call.post(
              what,
              uri(target.uploadPathAndQuery(options, marketoFormat)),
              body.contentType(),
              body.publisher());
      if (options.uncertainUploads() != ImportOptions.UncertainUploads.UPLOAD_AGAIN) {
        call.upload(); // a lost answer is reported or resolved, not retried blindly
      }
      return batch(json(what, call, deadline));
    } catch (FileNotFoundException e) {
      throw new MarketoException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  BatchStatus upload(
      Path file, String name, CsvFormat format, ImportOptions options, Deadline deadline) {
    return upload(BulkTarget.leads(), file, name, format, options, deadline);
  }

  @Override
  public BatchStatus status(BulkTarget target, long batchId, Deadline deadline) {
    String what = "status of batch " + batchId;
    return batch(json(what, Call.get(what, uri(target.statusPath(batchId))), deadline));
  }

  private static BatchStatus batch(Map<String, Object> answer) {
    List<?> result = Json.array(answer.get("result"));
    Map<String, Object> r = result.isEmpty() ? Map.of() : Json.object(result.get(0));
    String message = Json.string(r, "message");
    return new BatchStatus(
        Json.number(r, "batchId", 0),
        Optional.ofNullable(Json.string(r, "importId")),
        BatchStatus.State.parse(Json.string(r, "status")),
        r.containsKey("numOfObjectsProcessed")
            ? Json.number(r, "numOfObjectsProcessed", 0)
            : Json.number(r, "numOfLeadsProcessed", 0),
        Json.number(r, "numOfRowsFailed", 0),
        Json.number(r, "numOfRowsWithWarning", 0),
        message == null ? "" : message);
  }

  @Override
  public BatchRows failures(BulkTarget target, long batchId, CsvFormat format, Deadline deadline) {
    return rows(target, batchId, "failures", format, deadline);
  }

  @Override
  public BatchRows warnings(BulkTarget target, long batchId, CsvFormat format, Deadline deadline) {
    return rows(target, batchId, "warnings", format, deadline);
  }

  /**
   * A batch's failures or warnings file. For program members and custom objects Marketo answers
   * HTTP 404 when the batch has no such rows: that reads as no rows.
   */
  private BatchRows rows(
      BulkTarget target, long batchId, String kind, CsvFormat format, Deadline deadline) {
    Path temp;
    try {
      temp =
          OwnerOnlyFiles.createTempFile(
              Path.of(System.getProperty("java.io.tmpdir")), "leadbridge-" + kind + "-", ".txt");
    } catch (IOException e) {
      throw new MarketoException("Cannot create a temporary file: " + e.getMessage(), e);
    }
    try {
      String what = kind + " of batch " + batchId;
      boolean noneIs404 = !target.isLeads();
      Call call =
          Call.get(what, uri(target.rowsPath(batchId, kind)))
              .authorized()
              .classifier(
                  a -> noneIs404 && a.status() == 404 ? Verdict.accept() : answers.file(a, what))
              .deadline(deadline)
              .build();
      Answer answer = engine.send(call);
      Files.writeString(temp, answer.status() == 404 ? "" : answer.body(), StandardCharsets.UTF_8);
      CsvReader reader =
          format.toBuilder().charset(StandardCharsets.UTF_8).build().openReader(temp);
      return new BatchRows(temp, reader);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // the original problem is the one to report
      }
      if (e instanceof RuntimeException) {
        throw (RuntimeException) e;
      }
      throw new MarketoException("Cannot store the " + kind + " of batch " + batchId, e);
    }
  }

  /**
   * The fields a header may name for a target, the columns every row must fill, and the column that
   * traces a row back to its user; for program members and custom objects, checks the target first
   * (the program and the status, the object), so that nothing is uploaded to a target that cannot
   * take it.
   */
  @Override
  public ImportApi.TargetFields targetFields(
      BulkTarget target, ImportOptions options, Deadline deadline) {
    switch (target.kind()) {
      case PROGRAM_MEMBERS:
        return MarketoTargets.programMembers(this, target, deadline);
      case CUSTOM_OBJECT:
        return MarketoTargets.customObject(this, target, options, deadline);
      default:
        return new ImportApi.TargetFields(
            target, describeLeadFields(deadline), List.of(options.lookupField()));
    }
  }

  /** A GET of the REST or asset API, answered as JSON. */
  Map<String, Object> getJson(String what, String pathAndQuery, Deadline deadline) {
    return json(what, Call.get(what, uri(pathAndQuery)), deadline);
  }

  /** The instance's lead fields, read once and cached for the client's life. */
  List<LeadField> describeLeadFields(Deadline deadline) {
    List<LeadField> fields = leadFields;
    if (fields == null) {
      String what = "describe lead fields";
      Map<String, Object> answer =
          json(what, Call.get(what, uri("/rest/v1/leads/describe2.json")), deadline);
      List<LeadField> out = new ArrayList<>();
      for (Object o : Json.array(answer.get("result"))) {
        for (Object f : Json.array(Json.object(o).get("fields"))) {
          Map<String, Object> m = Json.object(f);
          String name = Json.string(m, "name");
          if (name == null) {
            continue; // no REST name: no header can use it
          }
          out.add(
              new LeadField(
                  name,
                  Json.string(m, "displayName"),
                  Json.string(m, "dataType"),
                  (int) Json.number(m, "length", 0),
                  !Boolean.FALSE.equals(m.get("updateable"))));
        }
      }
      fields = List.copyOf(out);
      leadFields = fields;
    }
    return fields;
  }

  void checkHeader(List<String> header, Deadline deadline) {
    HeaderCheck.check(header, describeLeadFields(deadline));
  }

  @Override
  public List<LeadField> leadFields(Deadline deadline) {
    return describeLeadFields(deadline);
  }

  /**
   * The longest URL Marketo takes in a GET; a longer query goes as a form (Adobe's error codes).
   */
  static final int MAX_URL = 8_000;

  @Override
  public List<Map<String, Object>> leads(
      String filterType, List<String> values, List<String> fields, Deadline deadline) {
    String query =
        "filterType="
            + encode(filterType)
            + "&filterValues="
            + encode(String.join(",", values))
            + "&fields="
            + encode(String.join(",", fields));
    String what = "a lookup of " + values.size() + " leads";
    URI get = uri("/rest/v1/leads.json?" + query);
    Call.Builder call =
        get.toString().length() <= MAX_URL
            ? Call.get(what, get)
            : Call.post(
                what,
                uri("/rest/v1/leads.json?_method=GET"),
                "application/x-www-form-urlencoded",
                HttpRequest.BodyPublishers.ofString(query, StandardCharsets.UTF_8));
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object o : Json.array(json(what, call, deadline).get("result"))) {
      out.add(Json.object(o));
    }
    return out;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public long usageToday(Deadline deadline) {
    String what = "today's API usage";
    Map<String, Object> answer =
        json(what, Call.get(what, uri("/rest/v1/stats/usage.json")), deadline);
    List<?> result = Json.array(answer.get("result"));
    return result.isEmpty() ? 0 : Json.number(Json.object(result.get(0)), "total", 0);
  }

  @Override
  public long calls() {
    return engine.calls();
  }

  @Override
  public long tokenCalls() {
    return tokenCalls.get();
  }

  @Override
  public void pause(Duration wait, String what, Deadline deadline) {
    engine.pause(wait, what, deadline);
  }

  private TokenCache.Token fetchToken(Deadline deadline) {
    URI uri =
        uri(
            "/identity/oauth/token?grant_type=client_credentials&client_id="
                + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret="
                + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8));
    long before = engine.calls();
    Answer a;
    try {
      a =
          engine.send(
              Call.get("the access token", uri)
                  .secretUrl()
                  .classifier(answers::token)
                  .deadline(deadline)
                  .build());
    } finally {
      tokenCalls.addAndGet(engine.calls() - before);
    }
    Map<String, Object> answer = Json.object(Json.parse(a.body()));
    String token = Json.string(answer, "access_token");
    if (token == null || token.isEmpty()) {
      throw new MarketoServiceException(
          a.status(),
          null,
          "no access_token in the answer",
          Json.string(answer, "requestId"),
          false,
          "check the endpoint.");
    }
    return new TokenCache.Token(token, Json.number(answer, "expires_in", 0));
  }

  @Override
  public String toString() {
    return "MarketoTransport[" + endpoint + "]";
  }
}
