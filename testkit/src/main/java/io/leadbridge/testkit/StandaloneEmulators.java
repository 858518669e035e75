package io.leadbridge.testkit;

import io.leadbridge.core.internal.Json;
import io.leadbridge.core.source.MalformedEntry;
import io.leadbridge.core.source.SourceEntry;
import io.leadbridge.core.source.UserRecord;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.testkit.internal.EmulatorServer;
import io.leadbridge.testkit.internal.FaultFile;
import io.leadbridge.testkit.internal.StandaloneOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;

/**
 * The emulators as a program, for teams that test in another language or from a shell: {@code java
 * -jar leadbridge-emulators.jar [options]} starts either or both emulators, prints their endpoints
 * and credentials as one JSON line on standard output, and runs until SIGTERM or Ctrl-C, when it
 * closes them and deletes the temporary certificate file. {@code --help} lists the options.
 *
 * <pre>{@code
 * $ java -jar testkit/target/leadbridge-emulators.jar --users 500 --tls
 * {"auth0":{"domain":"https://127.0.0.1:40123","audience":"https://127.0.0.1:40123/api/v2/",…},
 *  "marketo":{"endpoint":"https://127.0.0.1:40124","identity":"https://127.0.0.1:40124/identity",…},
 *  "tls":{"certificate":"/tmp/leadbridge-emulators-…pem"}}
 * }</pre>
 *
 * <p>In a Java test, {@link #start(PrintStream, String...)} runs the same in-process. The
 * credentials are the emulators' own, made up for tests; the JSON line is meant to be read by the
 * test that started the program.
 *
 * <p>Thread-safe: a running instance may be closed from any thread, once or more.
 */
public final class StandaloneEmulators implements AutoCloseable {
  private final Auth0Emulator auth0;
  private final MarketoEmulator marketo;
  private final Path temporaryCertificate;
  private final String line;

  private StandaloneEmulators(StandaloneOptions options) {
    EmulatorTls tls = options.tls() ? EmulatorTls.selfSigned() : null;
    List<FaultFile.Rule> rules =
        options.faults() == null ? List.of() : FaultFile.read(options.faults());
    Path certificate = null;
    Path temporary = null;
    if (tls != null) {
      try {
        certificate =
            options.certFile() != null
                ? options.certFile()
                : (temporary = Files.createTempFile("leadbridge-emulators-", ".pem"));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create a file for the certificate", e);
      }
      tls.writeCertificatePem(certificate);
    }
    this.temporaryCertificate = temporary;
    Auth0Emulator a = null;
    MarketoEmulator m = null;
    try {
      if (options.auth0()) {
        Auth0Emulator.Builder b =
            Auth0Emulator.builder()
                .port(options.auth0Port())
                .requestsPath(true)
                .jobDuration(Duration.ofSeconds(options.jobSeconds()))
                .users(users(options));
        a = (tls == null ? b : b.tls(tls)).start();
      }
      if (options.marketo()) {
        MarketoEmulator.Builder b =
            MarketoEmulator.builder()
                .port(options.marketoPort())
                .requestsPath(true)
                .rowsPerSecond(options.rowsPerSecond());
        m = (tls == null ? b : b.tls(tls)).start();
      }
      for (FaultFile.Rule rule : rules) {
        apply(rule, a, m);
      }
    } catch (RuntimeException e) {
      close(a, m, temporary);
      throw e;
    }
    this.auth0 = a;
    this.marketo = m;
    this.line = Json.write(describe(a, m, certificate));
  }

  /**
   * Runs the program: prints the JSON line, then waits until the JVM is stopped.
   *
   * @param args the command line; {@code --help} lists the options
   */
  public static void main(String[] args) {
    StandaloneOptions options;
    try {
      options = StandaloneOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("leadbridge-emulators: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.print(StandaloneOptions.USAGE);
      return;
    }
    StandaloneEmulators running;
    try {
      running = new StandaloneEmulators(options);
    } catch (RuntimeException e) {
      System.err.println("leadbridge-emulators: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  running.close();
                  System.err.println("leadbridge-emulators: stopped");
                  stopped.countDown();
                },
                "leadbridge-emulators-stop"));
    System.out.println(running.jsonLine());
    System.out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Starts the emulators in this JVM as the program would, and prints the JSON line.
   *
   * @param out where the JSON line goes
   * @param args the program's options
   * @return the running emulators; close them when done
   * @throws IllegalArgumentException if an option or the fault file is wrong
   */
  public static StandaloneEmulators start(PrintStream out, String... args) {
    StandaloneOptions options = StandaloneOptions.parse(args);
    StandaloneEmulators running = new StandaloneEmulators(options);
    out.println(running.jsonLine());
    out.flush();
    return running;
  }

  /**
   * The line printed at start: one JSON object with {@code auth0} ({@code domain}, {@code
   * audience}, {@code tokenUrl}, {@code clientId}, {@code clientSecret}, {@code requests}), {@code
   * marketo} ({@code endpoint}, {@code identity}, {@code clientId}, {@code clientSecret}, {@code
   * requests}) for those started, and {@code tls} ({@code certificate}: the PEM file) with {@code
   * --tls}.
   *
   * @return the JSON text, without a line break
   */
  public String jsonLine() {
    return line;
  }

  /** Stops the emulators and deletes a temporary certificate file. */
  @Override
  public void close() {
    close(auth0, marketo, temporaryCertificate);
  }

  @Override
  public String toString() {
    return "StandaloneEmulators["
        + (auth0 != null ? auth0 : "")
        + (marketo != null ? marketo : "")
        + "]";
  }

  private static void close(Auth0Emulator a, MarketoEmulator m, Path temporary) {
    if (a != null) {
      a.close();
    }
    if (m != null) {
      m.close();
    }
    if (temporary != null) {
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException e) {
        // a temporary file of a public certificate: nothing secret is left behind
      }
    }
  }

  private static Map<String, Object> describe(Auth0Emulator a, MarketoEmulator m, Path cert) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (a != null) {
      Map<String, Object> auth0 = new LinkedHashMap<>();
      auth0.put("domain", a.domain());
      auth0.put("audience", a.audience());
      auth0.put("tokenUrl", a.domain() + "/oauth/token");
      auth0.put("clientId", a.clientId());
      auth0.put("clientSecret", a.clientSecret());
      auth0.put("requests", a.domain() + EmulatorServer.REQUESTS_PATH);
      out.put("auth0", auth0);
    }
    if (m != null) {
      Map<String, Object> marketo = new LinkedHashMap<>();
      marketo.put("endpoint", m.endpoint().toString());
      marketo.put("identity", m.endpoint() + "/identity");
      marketo.put("clientId", m.clientId());
      marketo.put("clientSecret", m.clientSecret());
      marketo.put("requests", m.endpoint() + EmulatorServer.REQUESTS_PATH);
      out.put("marketo", marketo);
    }
    if (cert != null) {
      out.put("tls", Map.of("certificate", cert.toAbsolutePath().toString()));
    }
    return out;
  }

  private static void apply(FaultFile.Rule rule, Auth0Emulator a, MarketoEmulator m) {
    String where = "Fault rule " + rule.entry() + ": ";
    if (rule.emulator().equals("auth0")) {
      if (a == null) {
        throw new IllegalArgumentException(where + "the Auth0 emulator is not started.");
      }
      Auth0Emulator.Endpoint e = endpoint(Auth0Emulator.Endpoint.class, rule, where);
      if (rule.fault().kind() == io.leadbridge.testkit.internal.Fault.Kind.SERVICE_ERROR
          || rule.fault().kind() == io.leadbridge.testkit.internal.Fault.Kind.DROP_AFTER_ACCEPT) {
        throw new IllegalArgumentException(
            where + "the Auth0 emulator takes status, drop or delayMillis.");
      }
      a.faults().add(e, rule.nth(), rule.fault());
    } else {
      if (m == null) {
        throw new IllegalArgumentException(where + "the Marketo emulator is not started.");
      }
      MarketoEmulator.Endpoint e = endpoint(MarketoEmulator.Endpoint.class, rule, where);
      if (rule.fault().kind() == io.leadbridge.testkit.internal.Fault.Kind.DROP_AFTER_ACCEPT
          && !MarketoEmulator.isUpload(e)) {
        throw new IllegalArgumentException(
            where
                + "dropAfterAccept is for UPLOAD, PROGRAM_MEMBER_UPLOAD or CUSTOM_OBJECT_UPLOAD.");
      }
      m.faults().add(e, rule.nth(), rule.fault());
    }
  }

  private static <E extends Enum<E>> E endpoint(Class<E> type, FaultFile.Rule rule, String where) {
    try {
      return Enum.valueOf(type, rule.endpoint());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          where
              + "unknown endpoint '"
              + rule.endpoint()
              + "' of "
              + rule.emulator()
              + "; one of "
              + java.util.Arrays.toString(type.getEnumConstants())
              + ".");
    }
  }

  /** The tenant's users: synthetic, or read from the file again for each export. */
  private static Iterable<Map<String, Object>> users(StandaloneOptions options) {
    if (options.usersFile() == null) {
      return SyntheticUsers.builder().count(options.users()).seed(options.seed()).build();
    }
    Path file = options.usersFile();
    long[] counts = new long[2];
    for (Map<String, Object> ignored : fileUsers(file, counts)) {
      // read once at start, so that a wrong file fails now and malformed entries are counted
    }
    if (counts[1] > 0) {
      System.err.println(
          "leadbridge-emulators: "
              + counts[1]
              + " entries of "
              + file
              + " are not users and are left out; "
              + counts[0]
              + " users are served.");
    }
    return fileUsers(file, new long[2]);
  }

  private static Iterable<Map<String, Object>> fileUsers(Path file, long[] counts) {
    return () ->
        new Iterator<>() {
          private final UserSource source = UserSource.open(file);
          private UserRecord next = advance();

          private UserRecord advance() {
            for (SourceEntry e; (e = source.next()) != null; ) {
              if (e instanceof MalformedEntry) {
                counts[1]++;
              } else {
                counts[0]++;
                return (UserRecord) e;
              }
            }
            source.close();
            return null;
          }

          @Override
          public boolean hasNext() {
            return next != null;
          }

          @Override
          public Map<String, Object> next() {
            if (next == null) {
              throw new NoSuchElementException();
            }
            Map<String, Object> user = next.asMap();
            next = advance();
            return user;
          }
        };
  }
}
