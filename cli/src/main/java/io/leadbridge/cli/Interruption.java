package io.leadbridge.cli;

import io.leadbridge.core.remote.Sleeper;
import io.leadbridge.core.source.SourceEntry;
import io.leadbridge.core.source.UserSource;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What SIGINT and SIGTERM do to a run. A signal never kills a step half-way where that would cost
 * something: it is noted here, and the run stops at the next safe point, at most seconds later.
 *
 * <ul>
 *   <li>While users are read and files written (the export, the Alterian package), the work stops
 *       at the next user and the thread is interrupted: the library writes under temporary names
 *       and deletes them, so no half file that looks whole is left.
 *   <li>During the Marketo import, a wait (polling, backing off) ends at once, but a call in flight
 *       is let finish: an upload Marketo accepted is then in the journal, and the next run waits on
 *       its batch instead of importing the rows twice.
 *   <li>A run that was stopped never commits the sync state.
 * </ul>
 *
 * <p>The run then says what the next run will do ({@link #advice(Supplier)}) and exits with 130
 * (SIGINT) or 143 (SIGTERM). Thread-safe.
 */
final class Interruption {
  /** The signals that stop a run. */
  enum Signal {
    INT("SIGINT", ExitCode.SIGINT),
    TERM("SIGTERM", ExitCode.SIGTERM);

    final String label;
    final int exitCode;

    Signal(String label, int exitCode) {
      this.label = label;
      this.exitCode = exitCode;
    }
  }

  /** What a run is doing, which decides how a signal stops it. */
  enum Stage {
    STARTING("while starting", true),
    EXPORT("during the export", true),
    IMPORT("during the Marketo import", false),
    PACKAGE("while packaging for Alterian", true),
    COMMIT("while committing the sync state", false),
    WAITING("while waiting", true),
    SERVING("while serving", false);

    final String words;
    final boolean interruptThread;

    Stage(String words, boolean interruptThread) {
      this.words = words;
      this.interruptThread = interruptThread;
    }
  }

  /** Thrown at a safe point after a signal. */
  static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped(Signal signal) {
      super("stopped by " + signal.label);
    }
  }

  private final Object lock = new Object();
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile Signal signal;
  private Stage stage = Stage.STARTING;
  private Thread worker;
  private volatile Supplier<String> advice = () -> "";
  private volatile Runnable lastWords;
  private volatile Duration graceOverride;

  /** Names the thread that runs the command, to interrupt where that is safe. */
  void worker(Thread thread) {
    synchronized (lock) {
      this.worker = thread;
    }
  }

  /**
   * Notes a signal; interrupts the worker if its stage allows.
   *
   * @return false if a signal was already noted
   */
  boolean trigger(Signal s) {
    synchronized (lock) {
      if (signal != null) {
        return false;
      }
      signal = s;
      if (stage.interruptThread && worker != null) {
        worker.interrupt();
      }
    }
    stop.countDown();
    return true;
  }

  /** The signal received, if any. */
  Optional<Signal> signal() {
    return Optional.ofNullable(signal);
  }

  boolean requested() {
    return signal != null;
  }

  /** A safe point: throws {@link Stopped} if a signal came. */
  void check() {
    Signal s = signal;
    if (s != null) {
      throw new Stopped(s);
    }
  }

  /** Enters a stage; throws {@link Stopped} if a signal came before. */
  void enter(Stage s) {
    stage(s);
    check();
  }

  /** Notes the stage without stopping: for the end of a run whose work is done. */
  void stage(Stage s) {
    synchronized (lock) {
      stage = s;
    }
  }

  Stage stage() {
    synchronized (lock) {
      return stage;
    }
  }

  /**
   * How long the run gets to reach a safe point once signalled before the process exits anyway:
   * long enough during the import for a call in flight to end (under Kubernetes' default grace of
   * 30 s), short elsewhere.
   */
  Duration grace() {
    Duration override = graceOverride;
    if (override != null) {
      return override;
    }
    Stage s = stage();
    return s == Stage.IMPORT || s == Stage.COMMIT ? Duration.ofSeconds(25) : Duration.ofSeconds(5);
  }

  /**
   * What to print if the process must exit before the run reached a safe point: the run's own
   * ending (its line and its JSON document).
   */
  void lastWords(Runnable lastWords) {
    this.lastWords = lastWords;
  }

  /** Prints the run's ending, or else what the next run will do; for a forced exit. */
  void sayLastWords(java.io.PrintStream err) {
    Runnable r = lastWords;
    if (r == null) {
      String next = advice();
      if (!next.isEmpty()) {
        err.println(next);
      }
      return;
    }
    try {
      r.run();
    } catch (RuntimeException e) {
      // exiting anyway
    }
  }

  /** Sets the grace of every stage, for a scheduler that kills sooner than the defaults. */
  void grace(Duration grace) {
    this.graceOverride = grace;
  }

  /** Sets what the next run will do if this one stops now, in a sentence or two. */
  void advice(Supplier<String> advice) {
    this.advice = advice;
  }

  String advice() {
    try {
      return advice.get();
    } catch (RuntimeException e) {
      return "";
    }
  }

  /**
   * A sleeper that wakes at once when a signal comes.
   *
   * @param base the sleeper to use, or {@code null} to really wait
   */
  Sleeper sleeper(Sleeper base) {
    return d -> {
      if (signal != null) {
        throw new InterruptedException("stopped by " + signal.label);
      }
      if (base != null) {
        base.sleep(d);
      } else if (!d.isNegative() && !d.isZero()) {
        if (stop.await(d.toNanos(), TimeUnit.NANOSECONDS)) {
          throw new InterruptedException("stopped by " + signal.label);
        }
      }
      if (signal != null) {
        throw new InterruptedException("stopped by " + signal.label);
      }
    };
  }

  /** The source, stopping at the next user once a signal came. */
  UserSource watch(UserSource source) {
    return new UserSource() {
      @Override
      public SourceEntry next() {
        check();
        return source.next();
      }

      @Override
      public void close() {
        source.close();
      }

      @Override
      public String toString() {
        return source.toString();
      }
    };
  }

  /** Waits for a signal; returns true once one came. */
  boolean await(Duration timeout) throws InterruptedException {
    return stop.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }
}
