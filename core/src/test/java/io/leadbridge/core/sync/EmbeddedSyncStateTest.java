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
