package io.leadbridge.cli;

import io.leadbridge.alterian.AlterianImportPackager;
import io.leadbridge.alterian.AlterianPackage;
import io.leadbridge.auth0.Auth0ExportJob;
import io.leadbridge.auth0.Auth0ExportSource;
import io.leadbridge.core.ExportResult;
import io.leadbridge.core.ExportedFile;
import io.leadbridge.core.LeadbridgeException;
import io.leadbridge.core.MergePolicy;
import io.leadbridge.core.Rejection;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.internal.files.FolderLock;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.mapping.MappingException;
import io.leadbridge.core.remote.Sleeper;
import io.leadbridge.core.source.SourceException;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.core.sync.ImportConfirmation;
import io.leadbridge.core.sync.MassRemovalException;
import io.leadbridge.core.sync.RemovalGuard;
import io.leadbridge.core.sync.SyncState;
import io.leadbridge.core.sync.SyncSummary;
import io.leadbridge.marketo.BatchStatus;
import io.leadbridge.marketo.ImportOptions;
import io.leadbridge.marketo.ImportReport;
import io.leadbridge.marketo.MarketoBulkLeadClient;
import io.leadbridge.marketo.MarketoFields;
import io.leadbridge.marketo.MarketoHeaderException;
import io.leadbridge.testkit.Auth0Emulator;
import io.leadbridge.testkit.MarketoEmulator;
import io.leadbridge.testkit.SyntheticUsers;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One run of the demo; holds the emulators it started until closed. A signal stops it at the next
 * safe point, as it stops every command (see {@link Interruption}).
 */
final class DemoRun implements AutoCloseable {

  /** Of every 1000 emulated social users, how many share the email of a database user. */
  static final int SHARED_EMAILS = 20;

  private final DemoCommand options;
  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  private final Progress progress;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Interruption interruption;

  Auth0Emulator auth0;
  MarketoEmulator marketo;
  String auth0JobId;
  ExportResult export;
  ImportReport report;
  AlterianPackage alterian;
  SyncState state;
  SyncState.Committed committed;
  List<String> changedUsers = List.of();

  /** The demo as the command line runs it. */
  DemoRun(DemoCommand options, CliContext ctx) {
    this(
        options,
        ctx.env,
        ctx.out,
        ctx.err,
        ctx.terminal,
        ctx.clock,
        ctx.sleeper(),
        ctx.interruption);
    this.stdinStream = ctx.in;
  }

  /** With an injected clock and sleeper, so that tests run the whole demo in virtual time. */
  DemoRun(
      DemoCommand options,
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      boolean terminal,
      Clock clock,
      Sleeper sleeper) {
    this(options, env, out, err, terminal, clock, sleeper, new Interruption());
  }

  private DemoRun(
      DemoCommand options,
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      boolean terminal,
      Clock clock,
      Sleeper sleeper,
      Interruption interruption) {
    this.clock = clock;
    this.sleeper = sleeper;
    this.interruption = interruption;
    this.options = options;
    this.env = env;
    this.out = out;
    this.err = err;
    this.progress = new Progress(out, terminal, Clock.systemUTC());
  }

  int execute() {
    Instant started = clock.instant();
    FieldMapping mapping;
    CsvFormat format;
    try {
      mapping =
          options.mapping == null
              ? MarketoFields.auth0Defaults()
              : FieldMapping.read(options.mapping);
      format =
          options.format.equals("csv")
              ? CsvFormat.CSV
              : options.format.equals("ssv") ? CsvFormat.SSV : CsvFormat.TSV;
      if (options.input != null && !stdin()) {
        String problem = ExportFolder.inputProblem(options.input);
        if (problem != null) {
          throw CliException.usage("--input " + options.input + ": " + problem);
        }
      }
      if (Files.exists(options.out) && !Files.isDirectory(options.out)) {
        throw CliException.usage(
            "--out " + options.out + " is a file; give a folder (it is created if missing)");
      }
      if (options.state != null
          && Files.exists(options.state)
          && !Files.isDirectory(options.state)) {
        throw CliException.usage(
            "--state " + options.state + " is a file; give the sync state's folder");
      }
      if (options.allowMassRemoval && options.state == null) {
        throw CliException.usage("--allow-mass-removal goes with --state");
      }
      if (options.formulaGuard) {
        format = format.toBuilder().formulaGuard(true).build();
      }
      exporter = exporter(mapping, format);
      checkEnv("AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET");
      checkEnv("MARKETO_ENDPOINT", "MARKETO_CLIENT_ID", "MARKETO_CLIENT_SECRET");
      if (options.change > 0 && (options.input != null || has("AUTH0_DOMAIN"))) {
        throw CliException.usage(
            "--change edits users of the emulated Auth0 tenant: it cannot go with --input or"
                + " AUTH0_DOMAIN");
      }
    } catch (MappingException | CliException e) {
      err.println("leadbridge-demo: " + e.getMessage());
      err.println();
      err.println(options.usage());
      return 2;
    }
    try {
      Files.createDirectories(options.out);
      // the whole run holds --out: a second run there would replace parts this one imports
      folder = FolderLock.acquire(options.out, "run");
      if (options.state != null) {
        state = SyncState.open(options.state);
      }
      interruption.advice(
          () ->
              "Nothing was committed: run the demo again"
                  + (options.state == null
                      ? "."
                      : " with the same --state to send the same users."));
      stage = "export";
      interruption.enter(Interruption.Stage.EXPORT);
      exportUsers(mapping, format);
      if (options.marketo) {
        stage = "marketo";
        interruption.enter(Interruption.Stage.IMPORT);
        importIntoMarketo();
      }
      if (options.alterian && export.rowsWritten() > 0) {
        stage = "alterian";
        interruption.enter(Interruption.Stage.PACKAGE);
        packageForAlterian();
      }
      stage = "commit";
      interruption.enter(Interruption.Stage.COMMIT);
      commit();
      interruption.stage(Interruption.Stage.WAITING);
    } catch (RuntimeException | IOException e) {
      progress.finish();
      if (interruption.requested()) {
        Interruption.Signal signal = interruption.signal().orElseThrow();
        err.println(
            "leadbridge-demo: stopped by "
                + signal.label
                + " "
                + interruption.stage().words
                + ". "
                + interruption.advice());
        return signal.exitCode;
      }
      return failed(e);
    }
    progress.finish();
    new RunSummary(out, export, report, alterian, state, committed, options.marketo, options.dryRun)
        .print(Duration.between(started, clock.instant()));
    return exitStatus();
  }

  /** The exit status and one line for a run that threw. */
  private int failed(Exception thrown) {
    try {
      throw thrown;
    } catch (CliException e) {
      err.println("leadbridge-demo: " + e.getMessage());
      err.println();
      err.println(options.usage());
      return 2;
    } catch (SourceException e) {
      progress.finish();
      err.println("leadbridge-demo: the input cannot be read: " + e.getMessage());
      return 1;
    } catch (LookupFieldException e) {
      progress.finish();
      err.println("leadbridge-demo: " + e.getMessage());
      return 2;
    } catch (MassRemovalException e) {
      progress.finish();
      err.println("leadbridge-demo: " + e.getMessage());
      return 1;
    } catch (MarketoHeaderException e) {
      progress.finish();
      err.println("leadbridge-demo: Marketo would refuse these columns: " + e.getMessage());
      return 1;
    } catch (LeadbridgeException e) {
      progress.finish();
      err.println("leadbridge-demo: the run could not finish: " + e.getMessage());
      if (stage.equals("marketo")) {
        err.println(
            "Nothing accepted so far is lost: an import resumes from its journal when run again"
                + " with the same --out.");
      }
      return 3;
    } catch (IOException e) {
      progress.finish();
      err.println("leadbridge-demo: cannot write to " + options.out + ": " + reason(e));
      return 3;
    } catch (Exception e) {
      progress.finish();
      err.println(
          "leadbridge-demo: the run could not finish: unexpected "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage()));
      return 3;
    }
  }

  private String stage = "start";
  private FolderLock folder;
  InputStream stdinStream = System.in;
  private UserExporter exporter;

  private boolean stdin() {
    return options.input != null && options.input.toString().equals("-");
  }

  /** The reason of a file failure in words; the JDK's message is often only the path. */
  private static String reason(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileSystemException
        && ((java.nio.file.FileSystemException) e).getReason() != null) {
      return ((java.nio.file.FileSystemException) e).getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** The exporter, or a one-line explanation of why the mapping cannot make one. */
  private UserExporter exporter(FieldMapping mapping, CsvFormat format) {
    try {
      return UserExporter.builder()
          .mapping(mapping)
          .format(format)
          .maxFileBytes(9_500_000)
          .mergePolicy(MergePolicy.MOST_RECENTLY_UPDATED)
          .removalGuard(
              options.allowMassRemoval
                  ? RemovalGuard.allowingMassRemoval()
                  : RemovalGuard.defaults())
          .listener(ProgressLines.export(progress, clock))
          .build();
    } catch (IllegalArgumentException e) {
      throw CliException.usage(
          (options.mapping == null ? "the mapping: " : "--mapping " + options.mapping + ": ")
              + e.getMessage());
    }
  }

  private void checkEnv(String... names) {
    int set = 0;
    for (String n : names) {
      if (env.get(n) != null && !env.get(n).isBlank()) {
        set++;
      }
    }
    if (set != 0 && set != names.length) {
      throw CliException.usage("set all of " + String.join(", ", names) + " or none of them");
    }
  }

  private boolean has(String name) {
    return env.get(name) != null && !env.get(name).isBlank();
  }

  // ------------------------------------------------------------------------------ stages

  private void exportUsers(FieldMapping mapping, CsvFormat format) throws IOException {
    Path file = ExportFolder.exportFile(options.out, format);
    try (UserSource users = interruption.watch(openSource(mapping))) {
      interruption.check();
      progress.stage(
          "export",
          "Export: users to " + format.fileExtension().toUpperCase(Locale.ROOT) + " files");
      export = state == null ? exporter.export(users, file) : exporter.export(users, file, state);
    }
    removeOtherFormat(file.getParent(), format.fileExtension().equals("tsv") ? "csv" : "tsv");
    export.sync().ifPresent(this::describeSync);
  }

  /**
   * Removes the export an earlier run wrote in the other file format (users.csv beside a new
   * users.tsv), with its parts and side files, so that no old file is taken for new.
   */
  private void removeOtherFormat(Path dir, String ext) throws IOException {
    int removed = ExportFolder.removeOtherFormat(dir, ext);
    if (removed > 0) {
      progress.line(
          String.format(
              Locale.ROOT,
              "removed %d file(s) of the %s export an earlier run left in %s",
              removed,
              ext,
              dir));
    }
  }

  private void describeSync(SyncSummary s) {
    Exporting.describe(progress, state, s);
  }

  private UserSource openSource(FieldMapping mapping) throws IOException {
    if (stdin()) {
      progress.stage("source", "Source: NDJSON from standard input");
      return UserSource.ndjson(stdinStream, "standard input");
    }
    if (options.input != null) {
      progress.stage("source", "Source: " + options.input);
      return UserSource.open(options.input, options.inputFormat, mapping);
    }
    Auth0ExportJob.Builder job =
        Auth0ExportJob.builder().mapping(mapping).clock(clock).sleeper(sleeper);
    if (has("AUTH0_DOMAIN")) {
      progress.stage("auth0", "Source: Auth0 tenant " + env.get("AUTH0_DOMAIN"));
      job.domain(env.get("AUTH0_DOMAIN"))
          .clientId(env.get("AUTH0_CLIENT_ID"))
          .clientSecret(env.get("AUTH0_CLIENT_SECRET"));
    } else {
      progress.stage(
          "auth0",
          String.format(
              Locale.ROOT, "Source: Auth0 emulator with %,d synthetic users", options.users));
      auth0 =
          Auth0Emulator.builder()
              .users(
                  SyntheticUsers.builder()
                      .count(options.users)
                      .seed(42)
                      .sharedEmails(SHARED_EMAILS)
                      .build())
              .jobDuration(Duration.ofSeconds(2))
              .clock(clock)
              .sleeper(sleeper)
              .start();
      if (options.change > 0) {
        try {
          changedUsers = auth0.updateUsers(options.change);
        } catch (IllegalArgumentException e) {
          throw CliException.usage("--change " + options.change + ": " + e.getMessage());
        }
        progress.line(
            String.format(
                Locale.ROOT,
                "edited %,d users of the tenant (new names, updated_at now)",
                changedUsers.size()));
      }
      job.domain(auth0.domain())
          .clientId(auth0.clientId())
          .clientSecret(auth0.clientSecret())
          .pollInterval(Duration.ofMillis(250))
          .maxPollInterval(Duration.ofSeconds(1));
    }
    job.listener(ProgressLines.auth0(progress));
    Auth0ExportSource source = job.build().open();
    auth0JobId = source.jobId();
    progress.line(
        String.format(
            Locale.ROOT,
            "job %s done, %,d bytes downloaded",
            source.jobId(),
            source.downloadedBytes()));
    return source;
  }

  private void importIntoMarketo() {
    if (export.rowsWritten() == 0) {
      progress.stage("marketo", "Marketo");
      progress.line(
          state != null
              ? "nothing changed since the last run: nothing to send to Marketo"
              : "nothing to import: no row was written");
      return;
    }
    MarketoBulkLeadClient.Builder builder =
        MarketoBulkLeadClient.builder().clock(clock).sleeper(sleeper);
    if (has("MARKETO_ENDPOINT")) {
      progress.stage("marketo", "Marketo: instance " + env.get("MARKETO_ENDPOINT"));
      builder
          .endpoint(URI.create(env.get("MARKETO_ENDPOINT")))
          .clientId(env.get("MARKETO_CLIENT_ID"))
          .clientSecret(env.get("MARKETO_CLIENT_SECRET"));
    } else {
      progress.stage("marketo", "Marketo: emulator (2 imports at once, 5,000 rows/s each)");
      marketo = MarketoEmulator.builder().rowsPerSecond(5_000).clock(clock).start();
      // A fresh emulator knows none of the batches an earlier run's journal names.
      for (ExportedFile f : export.files()) {
        deleteJournal(f.path());
      }
      builder
          .endpoint(marketo.endpoint())
          .clientId(marketo.clientId())
          .clientSecret(marketo.clientSecret())
          .minPollInterval(Duration.ofMillis(500))
          .maxPollInterval(Duration.ofSeconds(2));
    }
    MarketoBulkLeadClient client =
        builder.listener(ProgressLines.marketo(progress, new AtomicReference<>())).build();
    client.checkHeader(export.header());
    checkLookupField(client);
    ImportOptions.Builder importOptions =
        ImportOptions.builder()
            .lookupField(options.lookupField)
            .format(export.format())
            .uncertainUploads(options.uncertainUploads);
    if (options.listId != null) {
      importOptions.listId(options.listId);
    }
    if (options.partition != null) {
      importOptions.partitionName(options.partition);
    }
    if (options.dryRun) {
      progress.line(
          "dry run: the header "
              + export.header()
              + " and the lookup field '"
              + options.lookupField
              + "' match the instance's lead fields; nothing uploaded");
      Importing.predict(client.checkValues(export, importOptions.build()), progress);
      return;
    }
    report = client.importAndAwait(export, importOptions.build());
    for (ImportReport.Batch b : report.batches()) {
      progress.line(
          String.format(
              Locale.ROOT,
              "batch %d %s: %,d leads processed, %,d failed, %,d with warning%s",
              b.batchId(),
              b.state().toString().toLowerCase(Locale.ROOT),
              b.leadsProcessed(),
              b.rowsFailed(),
              b.rowsWithWarning(),
              b.resumed() ? " (from an earlier run's journal)" : ""));
    }
  }

  /**
   * Refuses a lookup field that is not a column of the export or not a lead field of the instance:
   * every row of the import would fail.
   */
  private void checkLookupField(MarketoBulkLeadClient client) {
    try {
      Checks.lookupField(client, export.header(), options.lookupField, "--lookup-field");
    } catch (CliException e) {
      throw new LookupFieldException(e.getMessage());
    }
  }

  /** The lookup field cannot work: a command-line mistake. */
  static final class LookupFieldException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LookupFieldException(String message) {
      super(message);
    }
  }

  private static void deleteJournal(Path part) {
    try {
      Files.deleteIfExists(part.resolveSibling(part.getFileName() + ".marketo-journal"));
    } catch (IOException e) {
      // an old journal left in place only makes the import resume
    }
  }

  /** Moves the sync state on: for rows Marketo took, or for every row when Marketo was left out. */
  private void commit() {
    if (state == null) {
      return;
    }
    if (options.dryRun) {
      progress.line("dry run: the sync state is left as it was");
      return;
    }
    committed = state.commit(export, report != null ? report : ImportConfirmation.all());
    if (report == null || report.uncertainParts().isEmpty()) {
      try {
        ExportFolder.retireJournals(options.out.resolve("export"));
      } catch (IOException e) {
        // a journal left in place only makes a later identical part count as imported
      }
    }
    progress.line(
        String.format(
            Locale.ROOT,
            "sync state %s is now at generation %d: %,d users%s",
            state.directory().orElseThrow(),
            committed.generation(),
            committed.users(),
            committed.rowsUnconfirmed() > 0
                ? String.format(
                    Locale.ROOT,
                    "; %,d rows Marketo did not take are sent again next run",
                    committed.rowsUnconfirmed())
                : ""));
  }

  private void packageForAlterian() {
    progress.stage("alterian", "Alterian: Data Import package");
    AlterianImportPackager.Builder packager = AlterianImportPackager.builder();
    if (options.formulaGuard) {
      packager.format(CsvFormat.CSV.toBuilder().formulaGuard(true).build());
    }
    alterian =
        packager
            .tableName("Auth0Users")
            .overwrite(true)
            .build()
            .pack(export, options.out.resolve("alterian"));
    progress.line(
        String.format(
            Locale.ROOT,
            "%,d rows in %d file(s); follow %s",
            alterian.rows(),
            alterian.dataFiles().size(),
            alterian.settingsFile()));
  }

  private int exitStatus() {
    for (Rejection.Reason r : export.rejectionCounts().keySet()) {
      if (r != Rejection.Reason.MISSING_REQUIRED) {
        return 1;
      }
    }
    if (report != null
        && (report.rowsFailed() > 0
            || report.batches().stream().anyMatch(b -> b.state() == BatchStatus.State.FAILED))) {
      return 1;
    }
    if (report != null && !report.uncertainParts().isEmpty()) {
      return 3;
    }
    return 0;
  }

  @Override
  public void close() {
    if (state != null) {
      state.close();
    }
    if (folder != null) {
      folder.close();
    }
    if (auth0 != null) {
      auth0.close();
    }
    if (marketo != null) {
      marketo.close();
    }
  }
}
