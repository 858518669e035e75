package io.leadbridge.cli;

import io.leadbridge.auth0.Auth0ExportJob;
import io.leadbridge.auth0.Auth0ExportSource;
import io.leadbridge.cli.config.ConfigException;
import io.leadbridge.cli.config.LeadbridgeConfig;
import io.leadbridge.cli.config.Position;
import io.leadbridge.core.ExportListener;
import io.leadbridge.core.MergePolicy;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.mapping.MappingException;
import io.leadbridge.core.source.InputFormat;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.core.sync.RemovalGuard;
import io.leadbridge.core.sync.SyncState;
import io.leadbridge.marketo.BulkTarget;
import io.leadbridge.marketo.ImportListener;
import io.leadbridge.marketo.ImportOptions;
import io.leadbridge.marketo.MarketoBulkLeadClient;
import io.leadbridge.marketo.MarketoFields;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A run's settings from three places, the first that has one winning: the command line, the
 * configuration file, the environment (for the source and Marketo, as the demo reads them), the
 * defaults. Turns them into the library's objects; every mistake names where the setting came from:
 * the option, or the configuration's file, line and column.
 */
final class Settings {
  /** The default output folder. */
  static final Path DEFAULT_OUT = Path.of("leadbridge-out");

  /** Parts stay under Marketo's 10 MB limit with a margin. */
  static final long DEFAULT_MAX_FILE_BYTES = 9_500_000;

  private final CliContext ctx;
  private final LeadbridgeConfig config;

  Settings(CliContext ctx, LeadbridgeConfig config) {
    this.ctx = ctx;
    this.config = config;
  }

  LeadbridgeConfig config() {
    return config;
  }

  Path out(Path flag) {
    Path out = flag != null ? flag : config.output().orElse(DEFAULT_OUT);
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw CliException.usage(
          (flag != null ? "--out " : "output ")
              + out
              + " is a file; give a folder (it is created if missing)");
    }
    return out;
  }

  CsvFormat format(CsvFormatName flag, boolean formulaGuardFlag) {
    CsvFormat f = flag != null ? flag.format : config.format().orElse(CsvFormat.TSV);
    if (formulaGuardFlag || config.formulaGuard().orElse(false)) {
      f = f.toBuilder().formulaGuard(true).build();
    }
    return f;
  }

  /** The mapping: {@code --mapping}, the configuration's, or Marketo's REST names for Auth0. */
  FieldMapping mapping(Path flag) {
    if (flag != null) {
      try {
        return FieldMapping.read(flag);
      } catch (MappingException e) {
        throw CliException.usage("--mapping " + flag + ": " + e.getMessage());
      }
    }
    if (config.inlineMapping().isPresent()) {
      return config.inlineMapping().get();
    }
    if (config.mappingFile().isPresent()) {
      try {
        return FieldMapping.read(config.mappingFile().get());
      } catch (MappingException e) {
        throw new ConfigException(config.mappingAt(), "mapping.file: " + e.getMessage());
      }
    }
    return MarketoFields.auth0Defaults();
  }

  /** Where the mapping came from, for messages. */
  String mappingName(Path flag) {
    if (flag != null) {
      return "--mapping " + flag;
    }
    if (config.mappingAt() != null) {
      return config.mappingAt() + ": the mapping";
    }
    return "the mapping";
  }

  Optional<Path> stateFolder(Path flag) {
    Path state = flag != null ? flag : config.stateFolder().orElse(null);
    if (state != null && Files.exists(state) && !Files.isDirectory(state)) {
      throw CliException.usage(
          (flag != null ? "--state " : "state.folder ")
              + state
              + " is a file; give the sync state's folder");
    }
    return Optional.ofNullable(state);
  }

  /**
   * Opens the sync state: {@code --state DIR}, the configuration's folder, or its PostgreSQL
   * database; empty when none is given. The caller closes it.
   */
  Optional<SyncState> openState(Path flag) {
    Optional<Path> folder = stateFolder(flag);
    if (folder.isPresent()) {
      return Optional.of(SyncState.open(folder.get()));
    }
    if (config.stateDatabase().isEmpty()) {
      return Optional.empty();
    }
    LeadbridgeConfig.StateDatabase db = config.stateDatabase().get();
    PGSimpleDataSource ds = new PGSimpleDataSource();
    try {
      ds.setURL(db.jdbcUrl());
    } catch (RuntimeException e) {
      throw new ConfigException(
          db.at(), "state.jdbcUrl is not a PostgreSQL URL the driver accepts: " + e.getMessage());
    }
    if (db.user() != null) {
      ds.setUser(db.user().resolve(ctx.env));
    }
    if (db.password() != null) {
      ds.setPassword(db.password().resolve(ctx.env));
    }
    return Optional.of(SyncState.open(ds, db.tablePrefix()));
  }

  /** Where a state is kept, for messages: its folder, or its database without credentials. */
  static String where(SyncState state) {
    return state.location();
  }

  MergePolicy mergePolicy(MergePolicy flag) {
    return flag != null ? flag : config.mergePolicy().orElse(MergePolicy.MOST_RECENTLY_UPDATED);
  }

  boolean allowMassRemoval(boolean flag) {
    return flag || config.allowMassRemoval().orElse(false);
  }

  /** The exporter, or a one-line explanation of why the mapping cannot make one. */
  UserExporter exporter(
      FieldMapping mapping,
      Path mappingFlag,
      CsvFormat format,
      MergePolicy mergePolicy,
      boolean allowMassRemoval,
      ExportListener listener) {
    try {
      return UserExporter.builder()
          .mapping(mapping)
          .format(format)
          .maxFileBytes(config.maxFileBytes().orElse(DEFAULT_MAX_FILE_BYTES))
          .mergePolicy(mergePolicy)
          .removalGuard(
              allowMassRemoval ? RemovalGuard.allowingMassRemoval() : RemovalGuard.defaults())
          .listener(listener)
          .build();
    } catch (IllegalArgumentException e) {
      if (mappingFlag == null && config.mappingAt() != null) {
        throw new ConfigException(config.mappingAt(), "mapping: " + e.getMessage());
      }
      throw CliException.usage(
          (mappingFlag == null ? "the mapping: " : "--mapping " + mappingFlag + ": ")
              + e.getMessage());
    }
  }

  // ------------------------------------------------------------------------------------ source

  /**
   * Checks that a source is given and can be opened, before anything is written: {@code --input},
   * the configuration's file or tenant, or {@code AUTH0_*} in the environment.
   */
  void checkSource(Path inputFlag) {
    if (inputFlag != null) {
      if (!inputFlag.toString().equals("-")) {
        String problem = ExportFolder.inputProblem(inputFlag);
        if (problem != null) {
          throw CliException.usage("--input " + inputFlag + ": " + problem);
        }
      }
      return;
    }
    if (config.input().isPresent()) {
      LeadbridgeConfig.InputFile f = config.input().get();
      String problem = ExportFolder.inputProblem(f.path());
      if (problem != null) {
        throw new ConfigException(f.at(), "source.file.path " + f.path() + ": " + problem + ".");
      }
      return;
    }
    if (config.auth0().isPresent()) {
      config.auth0().get().clientId().resolve(ctx.env);
      config.auth0().get().clientSecret().resolve(ctx.env);
      return;
    }
    checkEnv("AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET");
    if (ctx.env("AUTH0_DOMAIN") == null) {
      throw CliException.usage(
          "no users to read: give --input FILE, a source in --config, or set AUTH0_DOMAIN,"
              + " AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET for a tenant.");
    }
  }

  /** Opens the source {@link #checkSource} accepted; a tenant's export job runs here. */
  UserSource openSource(
      Path inputFlag, InputFormat formatFlag, FieldMapping mapping, Progress progress)
      throws IOException {
    if (inputFlag != null && inputFlag.toString().equals("-")) {
      if (formatFlag != null
          && formatFlag != InputFormat.AUTO
          && formatFlag != InputFormat.NDJSON) {
        throw CliException.usage(
            "--input - reads NDJSON from standard input; give a "
                + Choices.word(formatFlag).replace("auth0-", "")
                + " file by its path instead");
      }
      progress.stage("source", "Source: NDJSON from standard input");
      return UserSource.ndjson(ctx.in, "standard input");
    }
    if (inputFlag != null || config.input().isPresent()) {
      Path file = inputFlag != null ? inputFlag : config.input().get().path();
      InputFormat format =
          formatFlag != null
              ? formatFlag
              : inputFlag == null ? config.input().get().format() : InputFormat.AUTO;
      progress.stage("source", "Source: " + file);
      // a CSV export's headers may be the retired extension's display names, read back through
      // the mapping's column names
      return UserSource.open(file, format, mapping);
    }
    Auth0ExportJob.Builder job =
        Auth0ExportJob.builder()
            .mapping(mapping)
            .clock(ctx.clock)
            .sleeper(ctx.sleeper())
            .listener(ProgressLines.auth0(progress));
    Position at = null;
    if (config.auth0().isPresent()) {
      LeadbridgeConfig.Auth0 a = config.auth0().get();
      at = a.at();
      progress.stage("auth0", "Source: Auth0 tenant " + a.domain());
      job.domain(a.domain())
          .clientId(a.clientId().resolve(ctx.env))
          .clientSecret(a.clientSecret().resolve(ctx.env));
      if (a.connection() != null) {
        job.connectionName(a.connection());
      }
      if (a.pollInterval() != null) {
        job.pollInterval(a.pollInterval());
        job.maxPollInterval(max(a.pollInterval(), a.maxPollInterval(), Duration.ofSeconds(30)));
      } else if (a.maxPollInterval() != null) {
        job.maxPollInterval(a.maxPollInterval());
      }
      if (a.timeout() != null) {
        job.timeout(a.timeout());
      }
    } else {
      progress.stage("auth0", "Source: Auth0 tenant " + ctx.env("AUTH0_DOMAIN"));
      job.domain(ctx.env("AUTH0_DOMAIN"))
          .clientId(ctx.env("AUTH0_CLIENT_ID"))
          .clientSecret(ctx.env("AUTH0_CLIENT_SECRET"));
    }
    Auth0ExportJob built;
    try {
      built = job.build();
    } catch (IllegalArgumentException e) {
      if (at != null) {
        throw new ConfigException(at, "source.auth0: " + e.getMessage());
      }
      throw CliException.usage("AUTH0_DOMAIN: " + e.getMessage());
    }
    Auth0ExportSource source = built.open();
    progress.line(
        String.format(
            Locale.ROOT,
            "job %s done, %,d bytes downloaded",
            source.jobId(),
            source.downloadedBytes()));
    return source;
  }

  private static Duration max(Duration min, Duration given, Duration fallback) {
    Duration d = given != null ? given : fallback;
    return d.compareTo(min) < 0 ? min : d;
  }

  // ----------------------------------------------------------------------------------- Marketo

  /** Whether a Marketo instance is given, in the configuration or the environment. */
  boolean hasMarketo() {
    return config.marketo().isPresent() || ctx.env("MARKETO_ENDPOINT") != null;
  }

  /**
   * The Marketo client: the configuration's instance, or {@code MARKETO_*} from the environment.
   */
  MarketoBulkLeadClient marketo(ImportListener listener) {
    MarketoBulkLeadClient.Builder b =
        MarketoBulkLeadClient.builder().clock(ctx.clock).sleeper(ctx.sleeper()).listener(listener);
    if (config.marketo().isPresent()) {
      LeadbridgeConfig.Marketo m = config.marketo().get();
      b.clientId(m.clientId().resolve(ctx.env)).clientSecret(m.clientSecret().resolve(ctx.env));
      if (m.pollInterval() != null) {
        b.minPollInterval(m.pollInterval());
        b.maxPollInterval(max(m.pollInterval(), m.maxPollInterval(), Duration.ofSeconds(30)));
      } else if (m.maxPollInterval() != null) {
        b.maxPollInterval(m.maxPollInterval());
      }
      if (m.timeout() != null) {
        b.timeout(m.timeout());
      }
      try {
        return b.endpoint(m.endpoint()).build();
      } catch (IllegalArgumentException e) {
        throw new ConfigException(m.at(), "marketo.endpoint: " + e.getMessage());
      }
    }
    checkEnv("MARKETO_ENDPOINT", "MARKETO_CLIENT_ID", "MARKETO_CLIENT_SECRET");
    if (ctx.env("MARKETO_ENDPOINT") == null) {
      throw CliException.usage(
          "no Marketo instance: give marketo in --config, or set MARKETO_ENDPOINT,"
              + " MARKETO_CLIENT_ID and MARKETO_CLIENT_SECRET.");
    }
    try {
      return b.endpoint(URI.create(ctx.env("MARKETO_ENDPOINT")))
          .clientId(ctx.env("MARKETO_CLIENT_ID"))
          .clientSecret(ctx.env("MARKETO_CLIENT_SECRET"))
          .build();
    } catch (IllegalArgumentException e) {
      throw CliException.usage("MARKETO_ENDPOINT: " + e.getMessage());
    }
  }

  /** Where Marketo is, for the stage title: never a credential. */
  String marketoName() {
    return config.marketo().map(m -> m.endpoint().toString()).orElse(ctx.env("MARKETO_ENDPOINT"));
  }

  String lookupField(String flag) {
    return flag != null
        ? flag
        : config.marketo().map(LeadbridgeConfig.Marketo::lookupField).orElse("email");
  }

  /** How the lookup field was given, for messages. */
  String lookupFieldName(String flag) {
    if (flag != null || config.marketo().map(m -> m.lookupField() == null).orElse(true)) {
      return "--lookup-field";
    }
    return "marketo.lookupField";
  }

  /**
   * What the rows become in Marketo: leads, members of a program with a status, or records of a
   * custom object; the command line first, then the configuration's {@code marketo} section.
   */
  BulkTarget target(ImportFlags flags) {
    if (flags.programId != null) {
      return BulkTarget.programMembers(flags.programId, flags.memberStatus);
    }
    if (flags.customObject != null) {
      return BulkTarget.customObject(flags.customObject);
    }
    LeadbridgeConfig.Marketo m = config.marketo().orElse(null);
    if (m != null && m.programId() != null) {
      return BulkTarget.programMembers(m.programId(), m.memberStatus());
    }
    if (m != null && m.customObject() != null) {
      return BulkTarget.customObject(m.customObject());
    }
    return BulkTarget.leads();
  }

  ImportOptions importOptions(ImportFlags flags, CsvFormat format) {
    ImportOptions.Builder b =
        ImportOptions.builder().lookupField(lookupField(flags.lookupField)).format(format);
    Integer listId =
        flags.listId != null
            ? flags.listId
            : config.marketo().map(LeadbridgeConfig.Marketo::listId).orElse(null);
    if (listId != null) {
      b.listId(listId);
    }
    String partition =
        flags.partition != null
            ? flags.partition
            : config.marketo().map(LeadbridgeConfig.Marketo::partition).orElse(null);
    if (partition != null) {
      b.partitionName(partition);
    }
    if (flags.uncertainUploads != null) {
      b.uncertainUploads(flags.uncertainUploads.policy);
    } else {
      config.uncertainUploads().ifPresent(b::uncertainUploads);
    }
    if (flags.rejectedRows != null) {
      b.rejectedRows(flags.rejectedRows.policy);
    } else {
      config.rejectedRows().ifPresent(b::rejectedRows);
    }
    if (flags.warnedRows != null) {
      b.warnedRows(flags.warnedRows.policy);
    } else {
      config.warnedRows().ifPresent(b::warnedRows);
    }
    Integer quota =
        flags.dailyQuota != null
            ? flags.dailyQuota
            : config.marketo().map(LeadbridgeConfig.Marketo::dailyQuota).orElse(null);
    if (quota != null) {
      b.dailyQuota(quota);
    }
    return b.build();
  }

  private void checkEnv(String... names) {
    int set = 0;
    for (String n : names) {
      if (ctx.env(n) != null) {
        set++;
      }
    }
    if (set != 0 && set != names.length) {
      throw CliException.usage("set all of " + String.join(", ", names) + " or none of them");
    }
  }
}
