package io.leadbridge.core.internal.http;

import java.util.Objects;
import java.util.function.IntFunction;

/**
 * What the engine does with an answer, as a service's {@link AnswerClassifier} decides. Failures
 * are built only when they are thrown, with the number of attempts or waits made.
 */
public final class Verdict {
  /** The kinds of verdict. */
  public enum Kind {
    /** The call succeeded: return the answer. */
    ACCEPT,
    /** The token was refused: renew it once and try again, then fail. */
    RENEW_TOKEN,
    /** A transient error: back off and retry within the retry policy, then fail. */
    RETRY,
    /** A rate limit: wait as the answer's headers say, then try again, up to a bound. */
    RATE_LIMITED,
    /** A final error: fail at once. */
    FAIL
  }

  private static final Verdict ACCEPT = new Verdict(Kind.ACCEPT, null);

  private final Kind kind;
  private final IntFunction<RuntimeException> failure;

  private Verdict(Kind kind, IntFunction<RuntimeException> failure) {
    this.kind = kind;
    this.failure = failure;
  }

  /**
   * The call succeeded.
   *
   * @return the verdict
   */
  public static Verdict accept() {
    return ACCEPT;
  }

  /**
   * The token was refused: renew it once and try again.
   *
   * @param failure what to throw if it is refused again, given the attempts made
   * @return the verdict
   */
  public static Verdict renewToken(IntFunction<RuntimeException> failure) {
    return new Verdict(Kind.RENEW_TOKEN, Objects.requireNonNull(failure));
  }

  /**
   * A transient error: retry with back-off.
   *
   * @param failure what to throw once the retries are spent, given the attempts made
   * @return the verdict
   */
  public static Verdict retry(IntFunction<RuntimeException> failure) {
    return new Verdict(Kind.RETRY, Objects.requireNonNull(failure));
  }

  /**
   * A rate limit: wait for its reset and try again.
   *
   * @param failure what to throw once the engine stops waiting, given the waits made
   * @return the verdict
   */
  public static Verdict rateLimited(IntFunction<RuntimeException> failure) {
    return new Verdict(Kind.RATE_LIMITED, Objects.requireNonNull(failure));
  }

  /**
   * A final error.
   *
   * @param failure what to throw
   * @return the verdict
   */
  public static Verdict fail(RuntimeException failure) {
    Objects.requireNonNull(failure);
    return new Verdict(Kind.FAIL, n -> failure);
  }

  /**
   * The kind of verdict.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * The failure to throw.
   *
   * @param count the attempts (or, for a rate limit, the waits) made
   * @return the exception
   */
  RuntimeException failure(int count) {
    return failure.apply(count);
  }

  @Override
  public String toString() {
    return "Verdict[" + kind + "]";
  }
}
