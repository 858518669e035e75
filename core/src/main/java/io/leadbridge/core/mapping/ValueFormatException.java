package io.leadbridge.core.mapping;

import io.leadbridge.core.LeadbridgeException;

/**
 * A {@link ValueFormat} cannot turn a value into text, for example a string that is not a date
 * given to {@link ValueFormat#isoInstant()}. During an export the record is rejected with this
 * message as its reason, so the message must describe the problem without quoting the value.
 *
 * <p>Immutable once thrown.
 */
public class ValueFormatException extends LeadbridgeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message that does not contain the offending value.
   *
   * @param message what is wrong with the value, without the value itself
   */
  public ValueFormatException(String message) {
    super(message);
  }
}
