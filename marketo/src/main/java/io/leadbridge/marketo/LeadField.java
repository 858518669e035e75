package io.leadbridge.marketo;

import java.util.Objects;

/**
 * A lead field of the instance, from {@code GET /rest/v1/leads/describe2.json}. Immutable and
 * thread-safe.
 *
 * @param name the REST API name a file's header must use, e.g. {@code firstName}
 * @param displayName the name people see, e.g. {@code First Name}
 * @param dataType Marketo's data type, e.g. {@code string}, {@code email}, {@code datetime}
 * @param length the longest value for string fields, or 0 when not limited or not given
 * @param updateable whether the API may write the field
 */
public record LeadField(
    String name, String displayName, String dataType, int length, boolean updateable) {
  /**
   * Checks the name and fills in what Marketo left out.
   *
   * @param name the REST API name
   * @param displayName the name people see; the REST name when {@code null}
   * @param dataType Marketo's data type; empty when {@code null}
   * @param length the longest value, or 0
   * @param updateable whether the API may write the field
   */
  public LeadField {
    Objects.requireNonNull(name, "name");
    displayName = displayName == null ? name : displayName;
    dataType = dataType == null ? "" : dataType;
  }
}
