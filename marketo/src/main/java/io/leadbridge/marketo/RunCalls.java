package io.leadbridge.marketo;

import java.util.function.Supplier;

/**
 * The API calls of one import run, counted by kind around each call it makes through its {@link
 * ImportApi}: the token calls a call made on the way are counted apart. What {@link
 * ImportReport#callsByKind()} reports and the quota check subtracts. Not thread-safe: one per run.
 */
final class RunCalls {
  /** What a call is for. */
  enum Kind {
    DESCRIBE,
    USAGE,
    UPLOAD,
    STATUS,
    FILES,
    LOOKUP
  }

  private final ImportApi api;
  private final long[] counts = new long[Kind.values().length];
  private final long before;
  private long tokens;

  /** Starts counting: calls the client made before are not the run's. */
  RunCalls(ImportApi api) {
    this.api = api;
    this.before = api.calls();
  }

  /** Makes a call of a kind, counting it and the token calls it made. */
  <T> T counted(Kind kind, Supplier<T> call) {
    long calls = api.calls();
    long tokenCalls = api.tokenCalls();
    try {
      return call.get();
    } finally {
      long t = api.tokenCalls() - tokenCalls;
      tokens += t;
      counts[kind.ordinal()] += api.calls() - calls - t;
    }
  }

  /** The calls of a kind so far, tokens apart. */
  long of(Kind kind) {
    return counts[kind.ordinal()];
  }

  /** Every call of the run so far, tokens included. */
  long total() {
    return api.calls() - before;
  }

  /** The calls so far, by kind. */
  ImportCalls byKind() {
    return new ImportCalls(
        tokens,
        of(Kind.DESCRIBE),
        of(Kind.USAGE),
        of(Kind.UPLOAD),
        of(Kind.STATUS),
        of(Kind.FILES),
        of(Kind.LOOKUP));
  }
}
