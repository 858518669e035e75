package io.leadbridge.core;

/**
 * What to do when several users share a key column value (see {@link
 * UserExporter.Builder#keyColumn(String)}), such as the same email on a social and a database
 * login. Marketo upserts rows by their lookup field: two rows with the same email in one import
 * update the same lead and the last one silently wins. Merging writes one row per value and reports
 * every user left out with the {@code user_id} kept ({@link ExportResult#merges()}).
 *
 * <p>Values are compared ignoring case ({@link java.util.Locale#ROOT}), as Marketo matches emails.
 * Users with an empty key value are never merged.
 *
 * <p>An enum: immutable and thread-safe.
 */
public enum MergePolicy {
  /**
   * The user with the latest {@code updated_at} is written; users without one, or with one that is
   * not an ISO-8601 instant, come last, and ties go to the first in the source. The default.
   */
  MOST_RECENTLY_UPDATED,
  /** The first user in the source is written. */
  FIRST,
  /**
   * No user of the group is written: each is rejected ({@link Rejection.Reason#DUPLICATE_KEY})
   * naming the others, so that someone decides which one is the lead.
   */
  REFUSE
}
