package io.leadbridge.marketo;

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
    String name, String displayName, String dataType, int length, boolean updateable) {}
