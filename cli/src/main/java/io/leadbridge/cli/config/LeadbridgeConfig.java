package io.leadbridge.cli.config;

import io.leadbridge.alterian.AlterianImportPackager;
import io.leadbridge.core.MergePolicy;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.source.InputFormat;
import io.leadbridge.marketo.ImportOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration file of a scheduled run, such as {@code nightly.yaml}: where users come from,
 * the mapping, the files, the sync state, Marketo, the policies and the Alterian package. Read once
 * with {@link #read(Path, String)}; every key is checked for its name and type, and any mistake is
 * a {@link ConfigException} naming the file, line and column. Secrets are never written in it:
 * {@code clientSecretEnv} names an environment variable and {@code clientSecretFile} a file.
 * Relative paths are relative to the file's folder. Immutable.
 *
 * <pre>
 * source:
 *   auth0:
 *     domain: tenant.eu.auth0.com
 *     clientIdEnv: AUTH0_CLIENT_ID
 *     clientSecretEnv: AUTH0_CLIENT_SECRET
 * output: /var/lib/leadbridge/out
 * state:
 *   folder: /var/lib/leadbridge/state      # or, shared by workers on several machines:
 *   # jdbcUrl: jdbc:postgresql://db.internal:5432/leadbridge
 *   # tablePrefix: nightly_
 *   # user: leadbridge
 *   # passwordEnv: LEADBRIDGE_STATE_PASSWORD
 * marketo:
 *   endpoint: https://123-ABC-456.mktorest.com
 *   clientIdEnv: MARKETO_CLIENT_ID
 *   clientSecretFile: /run/secrets/marketo
 *   # programId: 1234            # members of a program instead of leads, with
 *   # memberStatus: Registered
 *   # customObject: subscription_c   # or records of a custom object
 * </pre>
 */
public final class LeadbridgeConfig {
  /**
   * An Auth0 tenant to export from.
   *
   * @param at where the section starts
   * @param domain the tenant's domain, such as {@code tenant.eu.auth0.com}
   * @param clientId the machine-to-machine application's client id
   * @param clientSecret its secret
   * @param connection only this connection's users, or {@code null} for all
   * @param pollInterval the first wait between job status reads, or {@code null}
   * @param maxPollInterval the longest wait between them, or {@code null}
   * @param timeout how long the job may take, or {@code null}
   */
  public record Auth0(
      Position at,
      String domain,
      Credential clientId,
      Credential clientSecret,
      String connection,
      Duration pollInterval,
      Duration maxPollInterval,
      Duration timeout) {}

  /**
   * A file of users to read instead of a tenant.
   *
   * @param at where its path is given
   * @param path the file
   * @param format its format
   */
  public record InputFile(Position at, Path path, InputFormat format) {}

  /**
   * A Marketo instance.
   *
   * @param at where the endpoint is given
   * @param endpoint the REST endpoint, such as {@code https://123-ABC-456.mktorest.com}
   * @param clientId the LaunchPoint service's client id
   * @param clientSecret its secret
   * @param lookupField the lookup field, or {@code null}
   * @param listId the static list to add leads to, or {@code null}
   * @param partition the lead partition, or {@code null}
   * @param pollInterval the shortest wait between batch status reads, or {@code null}
   * @param maxPollInterval the longest, or {@code null}
   * @param timeout how long an import may take, or {@code null}
   * @param dailyQuota the instance's daily API call limit, or {@code null} for Marketo's default
   * @param programId import program members of this program instead of leads, or {@code null}
   * @param memberStatus the program members' status, with {@code programId}
   * @param customObject import records of this custom object instead of leads, or {@code null}
   */
  public record Marketo(
      Position at,
      URI endpoint,
      Credential clientId,
      Credential clientSecret,
      String lookupField,
      Integer listId,
      String partition,
      Duration pollInterval,
      Duration maxPollInterval,
      Duration timeout,
      Integer dailyQuota,
      Long programId,
      String memberStatus,
      String customObject) {}

  /**
   * The Alterian package a sync also builds.
   *
   * @param folder where, or {@code null} for {@code alterian/} in the output folder
   * @param tableName the table name, or {@code null}
   * @param importMode the import mode, or {@code null}
   * @param keyColumn the key column for updates, or {@code null}
   * @param zip whether to put it all in one archive, or {@code null}
   */
  public record Alterian(
      Path folder,
      String tableName,
      AlterianImportPackager.ImportMode importMode,
      String keyColumn,
      Boolean zip) {}

  /**
   * A sync state kept in PostgreSQL instead of a folder.
   *
   * @param at where the URL is given
   * @param jdbcUrl the JDBC URL, {@code jdbc:postgresql://host:port/database}, without credentials
   * @param tablePrefix the prefix of the state's tables, optionally after a schema and a dot
   * @param user the database user, or {@code null} for the driver's default
   * @param password the password, or {@code null} for none
   */
  public record StateDatabase(
      Position at, String jdbcUrl, String tablePrefix, Credential user, Credential password) {}

  private final String name;
  private final Auth0 auth0;
  private final InputFile input;
  private final FieldMapping inlineMapping;
  private final Path mappingFile;
  private final Position mappingAt;
  private final CsvFormat format;
  private final Boolean formulaGuard;
  private final Path output;
  private final Long maxFileBytes;
  private final Path stateFolder;
  private final StateDatabase stateDatabase;
  private final Marketo marketo;
  private final MergePolicy mergePolicy;
  private final Boolean allowMassRemoval;
  private final ImportOptions.UncertainUploads uncertainUploads;
  private final ImportOptions.RowPolicy rejectedRows;
  private final ImportOptions.RowPolicy warnedRows;
  private final Alterian alterian;

  private LeadbridgeConfig(String name, Section root) {
    this.name = name;
    Section source = root.section("source", "auth0", "file");
    if (source != null) {
      source.atMostOne("auth0", "file");
      if (!source.has("auth0") && !source.has("file")) {
        throw new ConfigException(
            source.at(), "source needs auth0 (a tenant) or file (a users export).");
      }
    }
    this.auth0 = source == null ? null : ConfigSections.auth0(source);
    this.input = source == null ? null : ConfigSections.input(source);
    Section mapping = root.section("mapping", "file", "columns");
    if (mapping != null) {
      mapping.atMostOne("file", "columns");
      if (!mapping.has("file") && !mapping.has("columns")) {
        throw new ConfigException(
            mapping.at(), "mapping needs file (a mapping file) or columns (the mapping itself).");
      }
      this.mappingFile = mapping.path("file");
      this.mappingAt = mapping.where(mapping.has("file") ? "file" : "columns");
      this.inlineMapping = mapping.has("columns") ? ConfigSections.inlineMapping(mapping) : null;
    } else {
      this.mappingFile = null;
      this.mappingAt = null;
      this.inlineMapping = null;
    }
    this.format = root.choice("format", ConfigSections.FORMATS);
    this.formulaGuard = root.bool("formulaGuard");
    this.output = root.path("output");
    this.maxFileBytes = root.number("maxFileBytes", 1_000, Long.MAX_VALUE);
    Section state =
        root.section(
            "state",
            "folder",
            "jdbcUrl",
            "tablePrefix",
            "user",
            "userEnv",
            "userFile",
            "password",
            "passwordEnv",
            "passwordFile");
    if (state != null) {
      state.atMostOne("folder", "jdbcUrl");
      if (!state.has("folder") && !state.has("jdbcUrl")) {
        throw new ConfigException(
            state.at(),
            "state needs folder (an embedded state in a folder) or jdbcUrl (PostgreSQL).");
      }
    }
    this.stateFolder = state == null ? null : state.path("folder");
    this.stateDatabase =
        state == null || !state.has("jdbcUrl") ? null : ConfigSections.stateDatabase(state);
    this.marketo = ConfigSections.marketo(root);
    Section policies =
        root.section(
            "policies",
            "mergePolicy",
            "allowMassRemoval",
            "uncertainUploads",
            "rejectedRows",
            "warnedRows");
    this.mergePolicy =
        policies == null ? null : policies.choice("mergePolicy", ConfigSections.MERGE_POLICIES);
    this.allowMassRemoval = policies == null ? null : policies.bool("allowMassRemoval");
    this.uncertainUploads =
        policies == null ? null : policies.choice("uncertainUploads", ConfigSections.UNCERTAIN);
    this.rejectedRows =
        policies == null ? null : policies.choice("rejectedRows", ConfigSections.ROW_POLICIES);
    this.warnedRows =
        policies == null ? null : policies.choice("warnedRows", ConfigSections.ROW_POLICIES);
    Section alt = root.section("alterian", "folder", "tableName", "importMode", "keyColumn", "zip");
    this.alterian =
        alt == null
            ? null
            : new Alterian(
                alt.path("folder"),
                alt.string("tableName"),
                alt.choice("importMode", ConfigSections.IMPORT_MODES),
                alt.string("keyColumn"),
                alt.bool("zip"));
  }

  /**
   * Reads and checks a configuration file.
   *
   * @param file the file
   * @param name the file as the user named it, for messages
   * @return the configuration
   * @throws ConfigException on the first mistake, naming the file, line and column
   */
  public static LeadbridgeConfig read(Path file, String name) {
    Node.Mapping root = YamlTree.read(file, name);
    Path dir = file.toAbsolutePath().getParent();
    return new LeadbridgeConfig(
        name,
        Section.root(
            root,
            dir,
            "source",
            "mapping",
            "format",
            "formulaGuard",
            "output",
            "maxFileBytes",
            "state",
            "marketo",
            "policies",
            "alterian"));
  }

  /**
   * No configuration file: every setting from the command line, the environment or the defaults.
   *
   * @return an empty configuration
   */
  public static LeadbridgeConfig none() {
    return new LeadbridgeConfig(
        "(no configuration)",
        Section.root(new Node.Mapping(new Position("(none)", 1, 1), Map.of()), Path.of("")));
  }

  /**
   * The file as the user named it.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The Auth0 tenant to export from.
   *
   * @return the tenant, or empty
   */
  public Optional<Auth0> auth0() {
    return Optional.ofNullable(auth0);
  }

  /**
   * The users file to read instead of a tenant.
   *
   * @return the file, or empty
   */
  public Optional<InputFile> input() {
    return Optional.ofNullable(input);
  }

  /**
   * The mapping written in the configuration.
   *
   * @return the mapping, or empty
   */
  public Optional<FieldMapping> inlineMapping() {
    return Optional.ofNullable(inlineMapping);
  }

  /**
   * The mapping file the configuration names.
   *
   * @return the file, or empty
   */
  public Optional<Path> mappingFile() {
    return Optional.ofNullable(mappingFile);
  }

  /**
   * Where the mapping is given, for messages about it.
   *
   * @return the position, or {@code null} when none is given
   */
  public Position mappingAt() {
    return mappingAt;
  }

  /**
   * The file format.
   *
   * @return the format, or empty
   */
  public Optional<CsvFormat> format() {
    return Optional.ofNullable(format);
  }

  /**
   * Whether values a spreadsheet would run as formulas are prefixed with {@code '}.
   *
   * @return the setting, or empty
   */
  public Optional<Boolean> formulaGuard() {
    return Optional.ofNullable(formulaGuard);
  }

  /**
   * The output folder.
   *
   * @return the folder, or empty
   */
  public Optional<Path> output() {
    return Optional.ofNullable(output);
  }

  /**
   * The largest export file before it is split.
   *
   * @return the size in bytes, or empty
   */
  public Optional<Long> maxFileBytes() {
    return Optional.ofNullable(maxFileBytes);
  }

  /**
   * The sync state's folder.
   *
   * @return the folder, or empty
   */
  public Optional<Path> stateFolder() {
    return Optional.ofNullable(stateFolder);
  }

  /**
   * The sync state's PostgreSQL database.
   *
   * @return the database, or empty
   */
  public Optional<StateDatabase> stateDatabase() {
    return Optional.ofNullable(stateDatabase);
  }

  /**
   * The Marketo instance.
   *
   * @return the instance, or empty
   */
  public Optional<Marketo> marketo() {
    return Optional.ofNullable(marketo);
  }

  /**
   * How users sharing an email are merged.
   *
   * @return the policy, or empty
   */
  public Optional<MergePolicy> mergePolicy() {
    return Optional.ofNullable(mergePolicy);
  }

  /**
   * Whether an input may remove most users from the sync state.
   *
   * @return the setting, or empty
   */
  public Optional<Boolean> allowMassRemoval() {
    return Optional.ofNullable(allowMassRemoval);
  }

  /**
   * What to do about uploads whose answer was lost.
   *
   * @return the policy, or empty
   */
  public Optional<ImportOptions.UncertainUploads> uncertainUploads() {
    return Optional.ofNullable(uncertainUploads);
  }

  /**
   * What to do with rows whose values Marketo would refuse, found before the upload.
   *
   * @return the policy, or empty
   */
  public Optional<ImportOptions.RowPolicy> rejectedRows() {
    return Optional.ofNullable(rejectedRows);
  }

  /**
   * What to do with rows whose values Marketo would truncate or change, found before the upload.
   *
   * @return the policy, or empty
   */
  public Optional<ImportOptions.RowPolicy> warnedRows() {
    return Optional.ofNullable(warnedRows);
  }

  /**
   * The Alterian package a sync also builds.
   *
   * @return its settings, or empty when a sync builds none
   */
  public Optional<Alterian> alterian() {
    return Optional.ofNullable(alterian);
  }

  @Override
  public String toString() {
    return "LeadbridgeConfig[" + name + "]";
  }
}
