package io.leadbridge.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code leadbridge} in a JVM of its own with this test's class path, as a scheduler runs it: its
 * own signal handling, its own exit status. Its output is collected as it comes.
 */
final class ChildCli implements AutoCloseable {
  final Process process;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private ChildCli(Process process) {
    this.process = process;
    pump(process.getInputStream(), out);
    pump(process.getErrorStream(), err);
  }

  /**
   * Starts {@code leadbridge args} in {@code dir}, with {@code env} and its own temporary folder.
   */
  static ChildCli start(Path dir, Map<String, String> env, String... args) throws IOException {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Djava.io.tmpdir=" + tmp);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().putAll(env);
    return new ChildCli(pb.start());
  }

  private static void pump(InputStream in, ByteArrayOutputStream into) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                  synchronized (into) {
                    into.write(buf, 0, n);
                  }
                }
              } catch (IOException e) {
                // the child is gone
              }
            },
            "child-output");
    t.setDaemon(true);
    t.start();
  }

  String out() {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  String err() {
    synchronized (err) {
      return err.toString(StandardCharsets.UTF_8);
    }
  }

  OutputStream stdin() {
    return process.getOutputStream();
  }

  /** Waits until a condition holds, failing with the child's output if it never does. */
  void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end || !process.isAlive() && !condition.getAsBoolean()) {
        throw new AssertionError("never " + what + "; output:\n" + out() + "\nerrors:\n" + err());
      }
      Thread.sleep(20);
    }
  }

  /** Sends a signal: {@code TERM} or {@code INT}. */
  void signal(String name) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid()))
        .inheritIO()
        .start()
        .waitFor();
  }

  /** Waits for the end; returns the exit status. */
  int exit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          "still running after " + timeout + "; output:\n" + out() + "\nerrors:\n" + err());
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
