package io.leadbridge.core.internal.http;

import java.net.http.HttpHeaders;
import java.util.Objects;
import java.util.Optional;

/**
 * A service's answer to one attempt of a call, as its classifier sees it.
 *
 * @param status the HTTP status
 * @param headers the response headers
 * @param body the body as text; empty for a download written to its file
 */
public record Answer(int status, HttpHeaders headers, String body) {
  /**
   * Checks the fields.
   *
   * @param status the HTTP status
   * @param headers the response headers
   * @param body the body; {@code null} is read as empty
   */
  public Answer {
    Objects.requireNonNull(headers, "headers");
    body = body == null ? "" : body;
  }

  /**
   * The first value of a header.
   *
   * @param name the header's name, in any case
   * @return its first value, or empty
   */
  public Optional<String> header(String name) {
    return headers.firstValue(name);
  }

  /**
   * Whether the status is 2xx.
   *
   * @return true for a successful status
   */
  public boolean successful() {
    return status / 100 == 2;
  }

  /**
   * Shows the status and size only: a body may hold a token.
   *
   * @return a description without the body
   */
  @Override
  public String toString() {
    return "Answer[HTTP " + status + ", " + body.length() + " chars]";
  }
}
