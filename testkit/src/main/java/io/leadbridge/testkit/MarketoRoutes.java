package io.leadbridge.testkit;

import io.leadbridge.core.remote.Sleeper;
import io.leadbridge.testkit.MarketoEmulator.Endpoint;
import io.leadbridge.testkit.internal.EmulatorServer;
import io.leadbridge.testkit.internal.Exchange;
import io.leadbridge.testkit.internal.Fault;
import java.io.IOException;
import java.time.Clock;

/**
 * The HTTP face of {@link MarketoEmulator}: which request is which {@link Endpoint}, which part
 * answers it behind the {@linkplain MarketoIdentity#gate gate} of every REST call, and how injected
 * faults are answered. Stateless.
 */
final class MarketoRoutes {
  private MarketoRoutes() {}

  /** The server of one emulator on its parts, ready to start once its transport is set. */
  static EmulatorServer.Builder<Endpoint> start(
      MarketoIdentity identity,
      MarketoLeadStore store,
      MarketoImportQueue queue,
      MarketoQuota quota,
      MarketoUpload upload,
      MarketoPrograms programs,
      MarketoCustomObjects objects,
      Clock clock,
      Sleeper sleeper) {
    MarketoImportQueue.Kind members = MarketoImportQueue.Kind.PROGRAM_MEMBERS;
    MarketoImportQueue.Kind custom = MarketoImportQueue.Kind.CUSTOM_OBJECTS;
    return EmulatorServer.builder("Marketo", Endpoint.class)
        .classifier(MarketoRoutes::classify)
        .route(Endpoint.TOKEN, identity::token)
        .route(Endpoint.DESCRIBE, identity.gate(store::describe))
        .route(Endpoint.DESCRIBE_V1, identity.gate(store::describeV1))
        .route(Endpoint.UPLOAD, identity.gate(upload::upload))
        .route(Endpoint.STATUS, identity.gate(queue::status))
        .route(Endpoint.FAILURES, identity.gate(ex -> queue.rowsFile(ex, true)))
        .route(Endpoint.WARNINGS, identity.gate(ex -> queue.rowsFile(ex, false)))
        .route(Endpoint.USAGE, identity.gate(quota::usage))
        .route(
            Endpoint.LEADS,
            identity.gate(
                ex -> {
                  queue.advance(); // the imports that have ended by now are in the store
                  store.query(ex);
                }))
        .route(Endpoint.PROGRAM, identity.gate(programs::get))
        .route(Endpoint.CHANNEL, identity.gate(programs::channel))
        .route(Endpoint.PROGRAM_MEMBER_DESCRIBE, identity.gate(programs::describe))
        .route(Endpoint.PROGRAM_MEMBER_UPLOAD, identity.gate(programs::upload))
        .route(Endpoint.PROGRAM_MEMBER_STATUS, identity.gate(ex -> queue.status(ex, members)))
        .route(
            Endpoint.PROGRAM_MEMBER_FAILURES,
            identity.gate(ex -> queue.rowsFile(ex, members, true)))
        .route(
            Endpoint.PROGRAM_MEMBER_WARNINGS,
            identity.gate(ex -> queue.rowsFile(ex, members, false)))
        .route(Endpoint.CUSTOM_OBJECT_DESCRIBE, identity.gate(objects::describe))
        .route(Endpoint.CUSTOM_OBJECT_UPLOAD, identity.gate(objects::upload))
        .route(Endpoint.CUSTOM_OBJECT_STATUS, identity.gate(ex -> queue.status(ex, custom)))
        .route(
            Endpoint.CUSTOM_OBJECT_FAILURES, identity.gate(ex -> queue.rowsFile(ex, custom, true)))
        .route(
            Endpoint.CUSTOM_OBJECT_WARNINGS, identity.gate(ex -> queue.rowsFile(ex, custom, false)))
        .route(Endpoint.OTHER, identity.gate(MarketoRoutes::notFound))
        .faultAnswer(MarketoRoutes::injected)
        .jsonType(MarketoIdentity.JSON)
        .clock(clock)
        .sleeper(sleeper);
  }

  private static Endpoint classify(String method, String path) {
    if (path.equals("/identity/oauth/token")) {
      return Endpoint.TOKEN;
    }
    if (path.equals("/rest/v1/leads/describe2.json")) {
      return Endpoint.DESCRIBE;
    }
    if (path.equals("/rest/v1/leads/describe.json")) {
      return Endpoint.DESCRIBE_V1;
    }
    if (path.equals("/rest/v1/stats/usage.json")) {
      return Endpoint.USAGE;
    }
    if (path.equals("/rest/v1/leads.json")) {
      return Endpoint.LEADS;
    }
    if (method.equals("POST") && path.equals("/bulk/v1/leads.json")) {
      return Endpoint.UPLOAD;
    }
    if (path.startsWith("/rest/asset/v1/program/") && path.endsWith(".json")) {
      return Endpoint.PROGRAM;
    }
    if (path.equals("/rest/asset/v1/channels/byName.json")) {
      return Endpoint.CHANNEL;
    }
    if (path.equals("/rest/v1/programs/members/describe.json")) {
      return Endpoint.PROGRAM_MEMBER_DESCRIBE;
    }
    if (method.equals("POST")
        && path.startsWith("/bulk/v1/program/")
        && path.endsWith("/members/import.json")) {
      return Endpoint.PROGRAM_MEMBER_UPLOAD;
    }
    if (path.startsWith("/bulk/v1/program/members/batch/")) {
      return batchEndpoint(
          path,
          Endpoint.PROGRAM_MEMBER_FAILURES,
          Endpoint.PROGRAM_MEMBER_WARNINGS,
          Endpoint.PROGRAM_MEMBER_STATUS);
    }
    if (path.startsWith("/rest/v1/customobjects/") && path.endsWith("/describe.json")) {
      return Endpoint.CUSTOM_OBJECT_DESCRIBE;
    }
    if (path.startsWith("/bulk/v1/customobjects/")) {
      if (method.equals("POST") && path.endsWith("/import.json")) {
        return Endpoint.CUSTOM_OBJECT_UPLOAD;
      }
      if (path.contains("/import/") && path.endsWith("/status.json")) {
        return Endpoint.CUSTOM_OBJECT_STATUS;
      }
      if (path.contains("/import/") && path.endsWith("/failures.json")) {
        return Endpoint.CUSTOM_OBJECT_FAILURES;
      }
      if (path.contains("/import/") && path.endsWith("/warnings.json")) {
        return Endpoint.CUSTOM_OBJECT_WARNINGS;
      }
    }
    if (path.startsWith("/bulk/v1/leads/batch/")) {
      if (path.endsWith("/failures.json")) {
        return Endpoint.FAILURES;
      }
      if (path.endsWith("/warnings.json")) {
        return Endpoint.WARNINGS;
      }
      return Endpoint.STATUS;
    }
    return Endpoint.OTHER;
  }

  private static Endpoint batchEndpoint(
      String path, Endpoint failures, Endpoint warnings, Endpoint status) {
    if (path.endsWith("/failures.json")) {
      return failures;
    }
    if (path.endsWith("/warnings.json")) {
      return warnings;
    }
    return status;
  }

  /** An unknown path: Marketo answers HTTP 200 with error 610, not HTTP 404. */
  private static void notFound(Exchange ex) throws IOException {
    MarketoIdentity.error(ex, "610", "Requested resource not found");
  }

  /** A status with no useful body, or an error code in an HTTP 200 body, as Marketo sends them. */
  private static void injected(Exchange ex, Fault fault) throws IOException {
    if (fault.kind() == Fault.Kind.STATUS) {
      ex.text(fault.status(), "text/html;charset=UTF-8", "<html>error</html>");
    } else {
      MarketoIdentity.error(ex, fault.code(), "Injected error " + fault.code());
    }
  }
}
