package io.leadbridge.core;

import java.nio.file.Path;

/**
 * Another Leadbridge run holds the folder this run would write in; nothing was written. The message
 * names the holder (process id, host, start time). A lock left by a run that died is taken over by
 * the next run without help.
 *
 * <p>Immutable once thrown.
 */
public class FolderInUseException extends LeadbridgeException {
  private static final long serialVersionUID = 1L;

  private final transient Path folder;

  /**
   * Creates the exception.
   *
   * @param message who holds the folder and what to do
   * @param folder the folder
   */
  public FolderInUseException(String message, Path folder) {
    super(message);
    this.folder = folder;
  }

  /**
   * The folder another run holds.
   *
   * @return the folder
   */
  public Path folder() {
    return folder;
  }
}
