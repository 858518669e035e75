package io.leadbridge.testkit;

import io.leadbridge.core.remote.Sleeper;
import io.leadbridge.testkit.Auth0Emulator.Endpoint;
import io.leadbridge.testkit.internal.EmulatorServer;
import java.time.Clock;

/**
 * The HTTP face of {@link Auth0Emulator}: which request is which {@link Endpoint}, which part
 * answers it (Management API calls behind the {@linkplain Auth0Tenant#managementApi tenant's
 * gate}), and how injected faults are answered. Stateless.
 */
final class Auth0Routes {
  private Auth0Routes() {}

  /** The server of one emulator on its parts, ready to start once its transport is set. */
  static EmulatorServer.Builder<Endpoint> start(
      Auth0Tenant tenant, Auth0JobStore jobs, Clock clock, Sleeper sleeper) {
    return EmulatorServer.builder("Auth0", Endpoint.class)
        .classifier(Auth0Routes::classify)
        .route(Endpoint.TOKEN, tenant::token)
        .route(
            Endpoint.CONNECTIONS,
            tenant.managementApi(Auth0Tenant.READ_CONNECTIONS, tenant::connections))
        .route(Endpoint.CREATE_EXPORT, tenant.managementApi(Auth0Tenant.READ_USERS, jobs::create))
        .route(Endpoint.GET_JOB, tenant.managementApi(Auth0Tenant.READ_USERS, jobs::get))
        .route(Endpoint.DOWNLOAD, jobs::download)
        .route(Endpoint.OTHER, ex -> Auth0Tenant.apiError(ex, 404, "Not Found", "Not Found", null))
        .faultAnswer(tenant::injected)
        .jsonType("application/json; charset=utf-8")
        .keepBodies(true)
        .clock(clock)
        .sleeper(sleeper);
  }

  private static Endpoint classify(String method, String path) {
    if (method.equals("POST") && path.equals("/oauth/token")) {
      return Endpoint.TOKEN;
    }
    if (method.equals("GET") && path.equals("/api/v2/connections")) {
      return Endpoint.CONNECTIONS;
    }
    if (method.equals("POST") && path.equals("/api/v2/jobs/users-exports")) {
      return Endpoint.CREATE_EXPORT;
    }
    if (method.equals("GET") && path.startsWith("/api/v2/jobs/")) {
      return Endpoint.GET_JOB;
    }
    if (method.equals("GET") && path.startsWith("/exports/")) {
      return Endpoint.DOWNLOAD;
    }
    return Endpoint.OTHER;
  }
}
