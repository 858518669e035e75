package io.leadbridge.marketo;

/**
 * The connection dropped after a file was sent, so whether Marketo accepted it is unknown. Marketo
 * has no way to ask for jobs except by their batch id, which was in the lost answer; uploading the
 * file again would import the rows a second time (duplicating lead activity) if the first upload
 * was accepted. See {@link ImportOptions.UncertainUploads}. A connection that could not be made at
 * all is not uncertain: nothing was sent, and the upload is retried.
 *
 * <p>Immutable once thrown.
 */
public class MarketoUncertainUploadException extends MarketoTransportException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do
   * @param cause the transport failure
   */
  public MarketoUncertainUploadException(String message, Throwable cause) {
    super(message, cause);
  }
}
