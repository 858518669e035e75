package io.leadbridge.marketo;

import io.leadbridge.core.internal.Json;
import io.leadbridge.core.internal.http.Answer;
import io.leadbridge.core.internal.http.RemoteService;
import io.leadbridge.core.internal.http.Verdict;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * How Marketo's answers read, for the shared engine. Marketo reports most errors as HTTP 200 with
 * {@code "success": false} and a code in {@code errors}: 601/602 (token expired or invalid) renew
 * the token once; {@link #RETRYABLE rate limits, a full import queue and busy-server codes} are
 * retried with back-off; 607 (daily quota) and the caller's mistakes stop at once. Of the HTTP
 * statuses, 413 means a file too large, 429 a rate limit, 5xx a failing server. Also words the
 * failures no answer classifies. Thread-safe.
 */
final class MarketoAnswers implements RemoteService {
  static final String SERVICE = "Marketo";

  /** Codes worth retrying: rate limits, a full queue, a busy or failing server. */
  static final Set<String> RETRYABLE =
      Set.of("502", "604", "606", "608", "611", "615", "713", "719", "1016", "1019");

  /** Codes that mean the access token expired or is invalid. */
  static final Set<String> TOKEN = Set.of("601", "602");

  private final UnaryOperator<String> redact;

  MarketoAnswers(UnaryOperator<String> redact) {
    this.redact = redact;
  }

  /** An answer of the REST or bulk API: a JSON object with {@code success}. */
  Verdict json(Answer a, String what) {
    Verdict byStatus = byStatus(a, what);
    if (byStatus != null) {
      return byStatus;
    }
    Object parsed = Json.parse(a.body());
    if (!(parsed instanceof Map)) {
      return Verdict.fail(
          new MarketoTransportException(
              "Marketo's answer to " + what + " was not JSON (HTTP " + a.status() + ")."));
    }
    Map<String, Object> answer = Json.object(parsed);
    if (Boolean.TRUE.equals(answer.get("success"))) {
      return Verdict.accept();
    }
    List<?> errors = Json.array(answer.get("errors"));
    Map<String, Object> error = errors.isEmpty() ? Map.of() : Json.object(errors.get(0));
    String code = String.valueOf(error.getOrDefault("code", "unknown"));
    String message = Json.string(error, "message");
    String requestId = Json.string(answer, "requestId");
    int status = a.status();
    if (TOKEN.contains(code)) {
      return Verdict.renewToken(n -> failure(status, code, message, requestId, false, what));
    }
    if (RETRYABLE.contains(code)) {
      return Verdict.retry(n -> failure(status, code, message, requestId, true, what));
    }
    return Verdict.fail(failure(status, code, message, requestId, false, what));
  }

  /** A file answer (failures, warnings): the body is the file, unless it is a JSON error. */
  Verdict file(Answer a, String what) {
    Verdict byStatus = byStatus(a, what);
    if (byStatus != null) {
      return byStatus;
    }
    String type = a.header("Content-Type").orElse("");
    boolean jsonError = type.contains("json") && a.body().stripLeading().startsWith("{\"");
    return jsonError ? json(a, what) : Verdict.accept();
  }

  /** The identity endpoint's answer. */
  Verdict token(Answer a) {
    String what = "the access token";
    if (a.status() == 429 || a.status() >= 500) {
      return byStatus(a, what);
    }
    Object parsed = Json.parse(a.body());
    if (!(parsed instanceof Map)) {
      return Verdict.fail(
          new MarketoTransportException(
              "The identity endpoint's answer was not JSON (HTTP "
                  + a.status()
                  + "); check the endpoint."));
    }
    Map<String, Object> answer = Json.object(parsed);
    if (a.status() == 401 || a.status() == 400 || answer.containsKey("error")) {
      String error = Json.string(answer, "error");
      String description = Json.string(answer, "error_description");
      return Verdict.fail(
          new MarketoServiceException(
              "Marketo's identity endpoint answered HTTP "
                  + a.status()
                  + (error == null ? "" : " " + error)
                  + (description == null ? "" : " (" + redact.apply(description) + ")")
                  + ": the client id or secret was refused; check them in Admin > LaunchPoint.",
              a.status(),
              error,
              null,
              false));
    }
    return Verdict.accept();
  }

  /** What the HTTP status alone decides, or null when the body must be read. */
  private Verdict byStatus(Answer a, String what) {
    int status = a.status();
    if (status == 413) {
      return Verdict.fail(
          new MarketoServiceException(
              413, null, "file too large", null, false, "the file must be under 10 MB."));
    }
    if (status == 429) {
      return Verdict.rateLimited(
          n ->
              new MarketoServiceException(
                  429,
                  null,
                  "too many requests",
                  null,
                  true,
                  "the instance's rate limit was hit during "
                      + what
                      + " "
                      + n
                      + " times in a row; other integrations may be using it. Run again later or"
                      + " lower the call budget."));
    }
    if (status >= 500) {
      return Verdict.retry(
          n ->
              new MarketoServiceException(
                  status,
                  null,
                  "server error",
                  null,
                  true,
                  "Marketo kept failing during "
                      + what
                      + " after "
                      + n
                      + " attempts; run again"
                      + " later."));
    }
    return null;
  }

  private MarketoServiceException failure(
      int status, String code, String message, String requestId, boolean retryable, String what) {
    return new MarketoServiceException(
        status,
        code,
        message == null ? null : redact.apply(message),
        requestId,
        retryable,
        advice(code, what));
  }

  static String advice(String code, String what) {
    switch (code) {
      case "601":
      case "602":
        return "the access token was refused twice during " + what + "; check the API user's role.";
      case "603":
        return "access denied: give the API user's role the Read-Write Lead permission.";
      case "607":
        return "the instance's daily API quota is used up; run again after midnight (instance"
            + " time), or ask Adobe for a larger quota.";
      case "1003":
        return "the file or request was refused during " + what + " (an empty file?).";
      case "1016":
        return "the import queue stayed full (10 jobs) during " + what + "; run again later.";
      case "606":
      case "615":
        return "the instance's rate limit was hit during "
            + what
            + " after every retry; other"
            + " integrations may be using it. Run again later or lower the call budget.";
      default:
        return RETRYABLE.contains(code)
            ? "Marketo stayed busy during " + what + "; run again later."
            : "the request for " + what + " was refused.";
    }
  }

  // ------------------------------------------------------------------------------ no answer

  @Override
  public String name() {
    return SERVICE;
  }

  @Override
  public RuntimeException noAnswer(String what, int attempts, String reason, IOException cause) {
    return new MarketoTransportException(
        "Marketo could not be reached for "
            + what
            + " after "
            + attempts
            + " attempts ("
            + reason
            + "); check the network and the endpoint, then run again.",
        cause);
  }

  @Override
  public RuntimeException uncertainUpload(String what, IOException cause) {
    return new MarketoUncertainUploadException(
        "The connection dropped during "
            + what
            + " after the file was sent; Marketo may have accepted it. It was not sent again,"
            + " since a second import of the same rows duplicates lead activity.",
        cause);
  }

  @Override
  public RuntimeException interrupted(String what, InterruptedException cause) {
    return new MarketoException("Interrupted while waiting for Marketo (" + what + ").", cause);
  }
}
