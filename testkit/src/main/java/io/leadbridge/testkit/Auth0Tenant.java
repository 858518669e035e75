package io.leadbridge.testkit;

import io.leadbridge.core.internal.Json;
import io.leadbridge.testkit.internal.EmulatorServer.Handler;
import io.leadbridge.testkit.internal.Exchange;
import io.leadbridge.testkit.internal.Fault;
import io.leadbridge.testkit.internal.Forms;
import io.leadbridge.testkit.internal.RateLimiter;
import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tenant of {@link Auth0Emulator}: its client and the client-credentials token endpoint, the
 * gate every Management API call passes (rate limit, Bearer token, scope), its connections, and
 * Auth0's error bodies. Thread-safe.
 */
final class Auth0Tenant {
  static final String READ_USERS = "read:users";
  static final String READ_CONNECTIONS = "read:connections";

  private final String clientId;
  private final String clientSecret;
  private final Set<String> scopes;
  private final Map<String, String> connections;
  private final Duration tokenTtl;
  private final int rateLimit;
  private final RateLimiter rateLimiter;
  private final Clock clock;
  private final Map<String, Instant> tokens = new ConcurrentHashMap<>();

  Auth0Tenant(
      String clientId,
      String clientSecret,
      Set<String> scopes,
      Map<String, String> connections,
      Duration tokenTtl,
      int rateLimit,
      Clock clock) {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.scopes = Set.copyOf(scopes);
    this.connections = connections;
    this.tokenTtl = tokenTtl;
    this.rateLimit = rateLimit;
    this.rateLimiter =
        rateLimit > 0 ? RateLimiter.fixedWindow(rateLimit, Duration.ofSeconds(1), clock) : null;
    this.clock = clock;
  }

  String clientId() {
    return clientId;
  }

  String clientSecret() {
    return clientSecret;
  }

  /** The audience the token endpoint expects from a server at this base URI. */
  static String audience(URI baseUri) {
    return baseUri + "/api/v2/";
  }

  /**
   * Whether the audience names this tenant's Management API: {@code https://{domain}/api/v2/}, as
   * SDKs derive it from the domain, or {@code http://…}, for the domain the client used (its Host
   * header) or the emulator's own base URI.
   */
  private static boolean acceptsAudience(Exchange ex, Object audience) {
    if (!(audience instanceof String)) {
      return false;
    }
    String host = ex.header("host");
    List<String> accepted = new ArrayList<>();
    accepted.add(audience(ex.baseUri()));
    if (host != null) {
      accepted.add("https://" + host + "/api/v2/");
      accepted.add("http://" + host + "/api/v2/");
    }
    String base = ex.baseUri().getAuthority();
    accepted.add("https://" + base + "/api/v2/");
    accepted.add("http://" + base + "/api/v2/");
    return accepted.contains(audience);
  }

  /** {@code POST /oauth/token}: the client-credentials grant, as a form or as JSON. */
  void token(Exchange ex) throws IOException {
    String type = ex.header("content-type");
    Map<String, Object> params = new LinkedHashMap<>();
    if (type != null && type.startsWith("application/json")) {
      Object parsed = Json.parse(ex.bodyText());
      if (parsed instanceof Map) {
        for (Map.Entry<?, ?> e : ((Map<?, ?>) parsed).entrySet()) {
          params.put(String.valueOf(e.getKey()), e.getValue());
        }
      }
    } else {
      params.putAll(Forms.pairs(ex.bodyText()));
    }
    if (!"client_credentials".equals(params.get("grant_type"))) {
      oauthError(ex, 400, "unsupported_grant_type", "Unsupported grant type");
      return;
    }
    if (!clientId.equals(params.get("client_id"))
        || !clientSecret.equals(params.get("client_secret"))) {
      oauthError(ex, 401, "access_denied", "Unauthorized");
      return;
    }
    if (!acceptsAudience(ex, params.get("audience"))) {
      oauthError(
          ex, 403, "access_denied", "Service not enabled within domain: " + params.get("audience"));
      return;
    }
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String token = "emu." + java.util.HexFormat.of().formatHex(random);
    tokens.put(token, clock.instant().plus(tokenTtl));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("access_token", token);
    answer.put("scope", String.join(" ", new TreeSet<>(scopes)));
    answer.put("expires_in", tokenTtl.getSeconds());
    answer.put("token_type", "Bearer");
    ex.json(200, answer);
  }

  /**
   * A Management API endpoint: rate-limited, then answered 401 without a valid Bearer token and 403
   * without the scope; the handler answers only calls that pass.
   */
  Handler managementApi(String scope, Handler handler) {
    return ex -> {
      if (rateLimited(ex)) {
        apiError(
            ex, 429, "Too Many Requests", "Global limit has been reached", "too_many_requests");
        return;
      }
      String bearer = ex.header("authorization");
      Instant expiry =
          bearer != null && bearer.startsWith("Bearer ") ? tokens.get(bearer.substring(7)) : null;
      if (expiry == null) {
        apiError(ex, 401, "Unauthorized", "Invalid token", "invalid_token");
      } else if (!clock.instant().isBefore(expiry)) {
        apiError(
            ex,
            401,
            "Unauthorized",
            "Expired token received for JSON Web Token validation",
            "invalid_token");
      } else if (!scopes.contains(scope)) {
        apiError(
            ex,
            403,
            "Forbidden",
            "Insufficient scope, expected any of: " + scope,
            "insufficient_scope");
      } else {
        handler.answer(ex);
      }
    };
  }

  /** Counts the call in the clock second and sets the rate-limit headers; true above the limit. */
  private boolean rateLimited(Exchange ex) {
    if (rateLimiter == null) {
      return false;
    }
    RateLimiter.Decision d = rateLimiter.call();
    ex.setHeader("x-ratelimit-limit", String.valueOf(d.limit()));
    ex.setHeader("x-ratelimit-remaining", String.valueOf(d.remaining()));
    ex.setHeader("x-ratelimit-reset", String.valueOf(d.reset().getEpochSecond()));
    return !d.allowed();
  }

  /** {@code GET /api/v2/connections}, optionally {@code ?name=}. */
  void connections(Exchange ex) throws IOException {
    String name = Forms.query(ex.query()).get("name");
    List<Object> out = new ArrayList<>();
    for (Map.Entry<String, String> c : connections.entrySet()) {
      if (name == null || name.equals(c.getValue())) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.getKey());
        m.put("name", c.getValue());
        m.put("strategy", strategy(c.getValue()));
        out.add(m);
      }
    }
    ex.json(200, out);
  }

  private static String strategy(String connection) {
    switch (connection) {
      case SyntheticUsers.DATABASE:
        return "auth0";
      case "acme-saml":
        return "samlp";
      default:
        return connection;
    }
  }

  /** An injected status: 429 with the rate-limit headers, others with an Auth0 error body. */
  void injected(Exchange ex, Fault fault) throws IOException {
    if (fault.kind() != Fault.Kind.STATUS) {
      throw new UnsupportedOperationException("The Auth0 emulator injects statuses only.");
    }
    int status = fault.status();
    if (status == 429) {
      long reset = clock.instant().getEpochSecond() + 1;
      ex.setHeader("x-ratelimit-limit", String.valueOf(rateLimit > 0 ? rateLimit : 10));
      ex.setHeader("x-ratelimit-remaining", "0");
      ex.setHeader("x-ratelimit-reset", String.valueOf(reset));
      apiError(ex, 429, "Too Many Requests", "Global limit has been reached", "too_many_requests");
    } else if (status >= 500) {
      apiError(ex, status, "Server Error", "Injected failure", null);
    } else {
      apiError(ex, status, "Error", "Injected failure", null);
    }
  }

  /**
   * A Management API error: {@code statusCode}, {@code error}, {@code message}, {@code errorCode}.
   */
  static void apiError(Exchange ex, int status, String error, String message, String errorCode)
      throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("statusCode", (long) status);
    m.put("error", error);
    m.put("message", message);
    if (errorCode != null) {
      m.put("errorCode", errorCode);
    }
    ex.json(status, m);
  }

  private static void oauthError(Exchange ex, int status, String error, String description)
      throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", error);
    m.put("error_description", description);
    ex.json(status, m);
  }
}
