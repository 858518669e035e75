package io.leadbridge.core.internal.http;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One call to a remote service, as the engine sends it, perhaps several times: its request, how its
 * answers are classified, and what the engine must know to send it safely. Immutable.
 */
public final class Call {
  private final String what;
  private final URI uri;
  private final HttpRequest.BodyPublisher body;
  private final Map<String, String> headers;
  private final boolean authorized;
  private final boolean upload;
  private final boolean secretUrl;
  private final Path downloadTo;
  private final AnswerClassifier classifier;
  private final Deadline deadline;

  private Call(Builder b) {
    this.what = b.what;
    this.uri = b.uri;
    this.body = b.body;
    this.headers = Map.copyOf(b.headers);
    this.authorized = b.authorized;
    this.upload = b.upload;
    this.secretUrl = b.secretUrl;
    this.downloadTo = b.downloadTo;
    this.classifier = Objects.requireNonNull(b.classifier, "classifier");
    this.deadline = b.deadline;
  }

  /**
   * A GET.
   *
   * @param what what the call does, for messages and the log: {@code "reading batch 12"}; never a
   *     secret
   * @param uri the URL
   * @return a builder
   */
  public static Builder get(String what, URI uri) {
    return new Builder(what, uri, null);
  }

  /**
   * A POST.
   *
   * @param what what the call does, for messages and the log; never a secret
   * @param uri the URL
   * @param contentType the body's media type
   * @param body the body; it must be able to send its content again for a retry
   * @return a builder
   */
  public static Builder post(
      String what, URI uri, String contentType, HttpRequest.BodyPublisher body) {
    return new Builder(what, uri, Objects.requireNonNull(body, "body"))
        .header("Content-Type", contentType);
  }

  String what() {
    return what;
  }

  URI uri() {
    return uri;
  }

  HttpRequest.BodyPublisher body() {
    return body;
  }

  Map<String, String> headers() {
    return headers;
  }

  boolean authorized() {
    return authorized;
  }

  boolean upload() {
    return upload;
  }

  boolean secretUrl() {
    return secretUrl;
  }

  Path downloadTo() {
    return downloadTo;
  }

  AnswerClassifier classifier() {
    return classifier;
  }

  Deadline deadline() {
    return deadline;
  }

  @Override
  public String toString() {
    return "Call[" + what + "]";
  }

  /** Builds a {@link Call}. */
  public static final class Builder {
    private final String what;
    private final URI uri;
    private final HttpRequest.BodyPublisher body;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private boolean authorized;
    private boolean upload;
    private boolean secretUrl;
    private Path downloadTo;
    private AnswerClassifier classifier;
    private Deadline deadline = Deadline.none();

    private Builder(String what, URI uri, HttpRequest.BodyPublisher body) {
      this.what = Objects.requireNonNull(what, "what");
      this.uri = Objects.requireNonNull(uri, "uri");
      this.body = body;
    }

    /**
     * Adds a request header.
     *
     * @param name the name
     * @param value the value
     * @return this builder
     */
    public Builder header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    /**
     * Sends the cached access token as {@code Authorization: Bearer}; the engine renews it when the
     * classifier says so.
     *
     * @return this builder
     */
    public Builder authorized() {
      this.authorized = true;
      return this;
    }

    /**
     * Marks a call that must not be repeated blindly: once any of its body went out, a lost answer
     * makes it uncertain (the service may have acted on it) instead of being retried. A connection
     * that was never made is retried as usual.
     *
     * @return this builder
     */
    public Builder upload() {
      this.upload = true;
      return this;
    }

    /**
     * Marks a URL that holds a secret (a signed link, a client secret in the query): the failures
     * of this call carry no cause, whose message might quote it.
     *
     * @return this builder
     */
    public Builder secretUrl() {
      this.secretUrl = true;
      return this;
    }

    /**
     * Writes the body of an HTTP 200 answer to a file, replacing its content, instead of keeping it
     * in memory; other answers are read as text for the classifier.
     *
     * @param file an existing file
     * @return this builder
     */
    public Builder downloadTo(Path file) {
      this.downloadTo = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * How answers are classified.
     *
     * @param classifier the service's classifier
     * @return this builder
     */
    public Builder classifier(AnswerClassifier classifier) {
      this.classifier = Objects.requireNonNull(classifier, "classifier");
      return this;
    }

    /**
     * The deadline of the run the call belongs to.
     *
     * @param deadline the deadline; none by default
     * @return this builder
     */
    public Builder deadline(Deadline deadline) {
      this.deadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /**
     * Builds the call.
     *
     * @return the call
     */
    public Call build() {
      return new Call(this);
    }
  }
}
