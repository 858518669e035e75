package io.leadbridge.core;

/**
 * An export could not finish: the output could not be written, the source could not be read to its
 * end, or a record was rejected while {@link RejectionPolicy#FAIL} was in force. No output file is
 * left in place when this is thrown.
 *
 * <p>Immutable once thrown.
 */
public class ExportException extends LeadbridgeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong and what to do about it
   */
  public ExportException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong and what to do about it
   * @param cause the underlying problem
   */
  public ExportException(String message, Throwable cause) {
    super(message, cause);
  }
}
