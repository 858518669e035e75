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
          "A part whose upload answer was lost: ${COMPLETION-CANDIDATES}. report (the default)"
              + " never uploads it again, since Marketo may have it; upload-again after checking"
              + " Marketo's import history that it was not imported.")
  Choices.Uncertain uncertainUploads;

  /** Checks values picocli cannot. */
  void check() {
    if (listId != null && listId < 1) {
      throw CliException.usage("--list-id must be a positive number, not " + listId);
    }
    if (lookupField != null && lookupField.isBlank()) {
      throw CliException.usage("--lookup-field needs a value");
    }
    if (partition != null && partition.isBlank()) {
      throw CliException.usage("--partition needs a value");
    }
  }
}
