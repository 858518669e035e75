package io.leadbridge.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.marketo.BatchStatus;
import io.leadbridge.marketo.ImportReport;
import io.leadbridge.marketo.MarketoBulkLeadClient;
import io.leadbridge.testkit.ManualClock;
import io.leadbridge.testkit.MarketoEmulator;
import io.leadbridge.testkit.MarketoEmulator.CustomObjectType;
import io.leadbridge.testkit.MarketoEmulator.Endpoint;
import io.leadbridge.testkit.MarketoEmulator.Field;
import io.leadbridge.testkit.SyntheticUsers;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's program member and custom object examples, run against the Marketo emulator. */
class TargetExamplesTest {
  @TempDir Path dir;

  @Test
  void programMemberAndCustomObjectExamplesImportEveryExportedUser() {
    Path input = dir.resolve("tenant.json.gz");
    SyntheticUsers.builder().count(800).seed(19).sharedEmails(0).build().writeNdjson(input, true);
    ManualClock clock = ManualClock.create();
    try (MarketoEmulator marketo =
        MarketoEmulator.builder()
            .clock(clock)
            .addChannel("Webinar", List.of("Invited", "Registered", "Attended"))
            .addProgram(1001, "Product webinar", "Webinar")
            .addCustomObject(
                new CustomObjectType(
                    "auth0Account_c",
                    "Auth0 Account",
                    List.of(
                        new Field("auth0UserId", "Auth0 User Id", "string", 255, true),
                        new Field("email", "Email", "email", 255, true),
                        new Field("plan", "Plan", "string", 255, true),
                        new Field("company", "Company", "string", 255, true)),
                    List.of("auth0UserId"),
                    "email"))
            .start()) {
      MarketoBulkLeadClient client =
          MarketoBulkLeadClient.builder()
              .endpoint(marketo.endpoint())
              .clientId(marketo.clientId())
              .clientSecret(marketo.clientSecret())
              .clock(clock)
              .sleeper(clock.sleeper())
              .maxFileBytes(20_000)
              .build();

      ImportReport members =
          ProgramMembersExample.importMembers(
              client, input, dir.resolve("out"), 1001, "Registered");
      ImportReport accounts =
          CustomObjectExample.importAccounts(client, input, dir.resolve("out"), "auth0Account_c");

      assertThat(members.batches()).hasSizeGreaterThan(1);
      assertThat(members.batches()).allMatch(b -> b.state() == BatchStatus.State.COMPLETE);
      assertThat(marketo.programMembers(1001)).hasSize((int) members.leadsProcessed());
      assertThat(marketo.programMembers(1001).values())
          .allMatch(m -> m.get("statusName").equals("Registered"));
      assertThat(marketo.maxMemberImportCount(1001)).isEqualTo(1);
      // every member's lead exists now, so every record links to one
      assertThat(accounts.batches()).allMatch(b -> b.state() == BatchStatus.State.COMPLETE);
      assertThat(accounts.rowsFailed()).isZero();
      assertThat(marketo.customObjects("auth0Account_c")).hasSize((int) accounts.leadsProcessed());
      assertThat(accounts.leadsProcessed()).isEqualTo(members.leadsProcessed());
      assertThat(marketo.requests(Endpoint.UPLOAD)).isEmpty();
    }
  }
}
