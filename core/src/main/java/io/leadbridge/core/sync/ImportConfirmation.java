package io.leadbridge.core.sync;

import io.leadbridge.core.ExportResult;
import java.nio.file.Path;

/**
 * What a target system confirmed of an export's rows, so that a {@link SyncState} moves forward
 * only for rows that really arrived. Marketo's {@code ImportReport} is one: a row is confirmed when
 * its batch completed and the row is not in the batch's failure file.
 *
 * <p>When in doubt an implementation answers {@code false}: an unconfirmed row is only sent again.
 *
 * <p>Called on the committing thread only.
 */
@FunctionalInterface
public interface ImportConfirmation {

  /**
   * Whether the target confirmed one written row.
   *
   * @param file the exported file the row is in, as in {@link ExportResult#paths()}
   * @param userId the row's {@code user_id}
   * @return true if the row arrived
   */
  boolean confirmed(Path file, String userId);

  /**
   * Confirms every row: for targets that take the files as they are, such as an Alterian package
   * someone has imported.
   *
   * @return a confirmation of everything
   */
  static ImportConfirmation all() {
    return (file, userId) -> true;
  }

  /**
   * Confirms no row: the state records the users it saw, but every written row is sent again next
   * time.
   *
   * @return a confirmation of nothing
   */
  static ImportConfirmation none() {
    return (file, userId) -> false;
  }
}
