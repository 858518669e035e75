package io.leadbridge.marketo;

/**
 * The target of an import cannot take it, found before any upload: a program the instance does not
 * have, a member status that is not one of the program's channel statuses, or a custom object the
 * instance does not have. The message names the program, status or object and what to do; it holds
 * no row values. Immutable once thrown.
 */
public class MarketoTargetException extends MarketoException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong and what to do
   */
  public MarketoTargetException(String message) {
    super(message);
  }

  /**
   * Creates the exception with the refusal that revealed it.
   *
   * @param message what is wrong and what to do
   * @param cause Marketo's refusal
   */
  public MarketoTargetException(String message, Throwable cause) {
    super(message, cause);
  }
}
