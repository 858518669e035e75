package io.leadbridge.testkit;

import io.leadbridge.testkit.internal.EmulatorServer.Handler;
import io.leadbridge.testkit.internal.Exchange;
import io.leadbridge.testkit.internal.Forms;
import io.leadbridge.testkit.internal.RateLimiter;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who may call {@link MarketoEmulator}, and how often: the identity endpoint with its expiring
 * tokens, the gate every REST call passes (615 over the concurrency limit, 601 or 602 without a
 * valid Bearer token, 606 over the rate limit, 607 past the {@linkplain MarketoQuota daily quota}),
 * and Marketo's error envelope. Thread-safe.
 */
final class MarketoIdentity {
  /** The content type of Marketo's JSON answers. */
  static final String JSON = "application/json;charset=UTF-8";

  private final String clientId;
  private final String clientSecret;
  private final Duration tokenTtl;
  private final int concurrencyLimit;
  private final RateLimiter rate;
  private final MarketoQuota quota;
  private final Clock clock;
  private final Map<String, Instant> tokens = new HashMap<>();
  private String currentToken;
  private int tokenCounter;

  MarketoIdentity(
      String clientId,
      String clientSecret,
      Duration tokenTtl,
      int rateLimit,
      Duration rateWindow,
      int concurrencyLimit,
      MarketoQuota quota,
      Clock clock) {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.tokenTtl = tokenTtl;
    this.concurrencyLimit = concurrencyLimit;
    this.rate = RateLimiter.slidingWindow(rateLimit, rateWindow, clock);
    this.quota = quota;
    this.clock = clock;
  }

  String clientId() {
    return clientId;
  }

  String clientSecret() {
    return clientSecret;
  }

  /**
   * {@code GET /identity/oauth/token}, or {@code POST} as Adobe's Authentication page allows, the
   * parameters in the query or in a form body: the current token while it lives, else a new one.
   */
  void token(Exchange ex) throws IOException {
    Map<String, String> q = Forms.pairs(ex.query());
    String type = ex.header("content-type");
    if (ex.method().equals("POST")
        && type != null
        && type.startsWith("application/x-www-form-urlencoded")) {
      Forms.pairs(ex.bodyText()).forEach(q::putIfAbsent);
    }
    if (!"client_credentials".equals(q.get("grant_type"))
        || !clientId.equals(q.get("client_id"))
        || !clientSecret.equals(q.get("client_secret"))) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("error", "unauthorized");
      m.put("error_description", "Bad client credentials");
      ex.json(401, m);
      return;
    }
    String token;
    long remaining;
    synchronized (this) {
      Instant now = clock.instant();
      if (currentToken != null && tokens.get(currentToken).isAfter(now)) {
        token = currentToken;
      } else {
        token = "emulator-token-" + (++tokenCounter) + "-" + Long.toHexString(System.nanoTime());
        tokens.put(token, now.plus(tokenTtl));
        currentToken = token;
      }
      remaining = Math.max(0, Duration.between(now, tokens.get(token)).getSeconds());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("access_token", token);
    m.put("token_type", "bearer");
    m.put("expires_in", remaining);
    m.put("scope", "api@example.com");
    ex.json(200, m);
  }

  /** Makes every token issued so far expired. */
  synchronized void expireTokens() {
    Instant past = clock.instant().minusSeconds(1);
    tokens.replaceAll((k, v) -> past);
    currentToken = null;
  }

  /** A REST endpoint: the handler answers only calls within the limits and with a valid token. */
  Handler gate(Handler handler) {
    return ex -> {
      if (ex.concurrent() > concurrencyLimit) {
        error(ex, "615", "Concurrent access limit reached");
        return;
      }
      String auth = authorize(ex);
      if (auth != null) {
        error(ex, auth, auth.equals("602") ? "Access token expired" : "Access token invalid");
        return;
      }
      if (!rate.call().allowed()) {
        error(ex, "606", "Max rate limit '100' exceeded with in '20' secs");
        return;
      }
      if (!quota.take()) {
        error(ex, "607", "Daily quota reached");
        return;
      }
      handler.answer(ex);
    };
  }

  /** Returns null when the Bearer token is valid, else 601 or 602. */
  private String authorize(Exchange ex) {
    String query = ex.query();
    if (query != null && query.contains("access_token=")) {
      return "601"; // the query parameter is no longer accepted
    }
    String header = ex.header("authorization");
    if (header == null || !header.startsWith("Bearer ")) {
      return "601";
    }
    synchronized (this) {
      Instant expires = tokens.get(header.substring(7));
      if (expires == null) {
        return "601";
      }
      return expires.isAfter(clock.instant()) ? null : "602";
    }
  }

  /** Marketo's error envelope, in an HTTP 200 answer as Marketo sends it. */
  static void error(Exchange ex, String code, String message) throws IOException {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code);
    error.put("message", message);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requestId", "e" + System.nanoTime() % 100000);
    m.put("success", false);
    m.put("errors", List.of(error));
    ex.json(200, m);
  }
}
