package io.leadbridge.cli.config;

/**
 * A mistake in a configuration file, with where it is: the message reads {@code nightly.yaml:12:3:
 * unknown key "lookupfield" in marketo; did you mean "lookupField"?}. Never quotes a value that
 * could be a secret.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Position position;

  /**
   * A mistake at a position.
   *
   * @param position where it is
   * @param message what is wrong and how to fix it
   */
  public ConfigException(Position position, String message) {
    super(position + ": " + message);
    this.position = position;
  }

  /**
   * A mistake about the file as a whole: it cannot be read, or it is not text.
   *
   * @param file the file as the user named it
   * @param message what is wrong and how to fix it
   */
  public ConfigException(String file, String message) {
    super(file + ": " + message);
    this.position = null;
  }

  /**
   * Where the mistake is.
   *
   * @return the position, or {@code null} for a mistake about the whole file
   */
  public Position position() {
    return position;
  }
}
