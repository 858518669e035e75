package io.leadbridge.core.internal.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The access token of one client, fetched when first needed and reused until it is close to expiry.
 * Thread-safe: one thread fetches while the others wait for its token.
 *
 * <p><b>The refresh rule</b>, the same for every service: a token is used until a tenth of its
 * lifetime, but at most {@link #MAX_REFRESH_MARGIN one minute}, is left, counted from the moment it
 * was asked for; then a new one is fetched. The margin covers the time between taking a token from
 * the cache and the service checking it; a larger one only costs token calls (Marketo hands out the
 * same token again until it has expired). A token handed out with no lifetime left is asked for
 * again after a second, up to three times, for Marketo renews a token only once it has expired. A
 * token the service refuses is {@link #invalidate dropped} and fetched anew.
 */
public final class TokenCache {
  /** The most a token is refreshed ahead of its expiry. */
  public static final Duration MAX_REFRESH_MARGIN = Duration.ofSeconds(60);

  private static final int EXPIRED_TOKEN_RETRIES = 3;
  private static final Duration EXPIRED_TOKEN_WAIT = Duration.ofSeconds(1);

  /**
   * A token as the service handed it out.
   *
   * @param value the token
   * @param expiresInSeconds its lifetime, from the service's {@code expires_in}
   */
  public record Token(String value, long expiresInSeconds) {
    /**
     * Checks the value.
     *
     * @param value the token, not blank
     * @param expiresInSeconds its lifetime
     */
    public Token {
      Objects.requireNonNull(value, "value");
    }

    /**
     * Hides the value.
     *
     * @return a description without the token
     */
    @Override
    public String toString() {
      return "Token[*** for " + expiresInSeconds + " s]";
    }
  }

  /** Asks the service for a token. */
  @FunctionalInterface
  public interface Fetcher {
    /**
     * Fetches a token, through the engine.
     *
     * @param deadline the deadline of the run that needs it
     * @return the token
     */
    Token fetch(Deadline deadline);
  }

  /** Waits as the engine waits. */
  @FunctionalInterface
  interface Pause {
    void pause(Duration wait, String what, Deadline deadline);
  }

  private final Clock clock;
  private final Pause pause;
  private final Fetcher fetcher;
  private final Object lock = new Object();
  private volatile String token;
  private Instant refreshAt = Instant.MIN;

  TokenCache(Clock clock, Pause pause, Fetcher fetcher) {
    this.clock = clock;
    this.pause = pause;
    this.fetcher = fetcher;
  }

  /**
   * When a token asked for at {@code askedAt} is refreshed: the refresh rule.
   *
   * @param askedAt when the token was asked for
   * @param expiresInSeconds its lifetime
   * @return the instant from which a new token is fetched
   */
  public static Instant refreshAt(Instant askedAt, long expiresInSeconds) {
    long life = Math.max(0, expiresInSeconds);
    long margin = Math.min(MAX_REFRESH_MARGIN.toSeconds(), life / 10);
    return askedAt.plusSeconds(life - margin);
  }

  /**
   * The current token, fetched first if there is none or it is due for refresh.
   *
   * @param deadline the deadline of the run that needs it
   * @return the token
   */
  String get(Deadline deadline) {
    synchronized (lock) {
      if (token != null && clock.instant().isBefore(refreshAt)) {
        return token;
      }
      for (int i = 0; ; i++) {
        Instant asked = clock.instant();
        Token t = fetcher.fetch(deadline);
        if (t.expiresInSeconds() <= 0 && i < EXPIRED_TOKEN_RETRIES) {
          pause.pause(EXPIRED_TOKEN_WAIT, "waiting for a new access token", deadline);
          continue;
        }
        token = t.value();
        refreshAt = refreshAt(asked, t.expiresInSeconds());
        return token;
      }
    }
  }

  /**
   * Drops a token the service refused, unless another thread has already replaced it.
   *
   * @param used the token that was refused
   */
  void invalidate(String used) {
    synchronized (lock) {
      if (used.equals(token)) {
        token = null;
      }
    }
  }

  /** The current token, for masking in messages; may be null. */
  String current() {
    return token;
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "TokenCache[" + (token == null ? "empty" : "refresh at " + refreshAt) + "]";
    }
  }
}
