package io.leadbridge.core;

import io.leadbridge.core.internal.files.FolderLock;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.source.SourceEntry;
import io.leadbridge.core.source.UserRecord;
import io.leadbridge.core.source.UserSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A second process for tests of what one run leaves another: it holds a folder, or exports slowly
 * until it is killed. It prints {@code ready} once it has started.
 */
public final class ChildProcess {
  private ChildProcess() {}

  /** Starts this class in a new JVM with the test class path. */
  public static Process start(String mode, Path dir) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            ChildProcess.class.getName(),
            mode,
            dir.toString())
        .redirectErrorStream(true)
        .start();
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

  public static void main(String[] args) throws Exception {
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
