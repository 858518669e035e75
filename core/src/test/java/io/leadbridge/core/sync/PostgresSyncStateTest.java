package io.leadbridge.core.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.leadbridge.core.ChildProcess;
import io.leadbridge.core.ExportResult;
import io.leadbridge.core.Rejection;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.internal.select.RowSelection;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.core.testing.EmbeddedPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * {@link SyncStateTest} on a real PostgreSQL server that the build starts ({@link
 * EmbeddedPostgres}), each test in tables of its own prefix; and what only a shared server can
 * show: two processes on one state, the server stopped in the middle of a commit.
 */
@EnabledIf("io.leadbridge.core.testing.EmbeddedPostgres#available")
class PostgresSyncStateTest extends SyncStateTest {
  private static final AtomicInteger RUNS = new AtomicInteger();
  private final String run = newRun();

  private static final UserExporter EXPORTER =
      UserExporter.builder()
          .mapping(
              FieldMapping.builder()
                  .column("email", "email")
                  .column("given_name", "firstName")
                  .column("family_name", "lastName")
                  .required("email")
                  .build())
          .format(CsvFormat.TSV)
          .build();

  /** A name for one test's tables. */
  static String newRun() {
    return "t" + ProcessHandle.current().pid() + "_" + RUNS.incrementAndGet();
  }

  /** The table prefix of state {@code name} in test run {@code run}. */
  static String prefix(String run, String name) {
    return (run + "_" + name + "_").toLowerCase(Locale.ROOT);
  }

  private static EmbeddedPostgres server() {
    try {
      return EmbeddedPostgres.shared();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  SyncState openState(String name) {
    return SyncState.open(server().dataSource(), prefix(run, name));
  }

  private ExportResult export(List<Map<String, Object>> users, SyncState state, String out) {
    return EXPORTER.export(UserSource.of(users), dir.resolve(out).resolve("users.tsv"), state);
  }

  @Test
  void twoProcessesSyncingOneStateAtOnceTakeTurnsAndNeverCommitTwice() throws Exception {
    String url = server().url();
    String prefix = prefix(run, "shared");
    Process a = ChildProcess.start("sync-postgres", url, prefix, dir.resolve("a").toString(), "a");
    try {
      assertThat(ChildProcess.readLine(a)).isEqualTo("exported 50");
      // a holds the lease from its export to its commit: b, in another JVM, is refused
      Process b =
          ChildProcess.start("sync-postgres", url, prefix, dir.resolve("b").toString(), "b");
      String refused = ChildProcess.readLine(b);
      assertThat(b.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(refused)
          .startsWith("refused")
          .contains("pid " + a.pid())
          .contains(" since ")
          .contains("did not start");
      // and so is this process
      SyncState here = SyncState.open(server().dataSource(), prefix);
      assertThatThrownBy(() -> export(users(3), here, "here"))
          .isInstanceOf(SyncStateInUseException.class)
          .satisfies(
              e -> assertThat(((SyncStateInUseException) e).holder()).contains("pid " + a.pid()));
      assertThat(here.generation()).isZero();

      tell(a, "commit");
      assertThat(ChildProcess.readLine(a)).isEqualTo("committed 1");
      assertThat(a.waitFor(60, TimeUnit.SECONDS)).isTrue();

      // the lease is free again: b runs, sees a's commit, and sends only what changed
      Process b2 =
          ChildProcess.start("sync-postgres", url, prefix, dir.resolve("b").toString(), "b");
      assertThat(ChildProcess.readLine(b2)).isEqualTo("exported 50");
      tell(b2, "commit");
      assertThat(ChildProcess.readLine(b2)).isEqualTo("committed 2");
      assertThat(b2.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(here.generation()).isEqualTo(2);
      assertThat(here.users()).isEqualTo(50);

      // a run that dies holding the lease loses it with its connection
      Process dying =
          ChildProcess.start("sync-postgres", url, prefix, dir.resolve("c").toString(), "c");
      assertThat(ChildProcess.readLine(dying)).isEqualTo("exported 50");
      dying.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      ExportResult after = awaitLease(() -> export(users(50), here, "here"));
      assertThat(after.sync().orElseThrow().baseGeneration()).isEqualTo(2);
      here.close();
    } finally {
      a.destroyForcibly();
    }
  }

  /** The server notices a dead client's closed socket at once; allow it a moment. */
  private static ExportResult awaitLease(java.util.function.Supplier<ExportResult> export)
      throws InterruptedException {
    for (int i = 0; ; i++) {
      try {
        return export.get();
      } catch (SyncStateInUseException e) {
        if (i == 50) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private static void tell(Process p, String line) throws IOException {
    OutputStream in = p.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  @Test
  void postgresStoppedInTheMiddleOfACommitLeavesTheStateAsItWasWithAClearError() throws Exception {
    try (EmbeddedPostgres own = EmbeddedPostgres.start()) {
      DataSource ds = own.dataSource();
      String prefix = prefix(run, "stopped");
      SyncState state = SyncState.open(ds, prefix);
      state.commit(export(users(3000), state, "out"), ImportConfirmation.all());
      List<String> committed = contents(state);

      List<Map<String, Object>> changed = new ArrayList<>(users(3000));
      for (int i = 0; i < 3000; i += 2) {
        changed.set(i, user("auth0|" + i, "user" + i + "@example.com", "Changed", null));
      }
      ExportResult export = export(changed, state, "out");
      AtomicInteger calls = new AtomicInteger();
      assertThatThrownBy(
              () ->
                  state.commit(
                      export,
                      (file, userId) -> {
                        if (calls.incrementAndGet() == 1200) { // after the first batch was sent
                          try {
                            own.stop();
                          } catch (IOException e) {
                            throw new UncheckedIOException(e);
                          }
                        }
                        return true;
                      }))
          .isInstanceOf(SyncException.class)
          .hasMessageContaining("Cannot commit the sync state in PostgreSQL jdbc:postgresql://")
          .hasMessageContaining("connection to the database was lost")
          .hasMessageContaining("unchanged");

      own.restart();
      SyncState again = SyncState.open(ds, prefix);
      assertThat(contents(again)).isEqualTo(committed);
      assertThat(again.generation()).isEqualTo(1);
      ExportResult redo = export(changed, again, "out");
      assertThat(redo.rowsWritten()).isEqualTo(1500);
      assertThat(again.commit(redo, ImportConfirmation.all()).generation()).isEqualTo(2);
    }
  }

  @Test
  void aLargeFirstCommitRebuildsThePrimaryKeyAndAFailedOneLeavesItAsItWas() throws Exception {
    String prefix = prefix(run, "large");
    SyncState state = SyncState.open(server().dataSource(), prefix);
    List<Map<String, Object>> many = users(120_000);
    ExportResult first = export(many, state, "large");
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                state.commit(
                    first,
                    (file, userId) -> {
                      if (calls.incrementAndGet() == 100_000) {
                        throw new IllegalStateException("the import report broke");
                      }
                      return true;
                    }))
        .hasMessage("the import report broke");
    assertThat(state.users()).isZero();
    assertThat(primaryKeyColumns(prefix)).containsExactly("user_id");
    assertThat(contents(state)).hasSize(1); // the meta row alone

    ExportResult again = export(many, state, "large");
    assertThat(state.commit(again, ImportConfirmation.all()).users()).isEqualTo(120_000);
    assertThat(primaryKeyColumns(prefix)).containsExactly("user_id");
    assertThat(export(many, state, "large").rowsWritten()).isZero();
  }

  @Test
  void aPoolWhoseConnectionsCannotBeUnwrappedCommitsWithStatementsInstead() {
    DataSource real = server().dataSource();
    DataSource wrapped =
        (DataSource)
            java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {DataSource.class},
                (proxy, method, args) ->
                    method.getName().equals("getConnection")
                        ? opaque((Connection) invoke(method, real, args))
                        : invoke(method, real, args));
    SyncState state = SyncState.open(wrapped, prefix(run, "opaque"));
    List<Map<String, Object>> users = users(6000);
    assertThat(state.commit(export(users, state, "opaque"), ImportConfirmation.all()).users())
        .isEqualTo(6000);
    List<Map<String, Object>> changed = new ArrayList<>(users);
    for (int i = 0; i < 6000; i += 3) {
      changed.set(i, user("auth0|" + i, "user" + i + "@example.com", "Changed", null));
    }
    ExportResult second = export(changed, state, "opaque");
    assertThat(second.rowsWritten()).isEqualTo(2000);
    state.commit(second, ImportConfirmation.all());
    assertThat(export(changed, state, "opaque").rowsWritten()).isZero();
    assertThat(contents(state)).isEqualTo(contents(SyncState.open(real, prefix(run, "opaque"))));
  }

  /** A connection as a pool may hand it out: it does not unwrap to the driver's own. */
  private static Connection opaque(Connection c) {
    return (Connection)
        java.lang.reflect.Proxy.newProxyInstance(
            PostgresSyncStateTest.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "isWrapperFor":
                  return false;
                case "unwrap":
                  throw new java.sql.SQLException("not a wrapper");
                default:
                  return invoke(method, c, args);
              }
            });
  }

  private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static List<String> primaryKeyColumns(String prefix) throws Exception {
    List<String> columns = new ArrayList<>();
    try (Connection c = server().dataSource().getConnection();
        Statement s = c.createStatement();
        java.sql.ResultSet rs =
            s.executeQuery(
                "SELECT a.attname FROM pg_constraint k JOIN pg_attribute a ON a.attrelid ="
                    + " k.conrelid AND a.attnum = ANY (k.conkey) WHERE k.conrelid = '"
                    + prefix
                    + "users'::regclass AND k.contype = 'p'")) {
      while (rs.next()) {
        columns.add(rs.getString(1));
      }
    }
    return columns;
  }

  @Test
  void passwordsNeverShowInToStringOrMessages() throws Exception {
    String secret = "s3cr3t-pw";
    String url = server().url() + "?user=postgres&password=" + secret;
    DataSource withPassword = dataSource(url);
    SyncState state = SyncState.open(withPassword, prefix(run, "masked"));
    assertThat(state.toString()).doesNotContain(secret).doesNotContain("password");
    assertThat(state.location())
        .isEqualTo("PostgreSQL " + server().url() + " (tables " + prefix(run, "masked") + "*)");
    String wrongPort = url.replace(":" + server().port() + "/", ":1/");
    assertThatThrownBy(() -> SyncState.open(dataSource(wrongPort), prefix(run, "masked")))
        .isInstanceOf(SyncException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret))
        .satisfies(e -> assertThat(String.valueOf(e.getCause())).doesNotContain(secret));
  }

  @Override
  void downgradeToVersion1(String name) throws Exception {
    String prefix = prefix(run, name);
    try (Connection c = server().dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "ALTER TABLE "
              + prefix
              + "users DROP COLUMN source_hi, DROP COLUMN source_lo, DROP COLUMN updated_at");
      s.executeUpdate("UPDATE " + prefix + "meta SET schema_version = 1");
    }
  }

  @Test
  void entriesReadWhileTheStateCannotBeReadAreHeldUnparsedAndPlayedBackInTheirOrder()
      throws Exception {
    SyncState state = openState("slow");
    String blob = "x".repeat(64 * 1024); // a property the mapping does not read: long lines
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      Map<String, Object> u = user(i);
      u.put("blob", blob);
      users.add(u);
    }
    Path out = dir.resolve("out").resolve("users.tsv");
    try (CountingNdjson source = new CountingNdjson(ndjson(users))) {
      state.commit(EXPORTER.export(source, out, state), ImportConfirmation.all());
    }
    // changes early in the file (among the entries held unparsed) and late (read after the wait)
    for (int i : new int[] {5, 1100}) {
      users.set(i, user("auth0|" + i, "user" + i + "@example.com", "Edited", null));
    }
    users.add(user("auth0|new", "new@example.com", "New", null));
    users.add(users.get(1000)); // read twice
    Path file = ndjson(users);
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.set(10, "{ broken");
    lines.set(1150, "{ broken too");
    Files.write(file, lines);
    // the first entry past what the export holds unparsed while the state cannot be read
    long held = 0;
    int firstNotHeld = 0;
    while (held < RowSelection.MAX_HELD_BYTES) {
      held += 32 + lines.get(firstNotHeld++).getBytes(StandardCharsets.UTF_8).length;
    }
    long waitsAt = firstNotHeld + 1L; // a line number

    ExportResult locked;
    ExecutorService export = Executors.newSingleThreadExecutor();
    CountingNdjson source;
    try (Connection lock = server().dataSource().getConnection()) {
      lock.setAutoCommit(false);
      try (Statement s = lock.createStatement()) {
        s.execute("LOCK TABLE " + prefix(run, "slow") + "users IN ACCESS EXCLUSIVE MODE");
      }
      CountDownLatch reachedTheLimit = new CountDownLatch(1);
      source =
          new CountingNdjson(file) {
            @Override
            public void hashEntries(long seed1, long seed2, Skipper skipper) {
              super.hashEntries(
                  seed1,
                  seed2,
                  (hi, lo, position, entry, off, len) -> {
                    if (position == waitsAt) {
                      reachedTheLimit.countDown();
                    }
                    return skipper.skip(hi, lo, position, entry, off, len);
                  });
            }
          };
      Future<ExportResult> running = export.submit(() -> EXPORTER.export(source, out, state));
      assertThat(reachedTheLimit.await(60, TimeUnit.SECONDS)).isTrue();
      // every entry so far is held unparsed, and the export waits for the state from here
      assertThat(source.parsed).isZero();
      assertThat(running.isDone()).isFalse();
      lock.rollback();
      locked = running.get(60, TimeUnit.SECONDS);
      source.close();
    } finally {
      export.shutdownNow();
    }
    // parsed: the changed, new and broken entries and the second read of one user, no other
    assertThat(source.parsed).isEqualTo(6);

    ExportResult free;
    try (CountingNdjson again = new CountingNdjson(file)) {
      free = EXPORTER.export(again, dir.resolve("free").resolve("users.tsv"), state);
    }
    assertThat(writtenUserIds(locked))
        .containsExactly("auth0|5", "auth0|1100", "auth0|new")
        .isEqualTo(writtenUserIds(free));
    assertThat(locked.rejections())
        .extracting(Rejection::position, Rejection::reason)
        .containsExactly(
            tuple(11L, Rejection.Reason.MALFORMED_INPUT),
            tuple(1151L, Rejection.Reason.MALFORMED_INPUT),
            tuple(1202L, Rejection.Reason.DUPLICATE_USER_ID))
        .isEqualTo(
            free.rejections().stream()
                .map(r -> tuple(r.position(), r.reason()))
                .collect(java.util.stream.Collectors.toList()));
    assertThat(locked.rowsUnchanged()).isEqualTo(free.rowsUnchanged()).isEqualTo(1196);
  }

  @Test
  void aStateWrittenByANewerLeadbridgeIsRefused() throws Exception {
    String prefix = prefix(run, "newer");
    SyncState.open(server().dataSource(), prefix).close();
    try (Connection c = server().dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE " + prefix + "meta SET schema_version = 99");
    }
    assertThatThrownBy(() -> SyncState.open(server().dataSource(), prefix))
        .isInstanceOf(SyncException.class)
        .hasMessageContaining("newer Leadbridge (schema version 99")
        .hasMessageContaining("PostgreSQL jdbc:postgresql://");
  }

  @Test
  void severalSyncsShareOneDatabaseByTablePrefix() {
    SyncState marketo = openState("marketo");
    SyncState alterian = openState("alterian");
    marketo.commit(export(users(5), marketo, "m"), ImportConfirmation.all());
    alterian.commit(export(users(8), alterian, "a"), ImportConfirmation.all());
    assertThat(marketo.users()).isEqualTo(5);
    assertThat(alterian.users()).isEqualTo(8);
    assertThat(export(users(5), marketo, "m").rowsWritten()).isZero();
    assertThatThrownBy(() -> SyncState.open(server().dataSource(), "Bad-Prefix"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lower-case letters");
  }

  private static DataSource dataSource(String url) {
    return new DataSource() {
      @Override
      public Connection getConnection() throws java.sql.SQLException {
        return DriverManager.getConnection(url);
      }

      @Override
      public Connection getConnection(String u, String p) throws java.sql.SQLException {
        return DriverManager.getConnection(url, u, p);
      }

      @Override
      public java.io.PrintWriter getLogWriter() {
        return null;
      }

      @Override
      public void setLogWriter(java.io.PrintWriter out) {}

      @Override
      public void setLoginTimeout(int seconds) {}

      @Override
      public int getLoginTimeout() {
        return 0;
      }

      @Override
      public java.util.logging.Logger getParentLogger() {
        return java.util.logging.Logger.getGlobal();
      }

      @Override
      public <T> T unwrap(Class<T> iface) throws java.sql.SQLException {
        throw new java.sql.SQLException("not a wrapper");
      }

      @Override
      public boolean isWrapperFor(Class<?> iface) {
        return false;
      }
    };
  }
}
