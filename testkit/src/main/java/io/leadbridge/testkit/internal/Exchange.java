package io.leadbridge.testkit.internal;

import com.sun.net.httpserver.HttpExchange;
import io.leadbridge.core.internal.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request as a service's handler sees it, and the means to answer it once. Used by one server
 * thread at a time; not thread-safe.
 */
public final class Exchange {

  /** Writes a streamed answer's body. */
  @FunctionalInterface
  public interface BodyWriter {
    /**
     * Writes the body.
     *
     * @param out the body stream; closed by the exchange afterwards
     * @throws IOException if writing fails
     */
    void write(OutputStream out) throws IOException;
  }

  private final HttpExchange http;
  private final URI baseUri;
  private final String jsonType;
  private final RequestLog.Entry<?> request;
  private final byte[] body;
  private final Fault fault;
  private final int concurrent;
  private int status;

  Exchange(
      HttpExchange http,
      URI baseUri,
      String jsonType,
      RequestLog.Entry<?> request,
      byte[] body,
      Fault fault,
      int concurrent) {
    this.http = http;
    this.baseUri = baseUri;
    this.jsonType = jsonType;
    this.request = request;
    this.body = body;
    this.fault = fault;
    this.concurrent = concurrent;
  }

  /**
   * The emulator's base URI, such as {@code http://127.0.0.1:54321}, for links in answers.
   *
   * @return the base URI
   */
  public URI baseUri() {
    return baseUri;
  }

  /**
   * The HTTP method.
   *
   * @return the method
   */
  public String method() {
    return request.method();
  }

  /**
   * The raw path, without the query.
   *
   * @return the path
   */
  public String path() {
    return request.path();
  }

  /**
   * The raw query.
   *
   * @return the query, or {@code null}
   */
  public String query() {
    return request.query();
  }

  /**
   * The headers, names in lower case.
   *
   * @return the unmodifiable headers
   */
  public Map<String, List<String>> headers() {
    return request.headers();
  }

  /**
   * The first value of a header.
   *
   * @param name the name, any case
   * @return the value, or {@code null}
   */
  public String header(String name) {
    List<String> values = request.headers().get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /**
   * The body.
   *
   * @return the bytes; not a copy
   */
  public byte[] body() {
    return body;
  }

  /**
   * The body as UTF-8 text.
   *
   * @return the text
   */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * When the request arrived, by the emulator's clock.
   *
   * @return the instant
   */
  public Instant received() {
    return request.received();
  }

  /**
   * How many requests the emulator was answering when this one started, this one included.
   *
   * @return 1 or more
   */
  public int concurrent() {
    return concurrent;
  }

  /**
   * Sets a header of the answer.
   *
   * @param name the name
   * @param value the value
   */
  public void setHeader(String name, String value) {
    http.getResponseHeaders().set(name, value);
  }

  /**
   * Marks the point where the request has been acted on: a {@link Fault.Kind#DROP_AFTER_ACCEPT}
   * fault drops the connection here instead of answering.
   *
   * @throws RuntimeException to drop the connection, when the fault is set
   */
  public void accepted() {
    if (fault != null && fault.kind() == Fault.Kind.DROP_AFTER_ACCEPT) {
      throw drop();
    }
  }

  /**
   * Closes the connection without an answer: throw what this returns.
   *
   * @return the exception that makes the server drop the connection
   */
  public static RuntimeException drop() {
    return new EmulatorServer.Dropped();
  }

  /**
   * Answers with a JSON document, in the emulator's JSON content type.
   *
   * @param status the HTTP status
   * @param tree the document: maps, lists, strings, numbers, booleans
   * @throws IOException if the answer cannot be sent
   */
  public void json(int status, Object tree) throws IOException {
    bytes(status, jsonType, Json.write(tree).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Answers with text in UTF-8.
   *
   * @param status the HTTP status
   * @param contentType the content type, sent as it is
   * @param text the body
   * @throws IOException if the answer cannot be sent
   */
  public void text(int status, String contentType, String text) throws IOException {
    bytes(status, contentType, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Answers with a body of known length.
   *
   * @param status the HTTP status
   * @param contentType the content type, sent as it is
   * @param bytes the body
   * @throws IOException if the answer cannot be sent
   */
  public void bytes(int status, String contentType, byte[] bytes) throws IOException {
    http.getResponseHeaders().set("Content-Type", contentType);
    http.sendResponseHeaders(status, bytes.length);
    this.status = status;
    try (OutputStream out = http.getResponseBody()) {
      out.write(bytes);
    }
  }

  /**
   * Answers with a body streamed in chunks, for long answers such as files.
   *
   * @param status the HTTP status
   * @param contentType the content type, sent as it is
   * @param writer writes the body
   * @throws IOException if the answer cannot be sent
   */
  public void stream(int status, String contentType, BodyWriter writer) throws IOException {
    http.getResponseHeaders().set("Content-Type", contentType);
    http.sendResponseHeaders(status, 0);
    this.status = status;
    try (OutputStream out = http.getResponseBody()) {
      writer.write(out);
    }
  }

  /** The status sent, 0 if none yet. */
  int status() {
    return status;
  }
}
