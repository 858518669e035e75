package io.leadbridge.testkit.internal;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which fault hits which call: counts the calls to each endpoint from the start and holds, per
 * endpoint, the fault for its nth call. Thread-safe.
 *
 * @param <E> the service's endpoints
 */
public final class FaultRules<E extends Enum<E>> {
  private final Map<E, AtomicInteger> calls;
  private final Map<E, Map<Integer, Fault>> faults;

  FaultRules(Class<E> endpoints) {
    this.calls = new EnumMap<>(endpoints);
    this.faults = new EnumMap<>(endpoints);
    for (E e : endpoints.getEnumConstants()) {
      calls.put(e, new AtomicInteger());
      faults.put(e, new ConcurrentHashMap<>());
    }
  }

  /**
   * Sets the fault for the nth call to an endpoint, replacing any set before.
   *
   * @param endpoint the endpoint
   * @param nth which call, 1 for the first; a call that has already arrived is never hit
   * @param fault what happens
   */
  public void add(E endpoint, int nth, Fault fault) {
    faults
        .get(Objects.requireNonNull(endpoint, "endpoint"))
        .put(nth, Objects.requireNonNull(fault, "fault"));
  }

  /**
   * Counts a call that arrived and takes its fault.
   *
   * @param endpoint the endpoint called
   * @return the fault for this call, or {@code null}
   */
  Fault arrive(E endpoint) {
    int nth = calls.get(endpoint).incrementAndGet();
    return faults.get(endpoint).remove(nth);
  }
}
