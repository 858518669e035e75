package io.leadbridge.core.internal.http;

import java.io.IOException;

/**
 * How a service words the failures that no answer classifies: no answer at all, an upload whose
 * answer was lost, an interrupted wait. Each service gives its own exception types.
 */
public interface RemoteService {
  /**
   * The service's name, for the log.
   *
   * @return e.g. {@code Marketo}
   */
  String name();

  /**
   * No usable answer came after every allowed attempt.
   *
   * @param what what the call was doing
   * @param attempts the attempts made
   * @param reason the last failure in a few words, free of secrets: {@code "timed out"}
   * @param cause the last failure, or {@code null} when its message might quote a secret URL
   * @return the exception to throw
   */
  RuntimeException noAnswer(String what, int attempts, String reason, IOException cause);

  /**
   * The connection dropped after an upload's body went out: the service may have acted on it.
   *
   * @param what what the call was doing
   * @param cause the failure, or {@code null} when its message might quote a secret URL
   * @return the exception to throw
   */
  RuntimeException uncertainUpload(String what, IOException cause);

  /**
   * The thread was interrupted while sending or waiting; the engine has restored its interrupt
   * flag.
   *
   * @param what what the call or the wait was for
   * @param cause the interruption
   * @return the exception to throw
   */
  RuntimeException interrupted(String what, InterruptedException cause);
}
