/**
 * Leadbridge for Auth0: runs the Management API's users-exports job and streams its result as a
 * {@link io.leadbridge.core.source.UserSource}.
 */
module io.leadbridge.auth0 {
  requires transitive io.leadbridge.core;
  requires transitive java.net.http;
  requires tools.jackson.core;
  requires org.slf4j;

  exports io.leadbridge.auth0;
}
