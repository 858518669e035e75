/**
 * Leadbridge core: streams users from a {@link io.leadbridge.core.source.UserSource} through a
 * {@link io.leadbridge.core.mapping.FieldMapping} into delimited files in a {@link
 * io.leadbridge.core.csv.CsvFormat}, and remembers what was sent in a {@link
 * io.leadbridge.core.sync.SyncState}.
 */
module io.leadbridge.core {
  requires java.net.http;
  requires tools.jackson.core;
  requires org.apache.commons.csv;
  requires org.slf4j;
  requires transitive java.sql;
  requires com.h2database;
  requires static org.postgresql.jdbc; // COPY, when the state is in PostgreSQL

  exports io.leadbridge.core;
  exports io.leadbridge.core.source;
  exports io.leadbridge.core.mapping;
  exports io.leadbridge.core.csv;
  exports io.leadbridge.core.sync;
  exports io.leadbridge.core.remote;
  // Shared implementation, not API: for Leadbridge's own modules only.
  exports io.leadbridge.core.internal to
      io.leadbridge.auth0,
      io.leadbridge.marketo,
      io.leadbridge.alterian,
      io.leadbridge.testkit;
  exports io.leadbridge.core.internal.csv to
      io.leadbridge.marketo,
      io.leadbridge.alterian;
  exports io.leadbridge.core.internal.files to
      io.leadbridge.auth0,
      io.leadbridge.marketo,
      io.leadbridge.alterian;
  exports io.leadbridge.core.internal.http to
      io.leadbridge.auth0,
      io.leadbridge.marketo;
  // The import journal a sync state keeps, and the off-heap table its rows are matched in.
  exports io.leadbridge.core.internal.sync to
      io.leadbridge.marketo;
  exports io.leadbridge.core.internal.table to
      io.leadbridge.marketo;
}
