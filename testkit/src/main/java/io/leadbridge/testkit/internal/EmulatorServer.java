package io.leadbridge.testkit.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.leadbridge.core.internal.Json;
import io.leadbridge.core.remote.Sleeper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import javax.net.ssl.SSLContext;

/**
 * One emulated service on a free loopback port, on the JDK's HTTP server: the part of an emulator
 * that is only HTTP. Each request is read whole, classified as one of the service's endpoints,
 * counted, recorded in the {@link #log() request log} and then, in this order:
 *
 * <ol>
 *   <li>a {@link Fault.Kind#DROP} fault set for it closes the connection;
 *   <li>a {@link Fault.Kind#DELAY} fault waits through the injected {@link Sleeper};
 *   <li>a {@link Fault.Kind#STATUS} or {@link Fault.Kind#SERVICE_ERROR} fault is answered by the
 *       service's fault answers;
 *   <li>otherwise the endpoint's handler answers, and may {@linkplain Exchange#accepted() accept}
 *       the request before a {@link Fault.Kind#DROP_AFTER_ACCEPT} fault drops it.
 * </ol>
 *
 * <p>A handler that throws an unexpected exception, or returns without answering, is a bug of the
 * emulator: it is reported on standard error and the connection is dropped, so that no client waits
 * for an answer that never comes. Time comes only from the injected {@link Clock} and waits only
 * through the injected {@link Sleeper}: the server never sleeps by itself.
 *
 * <p>Everything a service adds is given to the {@link Builder}, and everything transport-specific
 * stays in {@link #bind} and {@link #baseUri()}, so that another transport (HTTPS with a
 * self-signed certificate), a given port, or paths of the server's own (such as one listing the
 * {@link #log() recorded requests}) can be added here without touching the services. Thread-safe.
 *
 * @param <E> the service's endpoints
 */
public final class EmulatorServer<E extends Enum<E>> implements AutoCloseable {

  static {
    // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm
    // and delayed ACKs add about 40 ms to every exchange. Read once, when the server first starts.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private static final int BACKLOG = 64;

  /**
   * The path of the server's own that lists the requests recorded so far, when {@link
   * Builder#requestsPath(boolean)} turns it on. Requests to it are not recorded.
   */
  public static final String REQUESTS_PATH = "/__admin/requests";

  private static final java.nio.charset.Charset UTF_8 = StandardCharsets.UTF_8;

  /** Answers one request to one endpoint. */
  @FunctionalInterface
  public interface Handler {
    /**
     * Answers the request, or throws what {@link Exchange#drop()} returns.
     *
     * @param exchange the request
     * @throws IOException if the answer cannot be sent
     */
    void answer(Exchange exchange) throws IOException;
  }

  /**
   * Answers a fault of kind {@link Fault.Kind#STATUS} or {@link Fault.Kind#SERVICE_ERROR} the way
   * the service would.
   */
  @FunctionalInterface
  public interface FaultAnswer {
    /**
     * Answers the request.
     *
     * @param exchange the request
     * @param fault the fault
     * @throws IOException if the answer cannot be sent
     */
    void answer(Exchange exchange, Fault fault) throws IOException;
  }

  /** Thrown to make the server close the connection without an answer. */
  static final class Dropped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Dropped() {
      super("dropped on purpose", null, false, false);
    }
  }

  private final String name;
  private final BiFunction<String, String, E> classifier;
  private final Map<E, Handler> routes;
  private final FaultAnswer faultAnswer;
  private final String jsonType;
  private final boolean keepBodies;
  private final Clock clock;
  private final Sleeper sleeper;
  private final FaultRules<E> faults;
  private final RequestLog<E> log = new RequestLog<>();
  private final AtomicInteger answering = new AtomicInteger();
  private final HttpServer server;
  private final ExecutorService executor;
  private final URI baseUri;
  private final boolean requestsPath;

  private EmulatorServer(Builder<E> b) throws IOException {
    this.name = b.name;
    this.classifier = b.classifier;
    this.routes = new EnumMap<>(b.routes);
    this.faultAnswer = b.faultAnswer;
    this.jsonType = b.jsonType;
    this.keepBodies = b.keepBodies;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.faults = new FaultRules<>(b.endpoints);
    this.requestsPath = b.requestsPath;
    this.server = bind(b.port, b.tls);
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, name.toLowerCase(Locale.ROOT) + "-emulator");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    this.baseUri =
        URI.create(
            (b.tls == null ? "http" : "https") + "://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Binds the transport: HTTP, or HTTPS with the given context, on a port of the loopback. */
  private static HttpServer bind(int port, SSLContext tls) throws IOException {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    if (tls == null) {
      return HttpServer.create(address, BACKLOG);
    }
    HttpsServer https = HttpsServer.create(address, BACKLOG);
    https.setHttpsConfigurator(new HttpsConfigurator(tls));
    return https;
  }

  /**
   * Starts a builder.
   *
   * @param name the service's name, such as {@code Auth0}, for threads and messages
   * @param endpoints the service's endpoints
   * @param <E> the service's endpoints
   * @return a new builder
   */
  public static <E extends Enum<E>> Builder<E> builder(String name, Class<E> endpoints) {
    return new Builder<>(name, endpoints);
  }

  /**
   * The base URI, such as {@code http://127.0.0.1:54321}.
   *
   * @return the base URI
   */
  public URI baseUri() {
    return baseUri;
  }

  /**
   * The port the server listens on.
   *
   * @return the port
   */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * The faults to inject, by endpoint and call.
   *
   * @return the rules; live
   */
  public FaultRules<E> faults() {
    return faults;
  }

  /**
   * The requests received so far.
   *
   * @return the log; live
   */
  public RequestLog<E> log() {
    return log;
  }

  /** Stops the server at once. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange http) throws IOException {
    byte[] body;
    try (InputStream in = http.getRequestBody()) {
      body = in.readAllBytes();
    }
    String method = http.getRequestMethod();
    String path = removeDotSegments(http.getRequestURI().getRawPath());
    if (requestsPath && method.equals("GET") && path.equals(REQUESTS_PATH)) {
      byte[] json = Json.write(RecordedRequests.describe(log.answered())).getBytes(UTF_8);
      http.getResponseHeaders().set("Content-Type", "application/json");
      http.sendResponseHeaders(200, json.length);
      try (java.io.OutputStream out = http.getResponseBody()) {
        out.write(json);
      }
      return;
    }
    String query = http.getRequestURI().getRawQuery();
    E endpoint = classifier.apply(method, path);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    http.getRequestHeaders()
        .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    RequestLog.Entry<E> entry =
        new RequestLog.Entry<>(
            endpoint,
            method,
            path,
            query,
            Collections.unmodifiableMap(headers),
            keepBodies ? new String(body, StandardCharsets.UTF_8) : null,
            body.length,
            RequestLog.PENDING,
            clock.instant());
    Fault fault = faults.arrive(endpoint);
    long seq = log.begin(entry);
    int concurrent = answering.incrementAndGet();
    int status = 0;
    try {
      Exchange exchange = new Exchange(http, baseUri, jsonType, entry, body, fault, concurrent);
      answer(exchange, endpoint, fault);
      status = exchange.status();
      if (status == 0) {
        throw new IllegalStateException("the handler returned without an answer");
      }
    } catch (Dropped e) {
      throw e;
    } catch (RuntimeException | Error e) {
      // A bug in the emulator must not leave the client waiting for an answer. Reported on
      // standard error, which every test run shows, whatever logging it has.
      System.err.println(name + "Emulator: internal error answering " + endpoint + ": " + e);
      e.printStackTrace();
      status = 0;
      throw new Dropped();
    } finally {
      log.finish(seq, status);
      answering.decrementAndGet();
      if (status != 0) {
        http.close();
      }
    }
  }

  /**
   * The path with its {@code .} and {@code ..} segments resolved, as RFC 3986 section 5.2.4 says
   * and as the services' front ends serve it: {@code /rest/../bulk/v1/leads.json} is {@code
   * /bulk/v1/leads.json}. Some clients send such paths as they join them.
   *
   * @param path a raw absolute path, or {@code null}
   * @return the path without dot segments; {@code /} for an empty one
   */
  public static String removeDotSegments(String path) {
    if (path == null || path.isEmpty()) {
      return "/";
    }
    if (!path.contains(".")) {
      return path;
    }
    java.util.ArrayDeque<String> out = new java.util.ArrayDeque<>();
    String[] segments = path.split("/", -1);
    for (int i = 1; i < segments.length; i++) {
      String segment = segments[i];
      boolean last = i == segments.length - 1;
      if (segment.equals(".")) {
        if (last) {
          out.addLast("");
        }
      } else if (segment.equals("..")) {
        out.pollLast();
        if (last) {
          out.addLast("");
        }
      } else {
        out.addLast(segment);
      }
    }
    return "/" + String.join("/", out);
  }

  private void answer(Exchange exchange, E endpoint, Fault fault) throws IOException {
    if (fault != null) {
      switch (fault.kind()) {
        case DROP:
          throw new Dropped();
        case DELAY:
          try {
            sleeper.sleep(fault.delay());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Dropped();
          }
          break;
        case STATUS:
        case SERVICE_ERROR:
          faultAnswer.answer(exchange, fault);
          return;
        default:
          break; // DROP_AFTER_ACCEPT: the handler accepts, then the exchange drops
      }
    }
    routes.get(endpoint).answer(exchange);
  }

  /**
   * Builds and starts an {@link EmulatorServer}. Not thread-safe.
   *
   * @param <E> the service's endpoints
   */
  public static final class Builder<E extends Enum<E>> {
    private final String name;
    private final Class<E> endpoints;
    private final Map<E, Handler> routes;
    private BiFunction<String, String, E> classifier;
    private FaultAnswer faultAnswer;
    private String jsonType = "application/json";
    private boolean keepBodies;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private int port;
    private SSLContext tls;
    private boolean requestsPath;

    private Builder(String name, Class<E> endpoints) {
      this.name = Objects.requireNonNull(name, "name");
      this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
      this.routes = new EnumMap<>(endpoints);
    }

    /**
     * How a request is classified: from its method and raw path to one of the endpoints.
     *
     * @param classifier never returns {@code null}
     * @return this builder
     */
    public Builder<E> classifier(BiFunction<String, String, E> classifier) {
      this.classifier = Objects.requireNonNull(classifier, "classifier");
      return this;
    }

    /**
     * The handler of one endpoint; every endpoint needs one.
     *
     * @param endpoint the endpoint
     * @param handler its handler
     * @return this builder
     */
    public Builder<E> route(E endpoint, Handler handler) {
      routes.put(endpoint, Objects.requireNonNull(handler, "handler"));
      return this;
    }

    /**
     * How the service answers {@link Fault.Kind#STATUS} and {@link Fault.Kind#SERVICE_ERROR}
     * faults.
     *
     * @param faultAnswer the answers
     * @return this builder
     */
    public Builder<E> faultAnswer(FaultAnswer faultAnswer) {
      this.faultAnswer = Objects.requireNonNull(faultAnswer, "faultAnswer");
      return this;
    }

    /**
     * The content type of {@link Exchange#json} answers.
     *
     * @param jsonType such as {@code application/json; charset=utf-8}
     * @return this builder
     */
    public Builder<E> jsonType(String jsonType) {
      this.jsonType = Objects.requireNonNull(jsonType, "jsonType");
      return this;
    }

    /**
     * Whether the request log keeps each body as text; otherwise only its size.
     *
     * @param keepBodies {@code false} by default
     * @return this builder
     */
    public Builder<E> keepBodies(boolean keepBodies) {
      this.keepBodies = keepBodies;
      return this;
    }

    /**
     * The clock that stamps requests.
     *
     * @param clock the system clock by default
     * @return this builder
     */
    public Builder<E> clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * What waits for {@link Fault.Kind#DELAY} faults.
     *
     * @param sleeper {@link Sleeper#system()} by default
     * @return this builder
     */
    public Builder<E> sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * The port to listen on, on the loopback address.
     *
     * @param port 0 (the default) for a free port
     * @return this builder
     * @throws IllegalArgumentException if outside 0 to 65535
     */
    public Builder<E> port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("A port is from 0 to 65535, not " + port + ".");
      }
      this.port = port;
      return this;
    }

    /**
     * Serves HTTPS with this context (its key and certificate) instead of plain HTTP.
     *
     * @param tls the server's context, or {@code null} for plain HTTP (the default)
     * @return this builder
     */
    public Builder<E> tls(SSLContext tls) {
      this.tls = tls;
      return this;
    }

    /**
     * Whether {@code GET} {@link #REQUESTS_PATH} lists the requests recorded so far as JSON, with
     * secrets masked and without bodies.
     *
     * @param requestsPath {@code false} by default, so that the server answers only the service's
     *     paths
     * @return this builder
     */
    public Builder<E> requestsPath(boolean requestsPath) {
      this.requestsPath = requestsPath;
      return this;
    }

    /**
     * Starts the server.
     *
     * @return the running server; close it when done
     * @throws IllegalStateException if the classifier, the fault answers or a route is missing
     * @throws UncheckedIOException if the server cannot start
     */
    public EmulatorServer<E> start() {
      if (classifier == null || faultAnswer == null) {
        throw new IllegalStateException("A classifier and fault answers are required.");
      }
      for (E e : endpoints.getEnumConstants()) {
        if (!routes.containsKey(e)) {
          throw new IllegalStateException("No handler for " + e);
        }
      }
      try {
        return new EmulatorServer<>(this);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start the " + name + " emulator", e);
      }
    }
  }
}
