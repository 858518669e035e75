package io.leadbridge.marketo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.remote.RetryPolicy;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.testkit.ManualClock;
import io.leadbridge.testkit.MarketoEmulator;
import io.leadbridge.testkit.MarketoEmulator.CustomObjectType;
import io.leadbridge.testkit.MarketoEmulator.Endpoint;
import io.leadbridge.testkit.MarketoEmulator.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Program members and custom objects through the same bulk machinery as leads, against the Marketo
 * emulator on a manual clock: several parts, faults, resume, lost answers, failed batches, and the
 * checks that stop an import before any upload.
 */
class BulkTargetImportTest {
  static final long PROGRAM = 1234;
  static final BulkTarget REGISTERED = BulkTarget.programMembers(PROGRAM, "Registered");
  static final BulkTarget SUBSCRIPTIONS = BulkTarget.customObject("subscription_c");
  static final CustomObjectType SUBSCRIPTION =
      new CustomObjectType(
          "subscription_c",
          "Subscription",
          List.of(
              new Field("email", "Email", "email", 255, true),
              new Field("subscriptionId", "Subscription Id", "string", 64, true),
              new Field("plan", "Plan", "string", 10, true),
              new Field("seats", "Seats", "integer", 0, true)),
          List.of("subscriptionId"),
          "email");

  @TempDir Path dir;
  private final ManualClock clock = ManualClock.create();
  private MarketoEmulator marketo;

  @AfterEach
  void stop() {
    if (marketo != null) {
      marketo.close();
    }
  }

  private MarketoEmulator start(int rowsPerSecond) {
    marketo =
        MarketoEmulator.builder()
            .clock(clock)
            .rowsPerSecond(rowsPerSecond)
            .addChannel("Webinar", List.of("Invited", "Registered", "Attended"))
            .addProgram(PROGRAM, "Spring webinar", "Webinar")
            .programMemberFields(
                List.of(
                    new Field("leadId", "Lead Id", "integer", 0, false),
                    new Field("statusName", "Status", "string", 255, false),
                    new Field("webinarSeat", "Webinar Seat", "string", 12, true)))
            .addCustomObject(SUBSCRIPTION)
            .start();
    return marketo;
  }

  private MarketoBulkLeadClient.Builder client() {
    return MarketoBulkLeadClient.builder()
        .endpoint(marketo.endpoint())
        .clientId(marketo.clientId())
        .clientSecret(marketo.clientSecret())
        .clock(clock)
        .sleeper(clock.sleeper())
        .retryPolicy(new RetryPolicy(20, Duration.ofSeconds(1), Duration.ofSeconds(30)));
  }

  /** Users with a few invalid emails (fail) and over-long values (warn). */
  static List<Map<String, Object>> users(int n) {
    List<Map<String, Object>> users = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, Object> u = new LinkedHashMap<>();
      u.put("user_id", "auth0|" + i);
      u.put("email", i % 1000 == 7 ? "not-an-email-" + i : "user" + i + "@example.com");
      u.put("given_name", "Given " + i);
      u.put("family_name", "Family " + i);
      u.put(
          "user_metadata",
          Map.of("seat", i % 1000 == 11 ? "S".repeat(20) : "A" + i % 100, "plan", plan(i)));
      users.add(u);
    }
    return users;
  }

  private static String plan(int i) {
    return i % 1000 == 14 ? "enterprise-unlimited" : (i % 2 == 0 ? "basic" : "pro");
  }

  private ExportResult memberExport(int n) {
    FieldMapping mapping =
        FieldMapping.builder()
            .column("email", "email")
            .column("given_name", "firstName")
            .column("family_name", "lastName")
            .column("user_metadata.seat", "webinarSeat")
            .required("email")
            .build();
    return UserExporter.builder()
        .mapping(mapping)
        .format(CsvFormat.TSV)
        .build()
        .export(UserSource.of(users(n)), dir.resolve("members.tsv"));
  }

  private ExportResult leadExport(int n) {
    return UserExporter.builder()
        .mapping(MarketoFields.auth0Defaults())
        .format(CsvFormat.TSV)
        .build()
        .export(UserSource.of(users(n)), dir.resolve("leads.tsv"));
  }

  private ExportResult objectExport(int n) {
    FieldMapping mapping =
        FieldMapping.builder()
            .column("email", "email")
            .column("user_id", "subscriptionId")
            .column("user_metadata.plan", "plan")
            .required("email")
            .build();
    return UserExporter.builder()
        .mapping(mapping)
        .format(CsvFormat.CSV)
        .build()
        .export(UserSource.of(users(n)), dir.resolve("subscriptions.csv"));
  }

  private static Set<String> validEmails(int n) {
    Set<String> out = new HashSet<>();
    for (int i = 0; i < n; i++) {
      if (i % 1000 != 7) {
        out.add("user" + i + "@example.com");
      }
    }
    return out;
  }

  private static ImportOptions sendEverything(CsvFormat format) {
    return ImportOptions.builder()
        .format(format)
        .rejectedRows(ImportOptions.RowPolicy.SEND)
        .build();
  }

  // ------------------------------------------------------------------------------ program members

  @Test
  void importsProgramMembersInSeveralPartsThroughFaultsAndTracesFailures() {
    start(5_000);
    marketo
        .failWithCode(Endpoint.PROGRAM, 1, "604")
        .failWithCode(Endpoint.CHANNEL, 1, "606")
        .failWithCode(Endpoint.PROGRAM_MEMBER_DESCRIBE, 1, "615")
        .failWithCode(Endpoint.PROGRAM_MEMBER_UPLOAD, 1, "615")
        .failWithCode(Endpoint.PROGRAM_MEMBER_UPLOAD, 2, "615")
        .failWithCode(Endpoint.PROGRAM_MEMBER_UPLOAD, 3, "602")
        .failWithCode(Endpoint.PROGRAM_MEMBER_UPLOAD, 4, "606")
        .failWithCode(Endpoint.PROGRAM_MEMBER_UPLOAD, 5, "606")
        .failWithStatus(Endpoint.PROGRAM_MEMBER_UPLOAD, 6, 502)
        .failWithCode(Endpoint.PROGRAM_MEMBER_STATUS, 2, "606")
        .failWithCode(Endpoint.PROGRAM_MEMBER_STATUS, 3, "601")
        .failWithStatus(Endpoint.PROGRAM_MEMBER_STATUS, 5, 503)
        .drop(Endpoint.PROGRAM_MEMBER_STATUS, 7)
        .failWithCode(Endpoint.PROGRAM_MEMBER_STATUS, 9, "1019")
        .failWithStatus(Endpoint.PROGRAM_MEMBER_FAILURES, 1, 500);
    ExportResult export = memberExport(6_000);

    ImportReport report =
        client()
            .maxFileBytes(60_000)
            .build()
            .importAndAwait(export, REGISTERED, sendEverything(CsvFormat.TSV));

    assertThat(report.batches()).hasSizeGreaterThanOrEqualTo(3);
    assertThat(report.batches()).allMatch(b -> b.state() == BatchStatus.State.COMPLETE);
    assertThat(marketo.acceptedUploads()).isEqualTo(report.batches().size());
    Map<String, Map<String, String>> members = marketo.programMembers(PROGRAM);
    assertThat(members.keySet()).isEqualTo(validEmails(6_000));
    assertThat(members.values()).allMatch(m -> "Registered".equals(m.get("statusName")));
    assertThat(members.get("user5@example.com")).containsEntry("webinarSeat", "A5");
    assertThat(marketo.leads().keySet()).isEqualTo(validEmails(6_000)); // created by the import
    assertThat(marketo.leads().get("user5@example.com")).containsEntry("firstName", "Given 5");
    assertThat(marketo.maxMemberImportCount(PROGRAM)).isEqualTo(1);
    assertThat(report.leadsProcessed()).isEqualTo(6_000 - 6);
    assertThat(report.failures()).hasSize(6);
    assertThat(report.failures()).allMatch(f -> f.userIds().get(0).endsWith("7"));
    assertThat(report.failures().get(0).reason()).isEqualTo("Invalid email address");
    assertThat(report.warnings()).hasSize(6);
    assertThat(report.warnings()).allMatch(w -> w.userIds().get(0).endsWith("11"));
    assertThat(marketo.requests(Endpoint.UPLOAD)).isEmpty();
    assertThat(marketo.requests(Endpoint.PROGRAM_MEMBER_UPLOAD).get(0).query())
        .contains("programMemberStatus=Registered")
        .contains("format=tsv");
  }

  @Test
  void programMembersResumeFromTheirJournalWithoutImportingTwice() {
    start(1_000);
    ExportResult export = memberExport(12_000);
    ImportOptions options = ImportOptions.builder().format(CsvFormat.TSV).build();
    MarketoBulkLeadClient crashing =
        client().maxFileBytes(150_000).timeout(Duration.ofSeconds(4)).build();
    assertThatThrownBy(() -> crashing.importAndAwait(export, REGISTERED, options))
        .isInstanceOf(MarketoException.class)
        .hasMessageContaining("resumes from the journal");
    int acceptedBeforeCrash = marketo.acceptedUploads();
    assertThat(acceptedBeforeCrash).isPositive();

    ImportReport report =
        client().maxFileBytes(150_000).build().importAndAwait(export, REGISTERED, options);

    assertThat(report.batches()).allMatch(b -> b.state() == BatchStatus.State.COMPLETE);
    assertThat(report.batches().stream().filter(ImportReport.Batch::resumed).count())
        .isEqualTo(acceptedBeforeCrash);
    assertThat(marketo.acceptedUploads()).isEqualTo(report.batches().size());
    assertThat(marketo.maxMemberImportCount(PROGRAM)).isEqualTo(1);
    assertThat(marketo.programMembers(PROGRAM).keySet()).isEqualTo(validEmails(12_000));
    assertThat(Files.exists(dir.resolve("members.tsv.marketo-journal"))).isFalse();

    ImportReport again =
        client().maxFileBytes(150_000).build().importAndAwait(export, REGISTERED, options);
    assertThat(again.batches()).allMatch(ImportReport.Batch::resumed);
    assertThat(again.calls()).isZero();
    assertThat(marketo.acceptedUploads()).isEqualTo(report.batches().size());
  }

  @Test
  void aLostProgramMemberUploadAnswerIsReportedNotLookedUpOrSentAgain() {
    start(10_000);
    marketo.dropAfterAccept(Endpoint.PROGRAM_MEMBER_UPLOAD, 1);
    ExportResult export = memberExport(2_000);
    // RESOLVE, the default, cannot settle a membership from a lead lookup: it reports
    ImportReport report =
        client().build().importAndAwait(export, REGISTERED, sendEverything(CsvFormat.TSV));
    assertThat(report.uncertainParts()).containsExactly(export.files().get(0).path());
    assertThat(report.allImported()).isFalse();
    assertThat(marketo.requests(Endpoint.LEADS)).isEmpty();
    assertThat(marketo.acceptedUploads()).isEqualTo(1);

    ImportReport rerun =
        client().build().importAndAwait(export, REGISTERED, sendEverything(CsvFormat.TSV));
    assertThat(rerun.uncertainParts()).hasSize(1);
    assertThat(marketo.acceptedUploads()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(1));
    assertThat(marketo.maxMemberImportCount(PROGRAM)).isEqualTo(1);
  }

  @Test
  void aFailedProgramMemberBatchEndsTheWaitWithItsMessage() {
    start(10_000);
    marketo.failNextBatch("Import failed: internal error");
    ImportReport report =
        client()
            .build()
            .importAndAwait(memberExport(500), REGISTERED, sendEverything(CsvFormat.TSV));
    assertThat(report.batches())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.state()).isEqualTo(BatchStatus.State.FAILED);
              assertThat(b.message()).isEqualTo("Import failed: internal error");
            });
    assertThat(marketo.programMembers(PROGRAM)).isEmpty();
  }

  @Test
  void anUnknownProgramStopsBeforeAnyUpload() {
    start(1_000);
    ExportResult export = memberExport(50);
    assertThatThrownBy(
            () ->
                client()
                    .build()
                    .importAndAwait(
                        export, BulkTarget.programMembers(999, "Registered"), defaults()))
        .isInstanceOf(MarketoTargetException.class)
        .hasMessageContaining("Program 999 does not exist")
        .hasMessageContaining("1013")
        .hasMessageNotContaining("@example.com");
    assertThat(marketo.requests(Endpoint.PROGRAM_MEMBER_UPLOAD)).isEmpty();
  }

  @Test
  void aStatusNotInTheProgramsChannelStopsBeforeAnyUpload() {
    start(1_000);
    ExportResult export = memberExport(50);
    assertThatThrownBy(
            () ->
                client()
                    .build()
                    .importAndAwait(
                        export, BulkTarget.programMembers(PROGRAM, "registered"), defaults()))
        .isInstanceOf(MarketoTargetException.class)
        .hasMessageContaining("\"registered\" is not a status of program 1234")
        .hasMessageContaining("channel \"Webinar\"")
        .hasMessageContaining("did you mean \"Registered\"")
        .hasMessageContaining("Invited, Registered, Attended")
        .hasMessageNotContaining("@example.com");
    assertThat(marketo.requests(Endpoint.PROGRAM_MEMBER_UPLOAD)).isEmpty();
  }

  @Test
  void aColumnThatIsNeitherALeadNorAMemberFieldStopsBeforeAnyUpload() throws Exception {
    start(1_000);
    Path file = dir.resolve("members.csv");
    Files.writeString(file, "email,Webinar Seat\r\na@example.com,A1\r\n");
    assertThatThrownBy(() -> client().build().importAndAwait(List.of(file), REGISTERED, defaults()))
        .isInstanceOf(MarketoHeaderException.class)
        .hasMessageContaining("\"Webinar Seat\" is not a lead or program member field")
        .hasMessageContaining("did you mean \"webinarSeat\"")
        .hasMessageNotContaining("a@example.com");
    assertThat(marketo.requests(Endpoint.PROGRAM_MEMBER_UPLOAD)).isEmpty();
  }

  @Test
  void programMembersNeedAnEmailColumn() throws Exception {
    start(1_000);
    Path file = dir.resolve("members.csv");
    Files.writeString(file, "firstName,webinarSeat\r\nAnn,A1\r\n");
    assertThatThrownBy(() -> client().build().importAndAwait(List.of(file), REGISTERED, defaults()))
        .isInstanceOf(MarketoException.class)
        .hasMessageContaining("\"email\" is not in members.csv");
    assertThat(marketo.requests(Endpoint.PROGRAM_MEMBER_UPLOAD)).isEmpty();
  }

  // ------------------------------------------------------------------------------ custom objects

  @Test
  void importsCustomObjectsInSeveralPartsThroughFaultsAndTracesFailures() {
    start(5_000);
    // the leads the records link to, all but every tenth user's
    List<Map<String, Object>> some = new ArrayList<>(users(4_000));
    some.removeIf(u -> ((String) u.get("user_id")).endsWith("3"));
    ImportReport leads =
        client()
            .build()
            .importAndAwait(
                UserExporter.builder()
                    .mapping(MarketoFields.auth0Defaults())
                    .build()
                    .export(UserSource.of(some), dir.resolve("leads.csv")),
                ImportOptions.defaults());
    assertThat(leads.batches()).allMatch(b -> b.state() == BatchStatus.State.COMPLETE);
    marketo
        .failWithCode(Endpoint.CUSTOM_OBJECT_DESCRIBE, 1, "606")
        .failWithCode(Endpoint.CUSTOM_OBJECT_UPLOAD, 1, "615")
        .failWithCode(Endpoint.CUSTOM_OBJECT_UPLOAD, 2, "606")
        .failWithCode(Endpoint.CUSTOM_OBJECT_UPLOAD, 3, "602")
        .failWithStatus(Endpoint.CUSTOM_OBJECT_UPLOAD, 4, 503)
        .failWithCode(Endpoint.CUSTOM_OBJECT_UPLOAD, 5, "1016")
        .failWithCode(Endpoint.CUSTOM_OBJECT_STATUS, 1, "606")
        .failWithCode(Endpoint.CUSTOM_OBJECT_STATUS, 2, "601")
        .drop(Endpoint.CUSTOM_OBJECT_STATUS, 4)
        .failWithStatus(Endpoint.CUSTOM_OBJECT_STATUS, 6, 500)
        .failWithCode(Endpoint.CUSTOM_OBJECT_WARNINGS, 1, "615");
    ExportResult export = objectExport(4_000);

    ImportReport report =
        client()
            .maxFileBytes(40_000)
            .build()
            .importAndAwait(export, SUBSCRIPTIONS, sendEverything(CsvFormat.CSV));

    assertThat(report.batches()).hasSizeGreaterThanOrEqualTo(3);
    assertThat(report.batches()).allMatch(b -> b.state() == BatchStatus.State.COMPLETE);
    assertThat(marketo.acceptedUploads() - leads.batches().size())
        .isEqualTo(report.batches().size());
    List<Map<String, String>> records = marketo.customObjects("subscription_c");
    // invalid emails fail, and so do records whose lead does not exist
    assertThat(records).hasSize(4_000 - 4 - 400);
    assertThat(marketo.maxCustomObjectImportCount("subscription_c")).isEqualTo(1);
    assertThat(records)
        .anySatisfy(
            r ->
                assertThat(r)
                    .containsEntry("subscriptionId", "auth0|5")
                    .containsEntry("plan", "pro"));
    assertThat(report.failures()).hasSize(4 + 400);
    assertThat(report.failures())
        .filteredOn(f -> f.reason().equals("Lead not found"))
        .hasSize(400)
        .allMatch(f -> f.userIds().get(0).endsWith("3"));
    assertThat(report.warnings()).hasSize(4);
    assertThat(report.warnings()).allMatch(w -> w.userIds().get(0).endsWith("14"));
    assertThat(report.leadsProcessed()).isEqualTo(records.size());
  }

  @Test
  void customObjectsResumeFromTheirJournalWithoutImportingTwice() {
    start(1_000);
    ExportResult leads = leadExport(8_000);
    client().build().importAndAwait(leads, ImportOptions.builder().format(CsvFormat.TSV).build());
    int leadBatches = marketo.acceptedUploads();
    ExportResult export = objectExport(8_000);
    MarketoBulkLeadClient crashing =
        client().maxFileBytes(100_000).timeout(Duration.ofSeconds(3)).build();
    assertThatThrownBy(() -> crashing.importAndAwait(export, SUBSCRIPTIONS, defaults()))
        .isInstanceOf(MarketoException.class)
        .hasMessageContaining("resumes from the journal");
    int acceptedBeforeCrash = marketo.acceptedUploads() - leadBatches;
    assertThat(acceptedBeforeCrash).isPositive();
    assertThat(Files.exists(dir.resolve("subscriptions.csv.marketo-object-subscription_c-journal")))
        .isTrue();

    ImportReport report =
        client().maxFileBytes(100_000).build().importAndAwait(export, SUBSCRIPTIONS, defaults());

    assertThat(report.batches()).allMatch(b -> b.state() == BatchStatus.State.COMPLETE);
    assertThat(report.batches().stream().filter(ImportReport.Batch::resumed).count())
        .isEqualTo(acceptedBeforeCrash);
    assertThat(marketo.acceptedUploads() - leadBatches).isEqualTo(report.batches().size());
    assertThat(marketo.maxCustomObjectImportCount("subscription_c")).isEqualTo(1);
    assertThat(marketo.customObjects("subscription_c")).hasSize(8_000 - 8);
  }

  @Test
  void aLostCustomObjectUploadAnswerIsReportedAndAFailedBatchEndsTheWait() {
    start(10_000);
    client()
        .build()
        .importAndAwait(
            leadExport(1_000), ImportOptions.defaults().toBuilder().format(CsvFormat.TSV).build());
    marketo.dropAfterAccept(Endpoint.CUSTOM_OBJECT_UPLOAD, 1);
    marketo.failNextBatch("Import failed: internal error"); // the lost one
    ExportResult export = objectExport(1_000);
    ImportReport report = client().build().importAndAwait(export, SUBSCRIPTIONS, defaults());
    assertThat(report.uncertainParts()).hasSize(1); // the part without the rows left out
    assertThat(report.allImported()).isFalse();
    assertThat(marketo.requests(Endpoint.LEADS)).isEmpty();

    marketo.failNextBatch("Import failed: internal error");
    ImportReport again =
        client()
            .build()
            .importAndAwait(
                export,
                SUBSCRIPTIONS,
                defaults().toBuilder()
                    .uncertainUploads(ImportOptions.UncertainUploads.UPLOAD_AGAIN)
                    .build());
    assertThat(again.batches())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.state()).isEqualTo(BatchStatus.State.FAILED);
              assertThat(b.message()).isEqualTo("Import failed: internal error");
            });
    assertThat(marketo.customObjects("subscription_c")).isEmpty();
  }

  @Test
  void anUnknownCustomObjectStopsBeforeAnyUpload() {
    start(1_000);
    ExportResult export = objectExport(50);
    assertThatThrownBy(
            () ->
                client()
                    .build()
                    .importAndAwait(export, BulkTarget.customObject("car_c"), defaults()))
        .isInstanceOf(MarketoTargetException.class)
        .hasMessageContaining("Custom object \"car_c\" does not exist")
        .hasMessageNotContaining("@example.com");
    assertThat(marketo.requests(Endpoint.CUSTOM_OBJECT_UPLOAD)).isEmpty();
  }

  @Test
  void aColumnThatIsNotAFieldOfTheObjectStopsBeforeAnyUpload() throws Exception {
    start(1_000);
    Path file = dir.resolve("subscriptions.csv");
    Files.writeString(file, "email,subscriptionId,firstName\r\na@example.com,s1,Ann\r\n");
    assertThatThrownBy(
            () -> client().build().importAndAwait(List.of(file), SUBSCRIPTIONS, defaults()))
        .isInstanceOf(MarketoHeaderException.class)
        .hasMessageContaining("\"firstName\" is not a field of custom object subscription_c")
        .hasMessageNotContaining("a@example.com")
        .hasMessageNotContaining("Ann");
    Files.writeString(file, "email,plan\r\na@example.com,pro\r\n");
    assertThatThrownBy(
            () -> client().build().importAndAwait(List.of(file), SUBSCRIPTIONS, defaults()))
        .isInstanceOf(MarketoException.class)
        .hasMessageContaining("\"subscriptionId\" is not in subscriptions.csv");
    assertThat(marketo.requests(Endpoint.CUSTOM_OBJECT_UPLOAD)).isEmpty();
  }

  @Test
  void targetsKeepTheirOwnJournalsAndSay() {
    assertThat(BulkTarget.leads().journalSuffix()).isEqualTo(".marketo-journal");
    assertThat(REGISTERED.journalSuffix()).startsWith(".marketo-program-1234-registered-");
    assertThat(BulkTarget.programMembers(PROGRAM, "Attended").journalSuffix())
        .isNotEqualTo(REGISTERED.journalSuffix());
    assertThat(SUBSCRIPTIONS.journalSuffix()).isEqualTo(".marketo-object-subscription_c-journal");
    assertThat(REGISTERED).isEqualTo(BulkTarget.programMembers(1234, "Registered"));
    assertThat(REGISTERED.toString()).contains("1234").contains("Registered");
    assertThatThrownBy(() -> BulkTarget.customObject("car_c/../x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BulkTarget.programMembers(0, "Registered"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BulkTarget.programMembers(1, " "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static ImportOptions defaults() {
    return ImportOptions.defaults();
  }
}
