package io.leadbridge.testkit;

import io.leadbridge.core.internal.Json;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import tools.jackson.core.JsonGenerator;

/**
 * Deterministic Auth0-shaped user profiles for tests and demos: the same seed and index always give
 * the same user, so any number of users can be streamed without holding them in memory.
 *
 * <p>The profiles have the fields of Auth0's export ({@code user_id}, {@code email}, {@code
 * email_verified}, {@code username}, {@code given_name}, {@code family_name}, {@code name}, {@code
 * nickname}, {@code picture}, {@code phone_number}, {@code created_at}, {@code updated_at}, {@code
 * last_login}, {@code logins_count}, {@code blocked}, {@code identities}, {@code user_metadata},
 * {@code app_metadata}) and the awkward data real tenants hold: social users without an email,
 * mixed-case emails, Unicode names (including characters outside the Basic Multilingual Plane),
 * metadata with commas, quotes, tabs, newlines, semicolons and leading {@code =}, {@code +}, {@code
 * -}, {@code @}, and arrays in {@code app_metadata}. Values are of the types {@code
 * UserSource.ndjson} reads back ({@code String}, {@code Long}, {@code Boolean}, {@code List},
 * {@code Map}), so a user read back from {@link #writeNdjson(Path, boolean)} equals the generated
 * map.
 *
 * <p>With {@link Builder#sharedEmails(int)}, some social users (Google and GitHub logins) have the
 * email of a database user at a lower index, in lower case as social providers report it, as when
 * one person signs up twice: the two users keep their own {@code user_id} and {@code updated_at}.
 * The default, 0, shares no email.
 *
 * <p>Immutable and thread-safe: each iterator, stream or file write it starts is independent, and
 * each iterator is for one thread.
 *
 * <pre>{@code
 * SyntheticUsers users = SyntheticUsers.builder().count(10_000).seed(7).build();
 * users.writeNdjson(Path.of("tenant.json.gz"), true);
 * try (UserSource source = UserSource.of(users)) { ... }
 * }</pre>
 */
public final class SyntheticUsers implements Iterable<Map<String, Object>> {
  /** The connections the users belong to, by name; see {@link Auth0Emulator}. */
  static final String DATABASE = "Username-Password-Authentication";

  private static final String[][] GIVEN = {
    {"Anna", "anna"},
    {"José", "jose"},
    {"Zoë", "zoe"},
    {"Łukasz", "lukasz"},
    {"Søren", "soren"},
    {"Chloé", "chloe"},
    {"Mohammed", "mohammed"},
    {"Aiko", "aiko"},
    {"Ἀλέξανδρος", "alexandros"},
    {"Дмитрий", "dmitry"},
    {"𝓐manda", "amanda"},
    {"Jean-Luc", "jeanluc"},
    {"Siobhán", "siobhan"},
    {"Mary Ann", "maryann"},
    {"Li", "li"},
    {"😀 Sunny", "sunny"},
    {"Ngozi", "ngozi"},
    {"Björn", "bjorn"},
    {"İlkay", "ilkay"},
    {"John", "john"}
  };
  private static final String[][] FAMILY = {
    {"Müller", "mueller"},
    {"O'Brien", "obrien"},
    {"García", "garcia"},
    {"Nguyễn", "nguyen"},
    {"山田", "yamada"},
    {"𠮷田", "yoshida"},
    {"Smith", "smith"},
    {"de la Cruz", "delacruz"},
    {"Ødegård", "odegard"},
    {"Иванов", "ivanov"},
    {"Kowalski", "kowalski"},
    {"Σαββίδης", "savvidis"},
    {"Smith, Jr.", "smithjr"},
    {"\"The Rock\" Johnson", "johnson"},
    {"Okafor", "okafor"},
    {"van der Berg", "vanderberg"}
  };
  private static final String[] DOMAINS = {
    "example.com", "Example.ORG", "mail.example.net", "EXAMPLE.co.uk", "corp.example.io"
  };
  private static final String[] PLANS = {"free", "pro", "enterprise", "trial"};
  private static final String[] COMPANIES = {
    "Acme, Inc.",
    "\"Quoted\" Holdings",
    "Tab\tSeparated Ltd",
    "Line One\nLine Two GmbH",
    "Semi;Colon S.A.",
    "=HYPERLINK(\"http://example.com\")",
    "+49 Vertrieb",
    "-minus Corp",
    "@mention AG",
    "Ünïcödé Ωmega 株式会社",
    "Plain Company",
    "Back\\slash & Co",
    "Carriage\rReturn BV"
  };
  private static final String[] NOTES = {
    "",
    "likes \"quotes\", commas, and; semicolons",
    "=1+1",
    "+SUM(A1:A9)",
    "multi\nline\nnote",
    "tab\there",
    "emoji 🎉 and 𝄞 music",
    "trailing space ",
    " leading space",
    "null"
  };
  private static final String[] ROLES = {"admin", "editor", "viewer", "billing", "support"};
  private static final String[] LANGUAGES = {"en-US", "de-DE", "fr-FR", "ja-JP", "pt-BR", "el-GR"};
  private static final long START = Instant.parse("2018-01-01T00:00:00Z").getEpochSecond();
  private static final long SPAN = Instant.parse("2025-06-01T00:00:00Z").getEpochSecond() - START;
  private static final int DATABASE_KINDS = 55;
  private static final int SHARE_TRIES = 32;

  private final long count;
  private final long seed;
  private final int sharedEmails;

  private SyntheticUsers(Builder b) {
    this.count = b.count;
    this.seed = b.seed;
    this.sharedEmails = b.sharedEmails;
  }

  /**
   * Starts a builder: 1000 users from seed 1 by default.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder with this generator's settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.count = count;
    b.seed = seed;
    b.sharedEmails = sharedEmails;
    return b;
  }

  /**
   * How many users this generator makes.
   *
   * @return the number of users
   */
  public long count() {
    return count;
  }

  /**
   * The seed.
   *
   * @return the seed
   */
  public long seed() {
    return seed;
  }

  /**
   * How many of every 1000 Google and GitHub users take the email of a database user.
   *
   * @return 0 to 1000; 0 by default
   * @see Builder#sharedEmails(int)
   */
  public int sharedEmails() {
    return sharedEmails;
  }

  /**
   * The user at an index, the same on every call.
   *
   * @param index 0-based, below {@link #count()}
   * @return a new mutable map holding the user's profile
   * @throws IndexOutOfBoundsException if the index is out of range
   */
  public Map<String, Object> get(long index) {
    if (index < 0 || index >= count) {
      throw new IndexOutOfBoundsException("index " + index + " of " + count);
    }
    return generate(index);
  }

  /**
   * The users in index order, generated lazily.
   *
   * @return an iterator over new maps
   */
  @Override
  public Iterator<Map<String, Object>> iterator() {
    return new Iterator<>() {
      private long next;

      @Override
      public boolean hasNext() {
        return next < count;
      }

      @Override
      public Map<String, Object> next() {
        if (next >= count) {
          throw new NoSuchElementException();
        }
        return generate(next++);
      }
    };
  }

  /**
   * The users in index order, generated lazily.
   *
   * @return a sequential stream of new maps
   */
  public Stream<Map<String, Object>> stream() {
    return LongStream.range(0, count).mapToObj(this::generate);
  }

  /**
   * Writes the users as NDJSON, one JSON object per line, as Auth0's export job does.
   *
   * @param file the file to create or replace
   * @param gzip whether to gzip the file
   * @throws UncheckedIOException if the file cannot be written
   */
  public void writeNdjson(Path file, boolean gzip) {
    writeNdjson(this, file, gzip);
  }

  /**
   * Writes any users as NDJSON, one JSON object per line, as Auth0's export job does: for example
   * these users with some of them edited.
   *
   * @param users the users
   * @param file the file to create or replace
   * @param gzip whether to gzip the file
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void writeNdjson(
      Iterable<? extends Map<String, ?>> users, Path file, boolean gzip) {
    try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      if (gzip) {
        try (GZIPOutputStream gz = new GZIPOutputStream(raw, 1 << 16)) {
          writeNdjson(users, gz);
        }
      } else {
        writeNdjson(users, raw);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  /** Writes maps as NDJSON to a stream, which stays open. */
  static void writeNdjson(Iterable<? extends Map<String, ?>> users, OutputStream out)
      throws IOException {
    OutputStream shield =
        new java.io.FilterOutputStream(out) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            flush();
          }
        };
    try (JsonGenerator g = Json.generator(shield)) {
      for (Map<String, ?> user : users) {
        Json.write(g, user);
        g.flush();
        shield.write('\n');
      }
    }
  }

  private SplittableRandom random(long index) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L);
  }

  /** The first draws of {@link #generate}: below {@link #DATABASE_KINDS} is a database user. */
  private int kind(long index) {
    SplittableRandom r = random(index);
    r.nextInt(GIVEN.length);
    r.nextInt(FAMILY.length);
    return r.nextInt(100);
  }

  /**
   * The email a Google or GitHub user takes from a database user at a lower index, or {@code null}
   * if it keeps its own. Draws from a stream of its own, so the user's other fields stay as they
   * are without sharing.
   */
  private String sharedEmail(long index) {
    if (sharedEmails == 0 || index == 0) {
      return null;
    }
    SplittableRandom s =
        new SplittableRandom(
            (seed * 0x94D049BB133111EBL + index * 0xD6E8FEB86659FD93L) ^ 0x5EED5EED5EED5EEDL);
    if (s.nextInt(1000) >= sharedEmails) {
      return null;
    }
    for (int i = 0; i < SHARE_TRIES; i++) {
      long other = s.nextLong(index);
      if (kind(other) < DATABASE_KINDS) {
        // a database user always has an email and never shares one, so this does not recurse
        return ((String) generate(other).get("email")).toLowerCase(Locale.ROOT);
      }
    }
    return null;
  }

  private Map<String, Object> generate(long index) {
    SplittableRandom r = random(index);
    String[] given = GIVEN[r.nextInt(GIVEN.length)];
    String[] family = FAMILY[r.nextInt(FAMILY.length)];
    int kind = r.nextInt(100);
    String connection;
    String provider;
    String idpUserId;
    boolean social;
    boolean hasEmail = true;
    if (kind < DATABASE_KINDS) {
      connection = DATABASE;
      provider = "auth0";
      idpUserId = hex(r, 24);
      social = false;
    } else if (kind < 75) {
      connection = "google-oauth2";
      provider = "google-oauth2";
      idpUserId = digits(r, 21);
      social = true;
      hasEmail = r.nextInt(10) != 0;
    } else if (kind < 85) {
      connection = "github";
      provider = "github";
      idpUserId = digits(r, 8) + index; // eight random digits alone repeat in large tenants
      social = true;
      hasEmail = r.nextBoolean();
    } else if (kind < 90) {
      connection = "twitter";
      provider = "twitter";
      idpUserId = digits(r, 18);
      social = true;
      hasEmail = false;
    } else {
      connection = "acme-saml";
      provider = "samlp";
      idpUserId = given[1] + "." + family[1] + index + "@corp.example.io"; // unique, as in Auth0
      social = false;
    }
    String userId = provider + "|" + idpUserId;
    String shared = kind >= DATABASE_KINDS && kind < 85 ? sharedEmail(index) : null;

    Map<String, Object> u = new LinkedHashMap<>();
    u.put("user_id", userId);
    if (hasEmail) {
      String local = given[1] + "." + family[1] + index;
      String email = mixCase(r, local) + "@" + DOMAINS[r.nextInt(DOMAINS.length)];
      u.put("email", shared != null ? shared : email);
      u.put("email_verified", social || r.nextInt(4) != 0);
    } else if (shared != null) {
      u.put("email", shared);
      u.put("email_verified", true);
    }
    if (connection.equals(DATABASE) && r.nextInt(3) == 0) {
      u.put("username", given[1] + "_" + index);
    }
    if (r.nextInt(20) != 0) {
      u.put("given_name", given[0]);
      u.put("family_name", family[0]);
    }
    u.put("name", given[0] + " " + family[0]);
    u.put("nickname", given[1]);
    u.put("picture", "https://s.gravatar.com/avatar/" + hex(r, 32) + "?s=480&r=pg&d=mp");
    if (r.nextInt(4) == 0) {
      u.put("phone_number", "+1" + (200 + r.nextInt(800)) + digits(r, 7));
    }
    long created = START + r.nextLong(SPAN);
    long updated = created + r.nextLong(86_400L * 400);
    u.put("created_at", iso(created, r));
    u.put("updated_at", iso(updated, r));
    long logins = r.nextInt(8) == 0 ? 0 : 1 + r.nextInt(500);
    if (logins > 0) {
      u.put("last_login", iso(created + r.nextLong(Math.max(1, updated - created)), r));
      u.put("last_ip", "192.0.2." + (1 + r.nextInt(254)));
    }
    u.put("logins_count", logins);
    if (r.nextInt(50) == 0) {
      u.put("blocked", Boolean.TRUE);
    }
    Map<String, Object> identity = new LinkedHashMap<>();
    identity.put("connection", connection);
    identity.put("provider", provider);
    identity.put("user_id", idpUserId);
    identity.put("isSocial", social);
    u.put("identities", List.of(identity));

    if (r.nextInt(10) != 0) {
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("plan", PLANS[r.nextInt(PLANS.length)]);
      meta.put("company", COMPANIES[r.nextInt(COMPANIES.length)]);
      meta.put("notes", NOTES[r.nextInt(NOTES.length)]);
      Map<String, Object> prefs = new LinkedHashMap<>();
      prefs.put("newsletter", r.nextBoolean());
      prefs.put("language", LANGUAGES[r.nextInt(LANGUAGES.length)]);
      meta.put("preferences", prefs);
      if (r.nextInt(5) == 0) {
        meta.put("referrer", null);
      }
      u.put("user_metadata", meta);
    }
    Map<String, Object> app = new LinkedHashMap<>();
    List<Object> roles = new ArrayList<>();
    int n = r.nextInt(3);
    for (int i = 0; i < n; i++) {
      roles.add(ROLES[r.nextInt(ROLES.length)]);
    }
    app.put("roles", roles);
    app.put("tenant_ids", List.of(r.nextLong(1_000_000), r.nextLong(1_000_000)));
    app.put("crm_id", r.nextInt(3) == 0 ? null : "CRM-" + digits(r, 6));
    app.put("score", (long) r.nextInt(1000));
    u.put("app_metadata", app);
    return u;
  }

  /** A given name of this generator's other than {@code old}, the same for the same arguments. */
  static String otherGivenName(Object old, int hash) {
    return otherName(GIVEN, old, hash);
  }

  /** A family name of this generator's other than {@code old}, the same for the same arguments. */
  static String otherFamilyName(Object old, int hash) {
    return otherName(FAMILY, old, hash);
  }

  private static String otherName(String[][] names, Object old, int hash) {
    int start = Math.floorMod(hash, names.length);
    for (int i = 0; ; i++) {
      String name = names[(start + i) % names.length][0];
      if (!name.equals(old)) {
        return name;
      }
    }
  }

  private static String mixCase(SplittableRandom r, String s) {
    switch (r.nextInt(4)) {
      case 0:
        return s.toUpperCase(Locale.ROOT);
      case 1:
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
      default:
        return s;
    }
  }

  private static String iso(long epochSecond, SplittableRandom r) {
    return Auth0Times.format(Instant.ofEpochSecond(epochSecond, r.nextInt(1000) * 1_000_000L));
  }

  private static String hex(SplittableRandom r, int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append(Character.forDigit(r.nextInt(16), 16));
    }
    return b.toString();
  }

  private static String digits(SplittableRandom r, int length) {
    StringBuilder b = new StringBuilder(length);
    b.append(1 + r.nextInt(9));
    for (int i = 1; i < length; i++) {
      b.append(r.nextInt(10));
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return "SyntheticUsers[count="
        + count
        + ", seed="
        + seed
        + (sharedEmails == 0 ? "" : ", sharedEmails=" + sharedEmails)
        + "]";
  }

  /** Builds {@link SyntheticUsers}. Not thread-safe. */
  public static final class Builder {
    private long count = 1000;
    private long seed = 1;
    private int sharedEmails;

    private Builder() {}

    /**
     * How many users to make.
     *
     * @param count zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder count(long count) {
      if (count < 0) {
        throw new IllegalArgumentException("count must not be negative.");
      }
      this.count = count;
      return this;
    }

    /**
     * The seed: the same seed gives the same users.
     *
     * @param seed any number
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Gives some social users the email of another user, as when one person has both a social login
     * and a database login: about {@code perThousand} of every 1000 Google and GitHub users (with
     * or without an email of their own) take the email of a database user at a lower index, in
     * lower case. They keep their own {@code user_id}, {@code updated_at} and other fields; the
     * database user is unchanged. Which users share, and with whom, depends only on the seed and
     * the index.
     *
     * @param perThousand 0 (the default: no email is shared) to 1000
     * @return this builder
     * @throws IllegalArgumentException if outside 0 to 1000
     */
    public Builder sharedEmails(int perThousand) {
      if (perThousand < 0 || perThousand > 1000) {
        throw new IllegalArgumentException(
            "sharedEmails is per thousand social users: give a value from 0 to 1000, not "
                + perThousand
                + ".");
      }
      this.sharedEmails = perThousand;
      return this;
    }

    /**
     * Builds the generator.
     *
     * @return the generator
     */
    public SyntheticUsers build() {
      return new SyntheticUsers(this);
    }
  }
}
