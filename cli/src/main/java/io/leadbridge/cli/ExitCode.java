package io.leadbridge.cli;

/**
 * The exit statuses of {@code leadbridge}, the same for every command and kept stable for the
 * scripts and schedulers that read them.
 */
final class ExitCode {
  private ExitCode() {}

  /** Done: every eligible user exported, imported or packaged; the lookup answered. */
  static final int OK = 0;

  /**
   * The input was malformed or refused (a header Marketo would refuse, an input that would empty
   * the sync state), or Marketo failed rows or a batch.
   */
  static final int INPUT_OR_ROWS = 1;

  /** A bad command line or configuration file: nothing was done. */
  static final int USAGE = 2;

  /** The run could not finish (a remote system, the disk, another run); it says what to do next. */
  static final int NOT_FINISHED = 3;

  /** Stopped by SIGINT (Ctrl-C), 128 + 2. */
  static final int SIGINT = 130;

  /** Stopped by SIGTERM, 128 + 15. */
  static final int SIGTERM = 143;
}
