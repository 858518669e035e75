package io.leadbridge.cli;

import picocli.CommandLine.Option;

/** The options of a Marketo import. */
final class ImportFlags {
  @Option(
      names = "--lookup-field",
      paramLabel = "NAME",
      description = "The Marketo lookup field that finds the lead a row updates (default: email).")
  String lookupField;

  @Option(
      names = "--list-id",
      paramLabel = "N",
      description = "Add the imported leads to this Marketo static list.")
  Integer listId;

  @Option(names = "--partition", paramLabel = "NAME", description = "The Marketo lead partition.")
  String partition;

  @Option(
      names = "--uncertain-uploads",
      paramLabel = "POLICY",
      description =
          "A part whose upload answer was lost: ${COMPLETION-CANDIDATES}. resolve (the default)"
              + " looks a sample of its leads up once later batches are done, then confirms it or"
              + " uploads it again; report never uploads it again, since Marketo may have it;"
              + " upload-again after checking Marketo's import history that it was not imported.")
  Choices.Uncertain uncertainUploads;

  @Option(
      names = "--rejected-rows",
      paramLabel = "POLICY",
      description =
          "Rows whose values Marketo would refuse, found before the upload:"
              + " ${COMPLETION-CANDIDATES} (default: leave-out, reported and sent again by a later"
              + " sync once fixed).")
  Choices.Rows rejectedRows;

  @Option(
      names = "--warned-rows",
      paramLabel = "POLICY",
      description =
          "Rows whose values Marketo would truncate or change: ${COMPLETION-CANDIDATES}"
              + " (default: send, and report them).")
  Choices.Rows warnedRows;

  @Option(
      names = "--program-id",
      paramLabel = "N",
      description =
          "Import the rows as members of this Marketo program instead of as leads (with"
              + " --member-status); a lead is found by email, and created when missing.")
  Long programId;

  @Option(
      names = "--member-status",
      paramLabel = "STATUS",
      description = "The program member status, one of the program channel's (e.g. Registered).")
  String memberStatus;

  @Option(
      names = "--custom-object",
      paramLabel = "API_NAME",
      description =
          "Import the rows as records of this Marketo custom object instead of as leads;"
              + " deduplicated by the object's dedupe fields.")
  String customObject;

  @Option(
      names = "--daily-quota",
      paramLabel = "N",
      description =
          "The instance's daily API call limit, shared with other integrations; an import that"
              + " today's remaining calls cannot cover is refused before it starts (default:"
              + " 50000).")
  Integer dailyQuota;

  /** Checks values picocli cannot. */
  void check() {
    if (listId != null && listId < 1) {
      throw CliException.usage("--list-id must be a positive number, not " + listId);
    }
    if (programId != null && customObject != null) {
      throw CliException.usage("give --program-id or --custom-object, not both");
    }
    if ((programId == null) != (memberStatus == null)) {
      throw CliException.usage(
          "--program-id and --member-status go together: the program and its members' status");
    }
    if (programId != null && programId < 1) {
      throw CliException.usage("--program-id must be a positive number, not " + programId);
    }
    if (customObject != null && customObject.isBlank()) {
      throw CliException.usage("--custom-object needs a value");
    }
    if (dailyQuota != null && dailyQuota < 1) {
      throw CliException.usage("--daily-quota must be a positive number, not " + dailyQuota);
    }
    if (lookupField != null && lookupField.isBlank()) {
      throw CliException.usage("--lookup-field needs a value");
    }
    if (partition != null && partition.isBlank()) {
      throw CliException.usage("--partition needs a value");
    }
  }
}
