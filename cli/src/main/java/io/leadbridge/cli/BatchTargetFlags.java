package io.leadbridge.cli;

import io.leadbridge.marketo.BulkTarget;
import picocli.CommandLine.Option;

/**
 * Which kind of batch {@code status}, {@code failures} and {@code warnings} read: a lead batch by
 * default, or one that {@code import --program-id} or {@code --custom-object} made, each read on
 * its own path; else the configuration's {@code marketo} target.
 */
final class BatchTargetFlags {
  @Option(
      names = "--program-id",
      paramLabel = "N",
      description = "The batch imported program members of this program (import --program-id).")
  Long programId;

  @Option(
      names = "--custom-object",
      paramLabel = "API_NAME",
      description = "The batch imported records of this custom object (import --custom-object).")
  String customObject;

  /** The target whose batch paths to read. */
  BulkTarget target(Settings settings) {
    if (programId != null && customObject != null) {
      throw CliException.usage("give --program-id or --custom-object, not both");
    }
    if (programId != null) {
      if (programId < 1) {
        throw CliException.usage("--program-id must be a positive number, not " + programId);
      }
      // a member batch's paths name neither the program nor the status: any status reads it
      return BulkTarget.programMembers(programId, "(any)");
    }
    if (customObject != null) {
      try {
        return BulkTarget.customObject(customObject);
      } catch (IllegalArgumentException e) {
        throw CliException.usage("--custom-object: " + e.getMessage());
      }
    }
    ImportFlags none = new ImportFlags();
    return settings.target(none);
  }
}
