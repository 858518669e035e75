package io.leadbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The emulator's value rules, against the table the client's prediction is tested against. */
class MarketoValueRulesTest {
  private static final Pattern REPEAT = Pattern.compile("\\{(\\d+)\\*([^}]*)\\}");

  record Case(int line, String type, int length, boolean lookup, String value, String expected) {
    @Override
    public String toString() {
      return "line " + line + ": " + type + "(" + length + ") -> " + expected;
    }
  }

  static Stream<Case> cases() throws IOException {
    List<Case> out = new ArrayList<>();
    try (InputStream in = MarketoValueRules.class.getResourceAsStream("marketo-value-rules.tsv")) {
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
        out.add(new Case(n, c[0], Integer.parseInt(c[1]), c[2].equals("yes"), value(c[3]), c[4]));
      }
    }
    return out.stream();
  }

  private static String value(String raw) {
    String plain = raw.replace("\\\\", "\u0000").replace("\\t", "\t").replace("\\n", "\n");
    plain = plain.replace("\u0000", "\\");
    Matcher m = REPEAT.matcher(plain);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(
          out, Matcher.quoteReplacement(m.group(2).repeat(Integer.parseInt(m.group(1)))));
    }
    m.appendTail(out);
    return out.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void answersWhatTheTableSays(Case c) {
    MarketoEmulator.Field field = new MarketoEmulator.Field("f", "F", c.type(), c.length(), true);
    MarketoValueRules.Outcome o = MarketoValueRules.of(field, c.value(), c.lookup());
    assertThat(o.rule()).as(c.toString()).isEqualTo(c.expected());
    assertThat(o.ok() ? "" : o.reason()).doesNotContain(c.value().isEmpty() ? "\u0000" : c.value());
  }

  @Test
  void aTruncatedValueKeepsItsFirstCharacters() {
    MarketoEmulator.Field company =
        new MarketoEmulator.Field("company", "Company", "string", 3, true);
    assertThat(MarketoValueRules.stored(company, "😀😀😀😀")).isEqualTo("😀😀😀");
    assertThat(MarketoValueRules.stored(company, "abc")).isEqualTo("abc");
    MarketoEmulator.Field notes = new MarketoEmulator.Field("notes", "Notes", "text", 0, true);
    assertThat(MarketoValueRules.stored(notes, "é".repeat(15_001))).hasSize(15_000);
  }
}
