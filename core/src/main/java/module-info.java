/**
 * Leadbridge core: streams users from a {@link io.leadbridge.core.UserSource} through a {@link
 * io.leadbridge.core.FieldMapping} into delimited files in a {@link io.leadbridge.core.CsvFormat}.
 */
module io.leadbridge.core {
  requires tools.jackson.core;
  requires org.apache.commons.csv;
  requires org.slf4j;

  exports io.leadbridge.core;
  // Shared implementation, not API: for Leadbridge's own modules only.
  exports io.leadbridge.core.internal to
      io.leadbridge.auth0,
      io.leadbridge.marketo;
}
