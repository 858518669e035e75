package io.leadbridge.auth0;

import io.leadbridge.core.internal.Json;
import io.leadbridge.core.internal.SafeListener;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import io.leadbridge.core.internal.http.Endpoints;
import io.leadbridge.core.internal.http.HttpEngine;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of {@link Auth0ExportJob#open()}: resolves the connection, creates the users-exports job,
 * waits for it with growing pauses, and downloads its file to an owner-only temporary file, asking
 * for a fresh link when one is refused. Calls Auth0 only through its {@link ManagementApi}, which
 * holds the run's deadline. One run, one thread.
 */
final class ExportJobRun {
  private static final Logger LOG = LoggerFactory.getLogger(Auth0ExportJob.class);
  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  private static final int MAX_LINK_REFRESHES = 3;
  private static final String READ_USERS = "read:users";

  private final Instant started;
  private final ManagementApi api;
  private final Consumer<Auth0JobProgress> progress;
  private final String connectionId;
  private final String connectionName;
  private final Long limit;
  private final List<String> fields;
  private final Duration pollInterval;
  private final Duration maxPollInterval;
  private final Clock clock;
  private final Path tempDirectory;

  ExportJobRun(Auth0ExportJob job) {
    this.clock = job.clock();
    this.started = clock.instant();
    HttpClient http =
        job.httpClient() != null
            ? job.httpClient()
            : HttpEngine.defaultClient(Duration.ofSeconds(20));
    this.api = new ManagementApi(job, http, started.plus(job.timeout()));
    this.progress = SafeListener.of(job.listener()::onProgress, "Auth0 export");
    this.connectionId = job.connectionId();
    this.connectionName = job.connectionName();
    this.limit = job.limit();
    this.fields = job.fields();
    this.pollInterval = job.pollInterval();
    this.maxPollInterval = job.maxPollInterval();
    this.tempDirectory = job.tempDirectory();
  }

  Auth0ExportSource run() {
    String connection = connectionId != null ? connectionId : resolveConnection(api);

    Map<String, Object> body = new LinkedHashMap<>();
    if (connection != null) {
      body.put("connection_id", connection);
    }
    body.put("format", "json");
    if (limit != null) {
      body.put("limit", limit);
    }
    List<Object> fieldList = new ArrayList<>();
    for (String f : fields) {
      fieldList.add(Map.of("name", f));
    }
    body.put("fields", fieldList);
    Map<String, Object> job =
        api.post("/api/v2/jobs/users-exports", body, "creating the users-exports job", READ_USERS);
    String jobId = Json.string(job, "id");
    if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
      throw new Auth0ServiceException(
          "Auth0 created the export job but its answer holds no usable job id; check that the"
              + " domain is an Auth0 tenant.",
          200,
          null,
          null,
          false);
    }
    api.jobId(jobId);
    LOG.info("Auth0 export job {} created for {} fields", jobId, fields.size());

    job = awaitCompletion(api, jobId, job, started, progress);
    Path file = createTempFile();
    try {
      long bytes = download(api, jobId, job, file, started);
      LOG.info("Auth0 export job {} downloaded: {} bytes", jobId, bytes);
      return new Auth0ExportSource(jobId, bytes, file);
    } catch (RuntimeException e) {
      deleteQuietly(file, e);
      throw e;
    }
  }

  private String resolveConnection(ManagementApi api) {
    if (connectionName == null) {
      return null;
    }
    String what = "looking up the connection named '" + connectionName + "'";
    Object answer =
        api.get(
            "/api/v2/connections?name="
                + URLEncoder.encode(connectionName, StandardCharsets.UTF_8)
                + "&fields=id,name&include_fields=true",
            what,
            "read:connections");
    if (answer instanceof List) {
      for (Object item : (List<?>) answer) {
        if (item instanceof Map) {
          @SuppressWarnings("unchecked")
          Map<String, Object> c = (Map<String, Object>) item;
          if (connectionName.equals(Json.string(c, "name")) && Json.string(c, "id") != null) {
            return Json.string(c, "id");
          }
        }
      }
    }
    throw new Auth0Exception(
        "The tenant has no connection named '"
            + connectionName
            + "'. Check the name in Authentication > Database / Social / Enterprise, or set"
            + " connectionId(...) instead.");
  }

  private Map<String, Object> awaitCompletion(
      ManagementApi api,
      String jobId,
      Map<String, Object> job,
      Instant started,
      Consumer<Auth0JobProgress> progress) {
    Duration wait = pollInterval;
    String path = "/api/v2/jobs/" + jobId;
    while (true) {
      String status = Objects.requireNonNullElse(Json.string(job, "status"), "");
      String normalized = status.toLowerCase(Locale.ROOT);
      int percent = (int) Math.max(0, Math.min(100, Json.number(job, "percentage_done", 0)));
      long timeLeft = Json.number(job, "time_left_seconds", -1);
      if (normalized.equals("completed")) {
        percent = 100;
      }
      progress.accept(
          new Auth0JobProgress(
              jobId, status, percent, timeLeft, Duration.between(started, clock.instant())));
      LOG.debug("Auth0 export job {} is {} ({}% done)", jobId, status, percent);
      switch (normalized) {
        case "completed":
          return job;
        case "failed":
        case "expired":
          throw jobEnded(jobId, status, job);
        default:
          break;
      }
      Duration next = wait;
      if (timeLeft > 0 && Duration.ofSeconds(timeLeft).compareTo(next) < 0) {
        next =
            Duration.ofSeconds(timeLeft).compareTo(pollInterval) < 0
                ? pollInterval
                : Duration.ofSeconds(timeLeft);
      }
      api.pause(next, "waiting for export job " + jobId + " (" + percent + "% done)");
      Object answer = api.get(path, "reading the status of export job " + jobId, READ_USERS);
      job = asObject(answer, jobId);
      long grown = (long) (wait.toMillis() * 1.5);
      wait = Duration.ofMillis(Math.min(grown, maxPollInterval.toMillis()));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asObject(Object answer, String jobId) {
    if (!(answer instanceof Map)) {
      throw new Auth0ServiceException(
          "Auth0's answer about export job " + jobId + " is not a JSON object; try again later.",
          200,
          null,
          null,
          true);
    }
    return (Map<String, Object>) answer;
  }

  private static Auth0JobException jobEnded(String jobId, String status, Map<String, Object> job) {
    StringBuilder details = new StringBuilder();
    for (String key : List.of("status_details", "summary", "message", "error")) {
      Object v = job.get(key);
      if (v != null) {
        String text = v instanceof String ? (String) v : Json.write(v);
        if (text.length() > 300) {
          text = text.substring(0, 300) + "…";
        }
        details.append(details.length() == 0 ? "; details: " : ", ").append(text);
      }
    }
    String advice =
        "expired".equalsIgnoreCase(status)
            ? ". Its data is deleted 24 hours after it ends: run the export again."
            : ". Check the tenant's logs for the job, then run the export again.";
    return new Auth0JobException(
        "Auth0 export job " + jobId + " ended with status '" + status + "'" + details + advice,
        jobId,
        status);
  }

  private long download(
      ManagementApi api, String jobId, Map<String, Object> job, Path file, Instant started) {
    String path = "/api/v2/jobs/" + jobId;
    int refused = 0;
    int lastStatus = 0;
    while (true) {
      String location = Json.string(job, "location");
      if (location == null || location.isBlank()) {
        throw new Auth0ServiceException(
            "Auth0 export job " + jobId + " completed without a download location; run it again.",
            200,
            null,
            null,
            true);
      }
      URI uri;
      try {
        uri = Endpoints.check(URI.create(location.trim()), "The download link of export job");
      } catch (IllegalArgumentException e) {
        throw new Auth0Exception(
            "The download link of export job "
                + jobId
                + " is not an https URL; refusing to download it.");
      }
      try {
        return api.download(uri, file);
      } catch (ManagementApi.LinkRefusedException e) {
        refused++;
        lastStatus = e.status;
        LOG.debug(
            "Download link of job {} refused (HTTP {}); getting a fresh one", jobId, e.status);
        if (refused > MAX_LINK_REFRESHES) {
          throw new Auth0ServiceException(
              "The download link of export job "
                  + jobId
                  + " was refused "
                  + refused
                  + " times (last HTTP "
                  + lastStatus
                  + ") although a fresh link was asked for each time. Check the machine's clock"
                  + " and any proxy, then run the export again.",
              lastStatus,
              null,
              null,
              false);
        }
        Object answer = api.get(path, "getting a fresh download link for job " + jobId, READ_USERS);
        job = asObject(answer, jobId);
        String status = Objects.requireNonNullElse(Json.string(job, "status"), "");
        if (!"completed".equalsIgnoreCase(status)) {
          throw jobEnded(jobId, status, job);
        }
      }
    }
  }

  private Path createTempFile() {
    try {
      Path dir =
          tempDirectory != null ? tempDirectory : Path.of(System.getProperty("java.io.tmpdir"));
      return OwnerOnlyFiles.createProcessTempFile(dir, "leadbridge-auth0-", ".json.gz");
    } catch (IOException e) {
      throw new Auth0Exception(
          "Cannot create a temporary file for the Auth0 export ("
              + e.getMessage()
              + "); set tempDirectory(...) to a writable directory.",
          e);
    }
  }

  private static void deleteQuietly(Path file, RuntimeException failure) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
