package io.leadbridge.marketo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The client's prediction of each value, against the table the emulator is tested against. */
class ValueRulesTest {

  static Stream<ValueRuleCases.Case> cases() {
    return ValueRuleCases.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void predictsWhatTheTableSays(ValueRuleCases.Case c) {
    ValueRule rule = ValueRules.check(c.dataType(), c.length(), c.value(), c.lookup());
    assertThat(rule == null ? "OK" : rule.name()).as(c.toString()).isEqualTo(c.expected());
  }

  @Test
  void theTableCoversEveryDataTypeAndEveryRule() {
    List<ValueRuleCases.Case> all = ValueRuleCases.all();
    Set<String> types = all.stream().map(ValueRuleCases.Case::dataType).collect(Collectors.toSet());
    assertThat(types)
        .contains(
            "string",
            "text",
            "textarea",
            "email",
            "phone",
            "url",
            "integer",
            "score",
            "percent",
            "float",
            "currency",
            "boolean",
            "date",
            "datetime",
            "reference");
    Set<String> expected =
        all.stream().map(ValueRuleCases.Case::expected).collect(Collectors.toSet());
    for (ValueRule r : ValueRule.values()) {
      assertThat(expected).as("a case for " + r).contains(r.name());
    }
  }

  @Test
  void truncationKeepsWholeCharacters() {
    assertThat(ValueRules.truncate("😀😀😀", 2)).isEqualTo("😀😀");
    assertThat(ValueRules.truncate("abc", 5)).isEqualTo("abc");
  }

  @Test
  void everyRuleHasASeverityAndWordsWithoutValues() {
    assertThat(ValueRule.TRUNCATED.severity()).isEqualTo(ValueRule.Severity.WARNING);
    assertThat(ValueRule.INVALID_EMAIL.severity()).isEqualTo(ValueRule.Severity.REJECTION);
    assertThat(ValueRule.DATETIME_WITHOUT_OFFSET.severity()).isEqualTo(ValueRule.Severity.WARNING);
    assertThat(ValueRule.values()).allMatch(r -> !r.description().isBlank());
  }
}
