package io.leadbridge.core.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.leadbridge.core.ChildProcess;
import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.internal.Binary;
import io.leadbridge.core.internal.files.FolderLock;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.source.UserSource;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** {@link SyncStateTest} on the embedded store, and what only a store in a folder can show. */
class EmbeddedSyncStateTest extends SyncStateTest {
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

  @Override
  SyncState openState(String name) {
    return SyncState.open(dir.resolve(name));
  }

  @Override
  void assertNothingLeftBeside(SyncState state) throws IOException {
    try (Stream<Path> files = Files.list(state.directory().orElseThrow())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .isSubsetOf("sync-state.mv.db", FolderLock.NAME);
    }
  }

  private ExportResult export(List<Map<String, Object>> users, SyncState state) {
    return EXPORTER.export(UserSource.of(users), dir.resolve("out").resolve("users.tsv"), state);
  }

  @Test
  void theStateFolderIsOwnerOnlyAndADamagedStateIsAClearError() throws IOException {
    Path stateDir = dir.resolve("state");
    SyncState state = SyncState.open(stateDir);
    state.commit(export(users(100), state), ImportConfirmation.all());
    Path file = stateDir.resolve("sync-state.mv.db");
    if (Files.getFileStore(stateDir).supportsFileAttributeView("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir)))
          .isEqualTo("rwx------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
    }
    state.close();
    // damage the file's two headers and cut it short
    long size = Files.size(file);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      byte[] junk = new byte[8192];
      java.util.Arrays.fill(junk, (byte) 0x5A);
      raf.write(junk);
      raf.setLength(size / 2);
    }
    assertThatThrownBy(() -> export(users(100), SyncState.open(stateDir)))
        .isInstanceOf(SyncException.class)
        .hasMessageContaining("cannot be read")
        .hasMessageContaining("damaged or was cut short")
        .hasMessageContaining("delete it to start over")
        .hasMessageContaining(stateDir.toString());
    try (Stream<Path> files = Files.list(dir.resolve("out"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.endsWith(".sync") || n.endsWith(".tmp"));
    }

    Files.writeString(file, "{not a database", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> SyncState.open(stateDir))
        .isInstanceOf(SyncException.class)
        .hasMessageContaining("cannot be read");
  }

  @Test
  void aStateInTheOldFileFormatIsCarriedIntoTheDatabaseOnFirstOpen() throws IOException {
    // the fingerprints an export computes, taken from a state made the new way
    SyncState model = SyncState.open(dir.resolve("model"));
    model.commit(export(users(30), model), ImportConfirmation.all());
    List<String> rows = contents(model).subList(1, 31);
    model.close();

    Path old = dir.resolve("old");
    Files.createDirectories(old);
    writeOldState(old, rows, 7);

    SyncState state = SyncState.open(old);
    assertThat(state.generation()).isEqualTo(7);
    assertThat(state.users()).isEqualTo(30);
    try (Stream<Path> files = Files.list(old)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.equals("sync-state.json") || n.endsWith(".lbs"));
    }
    ExportResult next = export(users(30), state);
    assertThat(next.sync().orElseThrow().unchangedUsers()).isEqualTo(29);
    assertThat(writtenUserIds(next)).containsExactly("auth0|3"); // never confirmed in the old state
    assertThat(state.commit(next, ImportConfirmation.all()).generation()).isEqualTo(8);
  }

  @Test
  void aDamagedOldStateIsRefusedSayingHowToMigrate() throws IOException {
    Path old = dir.resolve("old");
    Files.createDirectories(old);
    Files.writeString(
        old.resolve("sync-state.json"),
        "{\"kind\":\"leadbridge-sync-state\",\"version\":1,\"generation\":3,\"users\":1,"
            + "\"entries\":\"../users-9.lbs\",\"columns\":[],\"format\":\"\",\"keyColumn\":\"\"}");
    assertThatThrownBy(() -> SyncState.open(old))
        .isInstanceOf(SyncException.class)
        .hasMessageContaining("old file format")
        .hasMessageContaining("Restore the folder from a backup and open it again")
        .hasMessageContaining("to start over with a full run");
  }

  @Override
  void downgradeToVersion1(String name) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:h2:file:" + dir.resolve(name).resolve("sync-state"), "leadbridge", "");
        Statement s = c.createStatement()) {
      s.executeUpdate("ALTER TABLE sync_users DROP COLUMN source_hi, source_lo, updated_at");
      s.executeUpdate("UPDATE sync_meta SET schema_version = 1");
    }
  }

  /** Many users: a first commit writes them as a table of its own. */
  private static final int MANY = 25_000;

  /** The users' tables in the embedded state's folder, and whether each has its primary key. */
  private List<String> usersTables(Path stateDir) throws Exception {
    List<String> tables = new java.util.ArrayList<>();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:h2:file:" + stateDir.resolve("sync-state"), "leadbridge", "");
        Statement s = c.createStatement();
        java.sql.ResultSet rs =
            s.executeQuery(
                "SELECT t.table_name, (SELECT COUNT(*) FROM information_schema.table_constraints k"
                    + " WHERE k.table_name = t.table_name AND k.constraint_type = 'PRIMARY KEY')"
                    + " FROM information_schema.tables t WHERE t.table_schema = 'PUBLIC'"
                    + " AND t.table_name LIKE 'SYNC\\_USERS%' ORDER BY 1")) {
      while (rs.next()) {
        tables.add(rs.getString(1) + (rs.getInt(2) == 1 ? " (primary key)" : ""));
      }
    }
    return tables;
  }

  @Test
  void aFirstCommitOfManyUsersWritesTheSameStateAsCommitsInPlace() throws Exception {
    List<Map<String, Object>> users = users(MANY);
    ImportConfirmation notEvery7th =
        (file, userId) -> Integer.parseInt(userId.substring("auth0|".length())) % 7 != 3;

    Path wholeDir = dir.resolve("whole");
    List<String> whole;
    try (SyncState state = SyncState.open(wholeDir)) {
      SyncState.Committed done = state.commit(export(users, state), notEvery7th);
      assertThat(done.users()).isEqualTo(MANY);
      List<String> unconfirmed =
          java.util.stream.IntStream.range(0, MANY)
              .filter(i -> i % 7 == 3)
              .mapToObj(i -> "auth0|" + i)
              .toList();
      assertThat(done.rowsUnconfirmed()).isEqualTo(unconfirmed.size());
      whole = contents(state);
      ExportResult again = export(users, state); // the unconfirmed users are sent again
      assertThat(writtenUserIds(again)).containsExactlyInAnyOrderElementsOf(unconfirmed);
    }
    assertThat(usersTables(wholeDir)).containsExactly("SYNC_USERS (primary key)");

    // the same users committed into a state that already holds one: in place
    Path inPlaceDir = dir.resolve("in-place");
    List<String> inPlace;
    try (SyncState state = SyncState.open(inPlaceDir)) {
      state.commit(export(users.subList(0, 1), state), ImportConfirmation.all());
      state.commit(export(users, state), notEvery7th);
      inPlace = contents(state);
    }
    assertThat(whole.subList(1, whole.size())).isEqualTo(inPlace.subList(1, inPlace.size()));
    assertThat(whole.get(0)).startsWith("Meta[generation=1, users=" + MANY);
  }

  @Test
  void aFirstCommitThatFailsWhileWritingItsTableLeavesTheStateEmptyAndNoTable() throws Exception {
    Path stateDir = dir.resolve("state");
    List<Map<String, Object>> users = users(MANY);
    try (SyncState state = SyncState.open(stateDir)) {
      ExportResult export = export(users, state);
      int[] asked = {0};
      ImportConfirmation failing =
          (file, userId) -> {
            if (++asked[0] == MANY - 10) {
              throw new IllegalStateException("the import's report cannot be read");
            }
            return true;
          };
      assertThatThrownBy(() -> state.commit(export, failing))
          .hasMessageContaining("the import's report cannot be read");
      assertThat(state.generation()).isZero();
      assertThat(state.users()).isZero();
    }
    assertThat(usersTables(stateDir)).containsExactly("SYNC_USERS (primary key)");
    try (SyncState state = SyncState.open(stateDir)) {
      assertThat(state.commit(export(users, state), ImportConfirmation.all()).users())
          .isEqualTo(MANY);
    }
  }

  /**
   * The two moments a crash can leave a table of its own behind, made by hand: before the meta row
   * moved (the table's generation is ahead: dropped), and after (the users table still empty: the
   * swap is finished). The next run sees the state as committed.
   */
  @Test
  void aTableLeftByACrashedCommitIsDroppedOrSwappedInByTheNextRun() throws Exception {
    Path stateDir = dir.resolve("state");
    List<Map<String, Object>> users = users(MANY);
    List<String> committed;
    try (SyncState state = SyncState.open(stateDir)) {
      state.commit(export(users, state), ImportConfirmation.all());
      committed = contents(state);
    }
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:h2:file:" + stateDir.resolve("sync-state"), "leadbridge", "");
        Statement s = c.createStatement()) {
      // crashed after the meta row moved to generation 1, before the swap
      s.execute("ALTER TABLE sync_users RENAME TO sync_users_g1");
      s.execute("CREATE TABLE sync_users AS SELECT * FROM sync_users_g1 WITH NO DATA");
      // and an older run's table of a commit that never happened
      s.execute("CREATE TABLE sync_users_g2 AS SELECT * FROM sync_users_g1 WITH NO DATA");
    }
    try (SyncState state = SyncState.open(stateDir)) {
      ExportResult again = export(users, state);
      assertThat(again.rowsWritten()).isZero();
      assertThat(again.sync().orElseThrow().unchangedUsers()).isEqualTo(MANY);
      assertThat(contents(state)).isEqualTo(committed);
    }
    assertThat(usersTables(stateDir)).containsExactly("SYNC_USERS (primary key)");
  }

  @Test
  void aStateWrittenByANewerLeadbridgeIsRefused() throws Exception {
    Path stateDir = dir.resolve("state");
    SyncState.open(stateDir).close();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:h2:file:" + stateDir.resolve("sync-state"), "leadbridge", "");
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE sync_meta SET schema_version = 99");
    }
    assertThatThrownBy(() -> SyncState.open(stateDir))
        .isInstanceOf(SyncException.class)
        .hasMessageContaining("newer Leadbridge (schema version 99")
        .hasMessageContaining(stateDir.toString());
  }

  @Test
  void aRunInAnotherProcessHoldsTheFolderAndIsNamed() throws Exception {
    Path stateDir = dir.resolve("state");
    SyncState.open(stateDir).close();
    Process holder = ChildProcess.start("hold-state", stateDir);
    try {
      ChildProcess.awaitReady(holder);
      SyncState state = SyncState.open(dir.resolve("other")); // another folder is free
      state.close();
      assertThatThrownBy(() -> export(users(3), SyncState.open(stateDir)))
          .isInstanceOf(SyncStateInUseException.class)
          .hasMessageContaining("pid " + holder.pid())
          .hasMessageContaining("since ")
          .hasMessageContaining("state is unchanged");
    } finally {
      holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    SyncState state = SyncState.open(stateDir);
    assertThat(export(users(3), state).rowsWritten()).isEqualTo(3);
  }

  /**
   * The state's folder on a small file system of its own (a tmpfs, where the test may mount one),
   * filled up after a first commit: the next commit fails with an error naming the store, and once
   * there is room again the state is the one committed before.
   */
  @Test
  void aFullDiskDuringACommitIsAClearErrorAndTheStateIsKept() throws Exception {
    Path disk = dir.resolve("small-disk");
    Files.createDirectories(disk);
    assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", disk.toString()));
    try {
      Path stateDir = disk.resolve("state");
      List<String> before;
      try (SyncState state = SyncState.open(stateDir)) {
        state.commit(export(users(1_000), state), ImportConfirmation.all());
        before = contents(state);
        ExportResult big = export(users(100_000), state); // the export's files are elsewhere
        Path filler = disk.resolve("filler");
        try (java.io.OutputStream out = Files.newOutputStream(filler)) {
          byte[] block = new byte[1 << 16];
          while (true) {
            out.write(block);
          }
        } catch (IOException full) {
          // the disk is full
        }
        assertThatThrownBy(() -> state.commit(big, ImportConfirmation.all()))
            .isInstanceOf(SyncException.class)
            .hasMessageContaining(stateDir.toString())
            .hasMessageContaining("the disk is full")
            .hasMessageContaining("unchanged");
        Files.delete(filler);
      }
      try (SyncState again = SyncState.open(stateDir)) {
        assertThat(again.generation()).isEqualTo(1);
        assertThat(contents(again)).isEqualTo(before);
        again.commit(export(users(1_000), again), ImportConfirmation.all());
        assertThat(again.generation()).isEqualTo(2);
      }
    } finally {
      run("umount", disk.toString());
    }
  }

  /** Runs a command; whether it succeeded. */
  private static boolean run(String... command) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false; // no such command here
    }
  }

  /** Writes a state as Leadbridge did before the database; user 3 unconfirmed. */
  private static void writeOldState(Path folder, List<String> rows, long generation)
      throws IOException {
    List<String[]> entries =
        rows.stream().map(r -> r.split("\t")).sorted((a, b) -> a[0].compareTo(b[0])).toList();
    try (DataOutputStream out =
        new DataOutputStream(
            new GZIPOutputStream(
                Files.newOutputStream(folder.resolve("users-" + generation + ".lbs"))))) {
      out.write(new byte[] {'L', 'B', 'S', '1'});
      for (String[] e : entries) {
        out.writeByte(1);
        Binary.writeString(out, e[0]);
        out.writeLong(Long.parseLong(e[3]));
        Binary.writeString(out, e[4]);
        out.writeByte(e[0].equals("auth0|3") ? 0 : 1);
        Binary.writeVarLong(out, 0);
      }
      out.writeByte(0);
      Binary.writeVarLong(out, entries.size());
    }
    Files.writeString(
        folder.resolve("sync-state.json"),
        "{\"kind\":\"leadbridge-sync-state\",\"version\":1,\"generation\":"
            + generation
            + ",\"users\":"
            + entries.size()
            + ",\"entries\":\"users-"
            + generation
            + ".lbs\",\"columns\":[\"email\",\"firstName\",\"lastName\"],"
            + "\"format\":\""
            + CsvFormat.TSV.toString().replace("\\", "\\\\").replace("\"", "\\\"")
            + "\",\"keyColumn\":\"email\"}");
  }
}
