package io.leadbridge.cli.config;

import io.leadbridge.alterian.AlterianImportPackager;
import io.leadbridge.core.MergePolicy;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.mapping.MappingException;
import io.leadbridge.core.mapping.ValueFormat;
import io.leadbridge.core.source.InputFormat;
import io.leadbridge.marketo.ImportOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How the sections of {@link LeadbridgeConfig} with more to them than a value are read: the source,
 * Marketo, credentials, an inline mapping, and the words each choice accepts.
 */
final class ConfigSections {
  private ConfigSections() {}

  static final Map<String, CsvFormat> FORMATS = new LinkedHashMap<>();
  static final Map<String, InputFormat> INPUT_FORMATS = new LinkedHashMap<>();
  static final Map<String, MergePolicy> MERGE_POLICIES = words(MergePolicy.class);
  static final Map<String, ImportOptions.UncertainUploads> UNCERTAIN =
      words(ImportOptions.UncertainUploads.class);
  static final Map<String, ImportOptions.RowPolicy> ROW_POLICIES =
      words(ImportOptions.RowPolicy.class);
  static final Map<String, AlterianImportPackager.ImportMode> IMPORT_MODES =
      words(AlterianImportPackager.ImportMode.class);

  static {
    FORMATS.put("csv", CsvFormat.CSV);
    FORMATS.put("tsv", CsvFormat.TSV);
    FORMATS.put("ssv", CsvFormat.SSV);
    INPUT_FORMATS.put("auto", InputFormat.AUTO);
    INPUT_FORMATS.put("ndjson", InputFormat.NDJSON);
    INPUT_FORMATS.put("json", InputFormat.JSON_ARRAY);
    INPUT_FORMATS.put("json-array", InputFormat.JSON_ARRAY);
    INPUT_FORMATS.put("csv", InputFormat.AUTH0_CSV);
    INPUT_FORMATS.put("tsv", InputFormat.AUTH0_TSV);
  }

  /**
   * An enum's constants by the words the configuration and the command line spell them with: the
   * name in lower case, {@code -} for {@code _} ({@code upload-again}), in declaration order.
   */
  static <E extends Enum<E>> Map<String, E> words(Class<E> type) {
    Map<String, E> out = new LinkedHashMap<>();
    for (E e : type.getEnumConstants()) {
      out.put(e.name().toLowerCase(Locale.ROOT).replace('_', '-'), e);
    }
    return out;
  }

  private static final String SECRET_INLINE =
      "a secret is never written in the configuration, which is copied, shared and kept in"
          + " version control. Name an environment variable (%1$sEnv: %2$s) or a file"
          + " (%1$sFile: /run/secrets/%3$s) instead.";

  static LeadbridgeConfig.Auth0 auth0(Section source) {
    Section s =
        source.section(
            "auth0",
            "domain",
            "clientId",
            "clientIdEnv",
            "clientIdFile",
            "clientSecret",
            "clientSecretEnv",
            "clientSecretFile",
            "connection",
            "pollInterval",
            "maxPollInterval",
            "timeout");
    if (s == null) {
      return null;
    }
    String domain = s.string("domain");
    if (domain == null) {
      throw new ConfigException(s.at(), s.name("domain") + " is missing: the tenant's domain.");
    }
    return new LeadbridgeConfig.Auth0(
        s.where("domain"),
        domain,
        credential(s, "clientId", false, "AUTH0_CLIENT_ID", "auth0-client-id"),
        credential(s, "clientSecret", true, "AUTH0_CLIENT_SECRET", "auth0"),
        s.string("connection"),
        s.duration("pollInterval"),
        s.duration("maxPollInterval"),
        s.duration("timeout"));
  }

  static LeadbridgeConfig.InputFile input(Section source) {
    Section s = source.section("file", "path", "format");
    if (s == null) {
      return null;
    }
    Path path = s.path("path");
    if (path == null) {
      throw new ConfigException(s.at(), s.name("path") + " is missing: the users file.");
    }
    InputFormat f = s.choice("format", INPUT_FORMATS);
    return new LeadbridgeConfig.InputFile(s.where("path"), path, f == null ? InputFormat.AUTO : f);
  }

  static LeadbridgeConfig.Marketo marketo(Section root) {
    Section s =
        root.section(
            "marketo",
            "endpoint",
            "clientId",
            "clientIdEnv",
            "clientIdFile",
            "clientSecret",
            "clientSecretEnv",
            "clientSecretFile",
            "lookupField",
            "listId",
            "partition",
            "pollInterval",
            "maxPollInterval",
            "timeout",
            "dailyQuota",
            "programId",
            "memberStatus",
            "customObject");
    if (s == null) {
      return null;
    }
    String endpoint = s.string("endpoint");
    if (endpoint == null) {
      throw new ConfigException(
          s.at(),
          s.name("endpoint")
              + " is missing: the instance's REST endpoint, such as"
              + " https://123-ABC-456.mktorest.com.");
    }
    Long listId = s.number("listId", 1, Integer.MAX_VALUE);
    Long dailyQuota = s.number("dailyQuota", 1, Integer.MAX_VALUE);
    s.atMostOne("programId", "customObject");
    Long programId = s.number("programId", 1, Long.MAX_VALUE);
    String memberStatus = s.string("memberStatus");
    if ((programId == null) != (memberStatus == null)) {
      throw new ConfigException(
          s.where(programId == null ? "memberStatus" : "programId"),
          s.name("programId")
              + " and "
              + s.name("memberStatus")
              + " go together: the program and its members' status.");
    }
    return new LeadbridgeConfig.Marketo(
        s.where("endpoint"),
        endpoint(s, endpoint),
        credential(s, "clientId", false, "MARKETO_CLIENT_ID", "marketo-client-id"),
        credential(s, "clientSecret", true, "MARKETO_CLIENT_SECRET", "marketo"),
        s.string("lookupField"),
        listId == null ? null : listId.intValue(),
        s.string("partition"),
        s.duration("pollInterval"),
        s.duration("maxPollInterval"),
        s.duration("timeout"),
        dailyQuota == null ? null : dailyQuota.intValue(),
        programId,
        memberStatus,
        s.string("customObject"));
  }

  /**
   * The {@code state} section's database: a PostgreSQL JDBC URL without credentials, a table
   * prefix, and the user and password as other credentials are given.
   */
  static LeadbridgeConfig.StateDatabase stateDatabase(Section s) {
    String url = s.string("jdbcUrl").strip();
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new ConfigException(
          s.where("jdbcUrl"),
          s.name("jdbcUrl")
              + " must be a PostgreSQL URL such as jdbc:postgresql://db.internal:5432/leadbridge;"
              + " for an embedded state give state.folder instead.");
    }
    if (url.toLowerCase(Locale.ROOT).matches(".*[?&;]password=.*|.*//[^/@]*:[^/@]*@.*")) {
      throw new ConfigException(
          s.where("jdbcUrl"),
          s.name("jdbcUrl")
              + " holds a password, "
              + String.format(
                  Locale.ROOT, SECRET_INLINE, "password", "LEADBRIDGE_STATE_PASSWORD", "state"));
    }
    String prefix = s.has("tablePrefix") ? s.string("tablePrefix") : "leadbridge_";
    if (!prefix.matches("([a-z_][a-z0-9_]*\\.)?[a-z_][a-z0-9_]*")) {
      throw new ConfigException(
          s.where("tablePrefix"),
          s.name("tablePrefix")
              + " must be lower-case letters, digits and _, optionally after a schema and a dot"
              + " (marketing.nightly_), not '"
              + prefix
              + "'.");
    }
    boolean anyUser = s.has("user") || s.has("userEnv") || s.has("userFile");
    boolean anyPassword = s.has("password") || s.has("passwordEnv") || s.has("passwordFile");
    return new LeadbridgeConfig.StateDatabase(
        s.where("jdbcUrl"),
        url,
        prefix,
        anyUser ? credential(s, "user", false, "LEADBRIDGE_STATE_USER", "state-user") : null,
        anyPassword ? credential(s, "password", true, "LEADBRIDGE_STATE_PASSWORD", "state") : null);
  }

  static URI endpoint(Section s, String text) {
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw new ConfigException(
          s.where("endpoint"), s.name("endpoint") + " is not a URL: " + e.getReason() + ".");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new ConfigException(
          s.where("endpoint"),
          s.name("endpoint")
              + " must be an https:// URL, such as https://123-ABC-456.mktorest.com.");
    }
    return uri;
  }

  /**
   * A credential from {@code key} (only when not secret), {@code keyEnv} or {@code keyFile}.
   *
   * @param fallbackEnv the variable to suggest in the message about an inline secret
   */
  static Credential credential(
      Section s, String key, boolean secret, String fallbackEnv, String fileHint) {
    if (secret) {
      s.refuse(key, String.format(Locale.ROOT, SECRET_INLINE, key, fallbackEnv, fileHint));
    }
    s.atMostOne(key, key + "Env", key + "File");
    if (s.has(key + "Env")) {
      String env = s.string(key + "Env");
      if (!env.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new ConfigException(
            s.where(key + "Env"),
            s.name(key + "Env")
                + " must be the name of an environment variable, such as "
                + fallbackEnv
                + (secret ? ", not the secret itself." : "."));
      }
      return new Credential(s.name(key), s.where(key + "Env"), env, null, null);
    }
    if (s.has(key + "File")) {
      return new Credential(s.name(key), s.where(key + "File"), null, s.path(key + "File"), null);
    }
    if (s.has(key)) {
      return new Credential(s.name(key), s.where(key), null, null, s.string(key));
    }
    throw new ConfigException(
        s.at(),
        s.name(key)
            + " is missing: give "
            + (secret ? "" : key + ", ")
            + key
            + "Env (an environment variable) or "
            + key
            + "File (a file).");
  }

  static FieldMapping inlineMapping(Section mapping) {
    Node.Sequence columns = mapping.list("columns");
    if (columns.items().isEmpty()) {
      throw new ConfigException(
          columns.at(), "mapping.columns is empty: list at least one column.");
    }
    FieldMapping.Builder b = FieldMapping.builder();
    int i = 0;
    for (Node item : columns.items()) {
      String where = "mapping.columns[" + i++ + "]";
      if (!(item instanceof Node.Mapping)) {
        throw new ConfigException(
            item.at(),
            where
                + " must be a set of keys such as {field: email, column: email}, not "
                + item.describe()
                + ".");
      }
      Section c =
          Section.root(
              (Node.Mapping) item, Path.of(""), "field", "column", "format", "required", "value");
      String column = c.string("column");
      if (column == null) {
        throw new ConfigException(item.at(), where + " has no column: the column's name.");
      }
      try {
        if (c.has("value")) {
          if (c.has("field") || c.has("format") || c.has("required")) {
            throw new ConfigException(
                c.where("value"),
                where + ": a constant (value) takes no field, format or required.");
          }
          b.constant(column, c.text("value"));
          continue;
        }
        String field = c.string("field");
        if (field == null) {
          throw new ConfigException(
              item.at(), where + " has no field (a user field path) or value (a constant).");
        }
        String format = c.string("format");
        b.column(field, column, ValueFormat.parse(format));
        if (Boolean.TRUE.equals(c.bool("required"))) {
          b.required(field);
        }
      } catch (MappingException | IllegalArgumentException e) {
        throw new ConfigException(item.at(), where + ": " + e.getMessage());
      }
    }
    try {
      return b.build();
    } catch (MappingException | IllegalArgumentException e) {
      throw new ConfigException(columns.at(), "mapping.columns: " + e.getMessage());
    }
  }
}
