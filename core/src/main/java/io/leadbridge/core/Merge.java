package io.leadbridge.core;

import java.util.Objects;

/**
 * A user that was not written because another user with the same key column value was (see {@link
 * MergePolicy}). Neither the key value nor any other value of the users is held: only their ids.
 *
 * <p>Immutable and thread-safe.
 *
 * @param position the position in the source of the user left out
 * @param userId the {@code user_id} of the user left out, or {@code null} if the record had none
 * @param keptUserId the {@code user_id} of the user whose row was written for both, or {@code null}
 * @param policy the policy that chose
 */
public record Merge(long position, String userId, String keptUserId, MergePolicy policy) {
  /**
   * Validates the fields.
   *
   * @param position the position of the user left out
   * @param userId the user left out
   * @param keptUserId the user kept
   * @param policy the policy
   */
  public Merge {
    Objects.requireNonNull(policy, "policy");
  }
}
