package io.leadbridge.marketo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The table of value cases shipped with the testkit, which the emulator is tested against too. */
final class ValueRuleCases {
  static final String RESOURCE = "/io/leadbridge/testkit/marketo-value-rules.tsv";
  private static final Pattern REPEAT = Pattern.compile("\\{(\\d+)\\*([^}]*)\\}");

  /** One line of the table. */
  record Case(
      int line,
      String dataType,
      int length,
      boolean lookup,
      String value,
      String expected,
      String source) {
    @Override
    public String toString() {
      return "line "
          + line
          + ": "
          + dataType
          + "("
          + length
          + ")"
          + (lookup ? " lookup" : "")
          + " -> "
          + expected;
    }
  }

  private ValueRuleCases() {}

  static List<Case> all() {
    List<Case> out = new ArrayList<>();
    try (InputStream in = ValueRuleCases.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      int n = 0;
      boolean header = true;
      for (String line; (line = r.readLine()) != null; ) {
        n++;
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        if (header) {
          header = false;
          continue;
        }
        String[] c = line.split("\t", -1);
        if (c.length != 6) {
          throw new IllegalStateException("line " + n + " has " + c.length + " columns");
        }
        out.add(
            new Case(
                n, c[0], Integer.parseInt(c[1]), c[2].equals("yes"), unescape(c[3]), c[4], c[5]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static String unescape(String raw) {
    StringBuilder plain = new StringBuilder();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\\' && i + 1 < raw.length()) {
        char e = raw.charAt(++i);
        plain.append(e == 't' ? '\t' : e == 'n' ? '\n' : e);
      } else {
        plain.append(c);
      }
    }
    Matcher m = REPEAT.matcher(plain);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(
          out, Matcher.quoteReplacement(m.group(2).repeat(Integer.parseInt(m.group(1)))));
    }
    m.appendTail(out);
    return out.toString();
  }
}
