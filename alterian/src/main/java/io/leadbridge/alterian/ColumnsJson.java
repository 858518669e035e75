package io.leadbridge.alterian;

import java.util.List;

/** Writes {@code columns.json} by hand: the spec is small and holds no user value. */
final class ColumnsJson {
  private ColumnsJson() {}

  static String write(
      AlterianImportPackager config, List<ColumnSpec> specs, List<AlterianPackage.DataFile> files) {
    StringBuilder sb = new StringBuilder();
    sb.append("{\n");
    sb.append("  \"table\": ").append(quote(config.tableName)).append(",\n");
    sb.append("  \"importMode\": ").append(quote(config.importMode.name())).append(",\n");
    String key = null;
    if (config.keyColumn != null) {
      for (ColumnSpec c : specs) {
        if (c.sourceName().equals(config.keyColumn) || c.name().equals(config.keyColumn)) {
          key = c.name();
          break;
        }
      }
    }
    sb.append("  \"keyColumn\": ").append(key == null ? "null" : quote(key)).append(",\n");
    sb.append("  \"encoding\": ").append(quote(config.format.charset().name())).append(",\n");
    sb.append("  \"delimiter\": ")
        .append(quote(String.valueOf(config.format.delimiter())))
        .append(",\n");
    sb.append("  \"textQualifier\": ")
        .append(quote(String.valueOf(config.format.quote())))
        .append(",\n");
    sb.append("  \"firstRowHasNames\": true,\n");
    sb.append("  \"files\": [\n");
    for (int i = 0; i < files.size(); i++) {
      AlterianPackage.DataFile f = files.get(i);
      sb.append("    {\"name\": ")
          .append(quote(f.path().getFileName().toString()))
          .append(", \"rows\": ")
          .append(f.rows())
          .append(", \"bytes\": ")
          .append(f.bytes())
          .append('}')
          .append(i + 1 < files.size() ? ",\n" : "\n");
    }
    sb.append("  ],\n");
    sb.append("  \"columns\": [\n");
    for (int i = 0; i < specs.size(); i++) {
      ColumnSpec c = specs.get(i);
      sb.append("    {")
          .append("\"name\": ")
          .append(quote(c.name()))
          .append(", \"source\": ")
          .append(quote(c.sourceName()))
          .append(", \"type\": ")
          .append(quote(c.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')))
          .append(", \"maxLength\": ")
          .append(c.maxLength())
          .append(", \"nullCount\": ")
          .append(c.nullCount())
          .append(", \"valueCount\": ")
          .append(c.valueCount())
          .append(", \"storedFormat\": ")
          .append(c.storedFormat() == null ? "null" : quote(c.storedFormat()))
          .append(", \"sample\": ")
          .append(quote(c.sample()))
          .append('}')
          .append(i + 1 < specs.size() ? ",\n" : "\n");
    }
    sb.append("  ]\n");
    sb.append("}\n");
    return sb.toString();
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    return sb.append('"').toString();
  }
}
