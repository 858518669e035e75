package io.leadbridge.auth0;

import io.leadbridge.core.internal.EntryHashing;
import io.leadbridge.core.internal.Projectable;
import io.leadbridge.core.internal.ReadFraction;
import io.leadbridge.core.source.SourceEntry;
import io.leadbridge.core.source.SourceException;
import io.leadbridge.core.source.UserSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The users of a finished Auth0 export, read from its downloaded file. The file is a temporary,
 * owner-only copy of the gzipped NDJSON that Auth0 produced; closing the source deletes it.
 *
 * <p>Not thread-safe: read it on one thread, like any {@link UserSource}.
 */
public final class Auth0ExportSource
    implements UserSource, Projectable, EntryHashing, ReadFraction {
  private final String jobId;
  private final long downloadedBytes;
  private final Path file;
  private final UserSource users;
  private boolean closed;

  Auth0ExportSource(String jobId, long downloadedBytes, Path file) {
    this.jobId = jobId;
    this.downloadedBytes = downloadedBytes;
    this.file = file;
    this.users = UserSource.ndjson(file);
  }

  /**
   * The id of the Auth0 job that produced the export, for Auth0's logs and support.
   *
   * @return the job id, such as {@code job_abc123}
   */
  public String jobId() {
    return jobId;
  }

  /**
   * The size of the downloaded file, gzipped.
   *
   * @return the number of bytes downloaded
   */
  public long downloadedBytes() {
    return downloadedBytes;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Users come in the order of Auth0's file; positions are its line numbers.
   */
  @Override
  public SourceEntry next() {
    return users.next();
  }

  @Override
  public void keepOnly(Set<String> properties) {
    ((Projectable) users).keepOnly(properties);
  }

  @Override
  public double readFraction() {
    return ((ReadFraction) users).readFraction();
  }

  @Override
  public String entryFormat() {
    return ((EntryHashing) users).entryFormat();
  }

  @Override
  public void hashEntries(long seed1, long seed2, Skipper skipper) {
    ((EntryHashing) users).hashEntries(seed1, seed2, skipper);
  }

  @Override
  public SourceEntry parse(byte[] entry, int length, long position) {
    return ((EntryHashing) users).parse(entry, length, position);
  }

  /**
   * Closes the file and deletes it. Safe to call twice.
   *
   * @throws SourceException if the file cannot be deleted
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      users.close();
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new SourceException(
            "Cannot delete the downloaded Auth0 export " + file + "; delete it by hand.", e);
      }
    }
  }

  @Override
  public String toString() {
    return "Auth0ExportSource[job " + jobId + ", " + downloadedBytes + " bytes]";
  }
}
