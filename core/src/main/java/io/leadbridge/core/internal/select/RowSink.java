package io.leadbridge.core.internal.select;

import io.leadbridge.core.Rejection;
import java.io.IOException;

/** Where a {@link RowSelection} sends its outcome: the rows chosen, and the users it rejects. */
public interface RowSink {
  /**
   * Writes one encoded row into the export's parts and records its row key.
   *
   * @return the 1-based number of the part it went to
   */
  int append(byte[] row, int length, String userId, String key) throws IOException;

  /** Reports a user the selection rejects (a duplicate {@code user_id}, a refused key group). */
  void reject(Rejection rejection) throws IOException;
}
