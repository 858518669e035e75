/**
 * Leadbridge for Alterian Campaign Manager: packages exported users as data files plus the Data
 * Import settings, a column spec and checksums.
 */
module io.leadbridge.alterian {
  requires transitive io.leadbridge.core;
  requires org.slf4j;

  exports io.leadbridge.alterian;
}
