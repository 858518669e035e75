package io.leadbridge.cli;

import io.leadbridge.marketo.LeadField;
import io.leadbridge.marketo.MarketoBulkLeadClient;
import java.util.List;

/** Checks made before anything is uploaded, so that a run that cannot work fails at once. */
final class Checks {
  private Checks() {}

  /**
   * Refuses a lookup field that is not a column of the export or not a lead field of the instance:
   * every row of the import would fail.
   *
   * @param option how the lookup field was given, for the message: {@code --lookup-field}
   * @throws CliException with exit status 2
   */
  static void lookupField(
      MarketoBulkLeadClient client, List<String> header, String lookup, String option) {
    if (!header.isEmpty() && header.stream().noneMatch(c -> c.equalsIgnoreCase(lookup))) {
      throw CliException.usage(
          option
              + " "
              + lookup
              + " is not a column of the export (columns "
              + header
              + "): every row would fail. Name one of them, or add it to the mapping.");
    }
    List<String> fields = client.describeLeadFields().stream().map(LeadField::name).toList();
    if (fields.stream().noneMatch(f -> f.equalsIgnoreCase(lookup))) {
      throw CliException.usage(
          option
              + " "
              + lookup
              + " is not a lead field of this Marketo instance: every row would fail. Use a"
              + " field's REST API name, such as email.");
    }
  }
}
