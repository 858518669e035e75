/**
 * Leadbridge testkit: loopback emulators of Auth0 and Marketo that behave like the real services,
 * and synthetic Auth0 users, for tests, the demo and users' own tests.
 */
module io.leadbridge.testkit {
  requires transitive io.leadbridge.core;
  requires jdk.httpserver;
  requires tools.jackson.core;
  requires org.slf4j;

  exports io.leadbridge.testkit;
}
