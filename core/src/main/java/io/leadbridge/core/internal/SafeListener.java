package io.leadbridge.core.internal;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a user's listener so that it can never break the work it watches: an exception it throws is
 * logged (the first at WARN, later ones at DEBUG) and the run goes on. One per run; not
 * thread-safe.
 */
public final class SafeListener<T> implements Consumer<T> {
  private static final Logger LOG = LoggerFactory.getLogger(SafeListener.class);

  private final Consumer<? super T> target;
  private final String what;
  private boolean warned;

  private SafeListener(Consumer<? super T> target, String what) {
    this.target = target;
    this.what = what;
  }

  /**
   * Wraps a listener.
   *
   * @param target the listener's method, e.g. {@code listener::onProgress}
   * @param what what it listens to, for the log: {@code "export"}
   * @return a consumer that never throws what the listener throws
   */
  public static <T> SafeListener<T> of(Consumer<? super T> target, String what) {
    return new SafeListener<>(target, what);
  }

  @Override
  public void accept(T event) {
    try {
      target.accept(event);
    } catch (RuntimeException e) {
      if (!warned) {
        warned = true;
        LOG.warn(
            "The {} listener threw {}; ignored, the {} goes on (later failures are logged at"
                + " DEBUG)",
            what,
            e.getClass().getName(),
            what,
            e);
      } else {
        LOG.debug("The {} listener threw again; ignored", what, e);
      }
    }
  }
}
