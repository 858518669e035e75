package io.leadbridge.alterian;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Makes column names safe for a database table: ASCII letters, digits and underscores, starting
 * with a letter, unique ignoring case, at most a given length.
 */
final class ColumnNames {
  private ColumnNames() {}

  static List<String> safe(List<String> names, int maxLength) {
    List<String> out = new ArrayList<>(names.size());
    Set<String> taken = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String base = clean(names.get(i), i + 1, maxLength);
      String name = base;
      int n = 2;
      while (!taken.add(name.toLowerCase(Locale.ROOT))) {
        String suffix = "_" + n++;
        name = base.substring(0, Math.min(base.length(), maxLength - suffix.length())) + suffix;
      }
      out.add(name);
    }
    return out;
  }

  static String clean(String name, int position, int maxLength) {
    String ascii = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
    StringBuilder sb = new StringBuilder();
    boolean underscore = false;
    for (int i = 0; i < ascii.length(); i++) {
      char c = ascii.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (ok) {
        sb.append(c);
        underscore = false;
      } else if (!underscore && sb.length() > 0) {
        sb.append('_');
        underscore = true;
      }
    }
    while (sb.length() > 0 && sb.charAt(sb.length() - 1) == '_') {
      sb.setLength(sb.length() - 1);
    }
    String cleaned = sb.toString();
    if (cleaned.isEmpty()) {
      cleaned = "Column_" + position;
    } else if (!Character.isLetter(cleaned.charAt(0))) {
      cleaned = "C_" + cleaned;
    }
    if (cleaned.length() > maxLength) {
      cleaned = cleaned.substring(0, maxLength);
      while (cleaned.endsWith("_")) {
        cleaned = cleaned.substring(0, cleaned.length() - 1);
      }
    }
    return cleaned;
  }
}
