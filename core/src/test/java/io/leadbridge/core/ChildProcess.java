package io.leadbridge.core;

import io.leadbridge.core.internal.files.FolderLock;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.source.SourceEntry;
import io.leadbridge.core.source.UserRecord;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.core.sync.ImportConfirmation;
import io.leadbridge.core.sync.SyncException;
import io.leadbridge.core.sync.SyncState;
import io.leadbridge.core.sync.SyncStateInUseException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A second process for tests of what one run leaves another: it holds a folder, or exports slowly
 * until it is killed. It prints {@code ready} once it has started.
 */
public final class ChildProcess {
  private ChildProcess() {}

  /** Starts this class in a new JVM with the test class path. */
  public static Process start(String mode, Path dir) throws IOException {
    return start(mode, dir.toString());
  }

  /** Starts this class in a new JVM with the test class path and these arguments. */
  public static Process start(String mode, String... args) throws IOException {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                javaBin,
                "-cp",
                System.getProperty("java.class.path"),
                ChildProcess.class.getName()));
    command.add(mode);
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** Reads the child's next line, or {@code null} at its end; the logging's notices are skipped. */
  public static String readLine(Process p) throws IOException {
    String line;
    do {
      line = rawLine(p);
    } while (line != null && line.startsWith("SLF4J"));
    return line;
  }

  private static String rawLine(Process p) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = p.getInputStream().read()) >= 0; ) {
      if (c == '\n') {
        return line.toString().strip();
      }
      line.append((char) c);
    }
    return line.length() == 0 ? null : line.toString();
  }

  /** Waits for the child's {@code ready} line. */
  public static void awaitReady(Process p) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = p.getInputStream().read()) >= 0; ) {
      if (c == '\n') {
        if (line.toString().strip().equals("ready")) {
          return;
        }
        line.setLength(0);
      } else {
        line.append((char) c);
      }
    }
    throw new IOException("the child ended before it was ready: " + line);
  }

  private static UserSource users(int from, int to, String given) {
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = from; i < to; i++) {
      users.add(
          Map.of("user_id", "auth0|" + i, "email", "user" + i + "@example.com", "given", given));
    }
    return UserSource.of(users);
  }

  private static final UserExporter SYNC_EXPORTER =
      UserExporter.builder()
          .mapping(FieldMapping.builder().column("email", "email").column("given", "given").build())
          .build();

  public static void main(String[] args) throws Exception {
    if (args[0].equals("hold-state")) {
      // exports against a state in a folder and never commits: holds its lease until killed
      SyncState state = SyncState.open(Path.of(args[1]));
      SYNC_EXPORTER.export(users(0, 2, "a"), Path.of(args[1] + "-out", "users.csv"), state);
      System.out.println("ready");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
    if (args[0].equals("sync-postgres")) {
      // one run against a PostgreSQL state: export, say so, commit when told
      javax.sql.DataSource ds = io.leadbridge.core.testing.EmbeddedPostgres.dataSource(args[1]);
      try (SyncState state = SyncState.open(ds, args[2])) {
        ExportResult export;
        try {
          export =
              SYNC_EXPORTER.export(users(0, 50, args[4]), Path.of(args[3], "users.csv"), state);
        } catch (SyncStateInUseException e) {
          System.out.println("refused " + e.getMessage());
          return;
        }
        System.out.println("exported " + export.rowsWritten());
        System.out.flush();
        java.io.BufferedReader in =
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
        if ("commit".equals(in.readLine())) {
          try {
            System.out.println(
                "committed " + state.commit(export, ImportConfirmation.all()).generation());
          } catch (SyncException e) {
            System.out.println("refused " + e.getMessage());
          }
        }
      }
      return;
    }
    Path dir = Path.of(args[1]);
    if (args[0].equals("hold")) {
      try (FolderLock lock = FolderLock.acquire(dir, "test")) {
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
      }
    }
    UserSource slow =
        new UserSource() {
          private int n;

          @Override
          public SourceEntry next() {
            n++;
            if (n == 5_000) {
              System.out.println("ready");
              System.out.flush();
              try {
                Thread.sleep(Long.MAX_VALUE);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return UserRecord.of(n, Map.of("user_id", "u" + n, "email", n + "@example.com"));
          }
        };
    UserExporter.builder()
        .mapping(FieldMapping.builder().column("email", "email").build())
        .maxFileBytes(20_000)
        .build()
        .export(slow, dir.resolve("users.csv"));
  }
}
