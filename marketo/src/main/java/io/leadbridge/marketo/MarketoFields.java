package io.leadbridge.marketo;

import io.leadbridge.core.mapping.FieldMapping;

/**
 * Ready-made field mappings from identity platforms to Marketo lead fields' REST names. Stateless
 * and thread-safe; each call returns a new, immutable mapping.
 */
public final class MarketoFields {
  private MarketoFields() {}

  /**
   * Auth0 profiles to Marketo's standard lead fields:
   *
   * <table>
   *   <caption>Columns</caption>
   *   <tr><th>Auth0 path</th><th>Marketo field</th></tr>
   *   <tr><td>{@code email} (required)</td><td>{@code email}</td></tr>
   *   <tr><td>{@code given_name}</td><td>{@code firstName}</td></tr>
   *   <tr><td>{@code family_name}</td><td>{@code lastName}</td></tr>
   *   <tr><td>{@code phone_number}</td><td>{@code phone}</td></tr>
   * </table>
   *
   * <p>Only standard fields the API may write are used. Add custom fields with {@code toBuilder()},
   * e.g. {@code .column("user_id", "auth0UserId")} once the instance has such a field. Users
   * without an email are rejected by the export (a lead needs its lookup value) and listed in its
   * result.
   *
   * @return the mapping
   */
  public static FieldMapping auth0Defaults() {
    return FieldMapping.builder()
        .column("email", "email")
        .column("given_name", "firstName")
        .column("family_name", "lastName")
        .column("phone_number", "phone")
        .required("email")
        .build();
  }
}
