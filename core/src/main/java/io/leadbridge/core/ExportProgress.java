package io.leadbridge.core;

import java.nio.file.Path;

/**
 * A snapshot of an export in progress, given to an {@link ExportListener}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param entriesRead users and malformed entries read from the source so far
 * @param rowsWritten rows written so far (not counting headers)
 * @param rowsRejected entries rejected so far
 * @param bytesWritten bytes written so far, headers included
 * @param currentFile the part being written (its final name), or {@code null} for a stream
 * @param part the 1-based number of the part being written
 * @param done true for the last report, when the export has finished
 */
public record ExportProgress(
    long entriesRead,
    long rowsWritten,
    long rowsRejected,
    long bytesWritten,
    Path currentFile,
    int part,
    boolean done) {}
