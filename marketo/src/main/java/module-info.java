/**
 * Leadbridge for Marketo: imports exported users with the Bulk Lead Import API, waits for the
 * batches and traces failed rows back to their users.
 */
module io.leadbridge.marketo {
  requires transitive io.leadbridge.core;
  requires transitive java.net.http;
  requires tools.jackson.core;
  requires org.slf4j;

  exports io.leadbridge.marketo;
}
