package io.leadbridge.core.internal.files;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Says in words why a file operation failed, for messages that name the thing, the reason from the
 * system, and what to do. The JDK's own messages are often only the path ("cannot write to X: X")
 * or nothing at all.
 */
public final class IoErrors {
  private IoErrors() {}

  /** The reason, without the path: "no such file or folder", "permission denied", … */
  public static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or folder";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "it already exists";
    }
    if (e instanceof NotDirectoryException) {
      return "a part of the path is a file, not a folder";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "the folder is not empty";
    }
    if (e instanceof CharacterCodingException) {
      return "it is not text in the expected encoding";
    }
    if (e instanceof FileSystemException) {
      String reason = ((FileSystemException) e).getReason();
      if (reason != null && !reason.isBlank()) {
        return reason.strip();
      }
    }
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getClass().getSimpleName();
    }
    return m;
  }

  /**
   * Why a file cannot be read, looked at before opening it: empty when it looks readable.
   *
   * @param file the file to read
   * @return a reason such as "it is a folder, not a file"
   */
  public static java.util.Optional<String> unreadable(Path file) {
    if (Files.isDirectory(file)) {
      return java.util.Optional.of("it is a folder, not a file");
    }
    if (!Files.exists(file)) {
      return java.util.Optional.of("no such file");
    }
    if (!Files.isReadable(file)) {
      return java.util.Optional.of("permission denied");
    }
    return java.util.Optional.empty();
  }
}
