package io.leadbridge.cli;

import io.leadbridge.marketo.ImportListener;
import io.leadbridge.marketo.LeadField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code leadbridge fields}: the instance's lead fields. */
@Command(
    name = "fields",
    mixinStandardHelpOptions = true,
    description = {
      "List the Marketo instance's lead fields.",
      "",
      "List the Marketo instance's lead fields: the REST API names a file's header must use,"
          + " with their display names, types, lengths and whether the API may write them."
    })
final class FieldsCommand extends RunCommand {
  FieldsCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  int run(Settings settings, Output output) {
    List<LeadField> fields = settings.marketo(ImportListener.none()).describeLeadFields();
    List<Object> json = new ArrayList<>();
    for (LeadField f : fields) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", f.name());
      m.put("displayName", f.displayName());
      m.put("dataType", f.dataType());
      m.put("length", f.length());
      m.put("updateable", f.updateable());
      json.add(m);
    }
    output.put("fields", json);
    if (!output.json()) {
      int width = fields.stream().mapToInt(f -> f.name().length()).max().orElse(4);
      String row = "%-" + Math.max(width, 4) + "s  %-24s  %-10s  %6s  %s%n";
      output.human().printf(Locale.ROOT, row, "NAME", "DISPLAY NAME", "TYPE", "LENGTH", "WRITABLE");
      for (LeadField f : fields) {
        output
            .human()
            .printf(
                Locale.ROOT,
                row,
                f.name(),
                f.displayName(),
                f.dataType(),
                f.length() > 0 ? String.valueOf(f.length()) : "",
                f.updateable() ? "yes" : "no");
      }
    }
    return ExitCode.OK;
  }
}
