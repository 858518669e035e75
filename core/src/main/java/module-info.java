/**
 * Leadbridge core: streams users from a {@link io.leadbridge.core.UserSource} through a {@link
 * io.leadbridge.core.FieldMapping} into delimited files in a {@link io.leadbridge.core.CsvFormat}.
 */
module io.leadbridge.core {
  requires tools.jackson.core;
  requires org.apache.commons.csv;
  requires org.slf4j;
  requires transitive java.net.http;

  exports io.leadbridge.core;
  exports io.leadbridge.core.auth0;
  // Shared implementation, not API: for Leadbridge's own modules only.
  exports io.leadbridge.core.internal to
      io.leadbridge.marketo;
}
